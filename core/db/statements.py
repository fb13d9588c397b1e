"""Statements whose SQL differs between PostgreSQL and SQLite, written once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def _insert(session: AsyncSession, model: type[DeclarativeBase]) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(model)


async def insert_or_ignore(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    conflict: Sequence[str],
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING; the new row's id, or None if it already existed.

    On PostgreSQL a concurrent insert of the same key waits for the other transaction and then
    does nothing, which is exactly the de-duplication an inbox or a payment record needs.
    """
    statement = (
        _insert(session, model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(model.id)  # type: ignore[attr-defined]
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def upsert(
    session: AsyncSession,
    model: type[DeclarativeBase],
    values: Mapping[str, Any],
    conflict: Sequence[str],
    update: Sequence[str],
) -> None:
    """INSERT ... ON CONFLICT DO UPDATE of the named columns."""
    statement = _insert(session, model).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=list(conflict),
        set_={column: getattr(statement.excluded, column) for column in update},
    )
    await session.execute(statement)


def skip_locked(session: AsyncSession, query: Select[Any]) -> Select[Any]:
    """Claim rows for a job: FOR UPDATE SKIP LOCKED on PostgreSQL.

    SQLite has no row locks; its BEGIN IMMEDIATE already lets one writer in at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update(skip_locked=True)
    return query
