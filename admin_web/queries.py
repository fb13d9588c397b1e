"""What the admin pages read: escrows page by page, counts by state, open alerts, the audit log.

Read-only: nothing here changes a row, so none of it is a use case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Alert, Escrow, PaymentLog
from core.db.repositories import Alerts, Escrows
from core.escrow.states import State

PER_PAGE = 50
_SEPARATORS = str.maketrans("", "", " -_.\u00a0\t\r\n")


@dataclass(frozen=True, slots=True)
class EscrowList:
    rows: Sequence[Escrow]
    total: int  # matching the filter, on all pages
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class OpenAlert:
    alert: Alert
    code: str | None


def code_search(text: str | None) -> str | None:
    """What people type for a code ("ab-c 12k") as it is stored ("ABC12K"); None for nothing."""
    cleaned = unicodedata.normalize("NFKC", text or "").translate(_SEPARATORS).upper()[:16]
    return cleaned or None


async def list_escrows(
    session: AsyncSession,
    *,
    state: State | None,
    code: str | None,
    page: int,
    per_page: int = PER_PAGE,
) -> EscrowList:
    """Newest first; `code` matches any part of the code; `page` is clamped to what exists."""
    conditions = []
    if state is not None:
        conditions.append(Escrow.state == state.value)
    if code is not None:
        conditions.append(Escrow.code.contains(code, autoescape=True))
    total = int(
        await session.scalar(select(func.count()).select_from(Escrow).where(*conditions)) or 0
    )
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    query = (
        select(Escrow)
        .where(*conditions)
        .order_by(Escrow.created_at.desc(), Escrow.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = (await session.execute(query)).scalars().all()
    return EscrowList(rows, total, page, pages)


async def count_by_state(session: AsyncSession) -> dict[State, int]:
    """Every state, in lifecycle order, with how many escrows are in it (zero included)."""
    counts = await Escrows(session).count_by_state()
    return {state: counts.get(state.value, 0) for state in State}


async def open_alerts(session: AsyncSession, limit: int = 50) -> list[OpenAlert]:
    """Unresolved alerts, newest first, each with its escrow's code (if it has an escrow)."""
    return [OpenAlert(alert, code) for alert, code in await Alerts(session).open_with_codes(limit)]


async def count_open_alerts(session: AsyncSession) -> int:
    return await Alerts(session).count_open()


async def log_entries(session: AsyncSession, escrow_id: int, limit: int = 500) -> list[PaymentLog]:
    """The escrow's audit entries, oldest first (the latest `limit` of them)."""
    query = (
        select(PaymentLog)
        .where(PaymentLog.escrow_id == escrow_id)
        .order_by(PaymentLog.id.desc())
        .limit(limit)
    )
    return list(reversed((await session.execute(query)).scalars().all()))
