"""The hand-written migrations: they match the models and go up and down on both databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DatabaseError

from core.db import migrate
from core.db.engine import sync_url
from core.db.models import Base
from tests.databases import KINDS, PG_URL, pg_schema_url


@pytest.fixture(params=KINDS)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    schema = f"tp_migrations_{os.getpid()}"
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    yield pg_schema_url(schema)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _engine(url: str) -> Engine:
    return create_engine(sync_url(url))


def test_migrated_schema_matches_the_models_exactly(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    engine = _engine(empty_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
    assert migrate.current(empty_url) == migrate.head()


def test_migrations_go_down_to_nothing_and_up_again(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    migrate.downgrade(empty_url, "base")
    engine = _engine(empty_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(empty_url)
    engine = _engine(empty_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        head = connection.execute(text("SELECT last_id, last_hash FROM audit_head")).one()
    assert tuple(head) == (0, "0" * 64)
    engine.dispose()


@pytest.mark.parametrize("table", ["payment_log", "ledger_entries", "ledger_transactions"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_audit_and_ledger_rows_cannot_be_changed_or_deleted(
    empty_url: str, table: str, statement: str
) -> None:
    migrate.upgrade(empty_url)
    engine = _engine(empty_url)
    with engine.begin() as connection:
        if table == "payment_log":
            connection.execute(
                text(
                    "INSERT INTO payment_log (id, event_type, status, payload, created_at, "
                    "prev_hash, hash) VALUES (1, 'x', 'y', '{}', CURRENT_TIMESTAMP, 'a', 'b')"
                )
            )
        else:
            connection.execute(
                text(
                    "INSERT INTO ledger_transactions (id, kind, created_at) "
                    "VALUES (1, 'hold', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO ledger_entries (id, txn_id, account, side, amount_paise) "
                    "VALUES (1, 1, 'gateway_cash', 'D', 100)"
                )
            )
    with pytest.raises(DatabaseError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement.format(table=table)))
    engine.dispose()
