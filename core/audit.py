"""The payment log: an append-only, hash-chained record of every money and lifecycle event.

Each row's hash covers its own fields and the previous row's hash, so changing, deleting or
inserting a row breaks every hash after it. Appends lock the one-row `audit_head` table, which
keeps the chain a line even when many processes write at once. Rows hold masked UPI ids only:
the log can never be edited, so it must never hold data someone may ask us to erase.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import AuditHead, PaymentLog

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class LogFields:
    """What one payment-log row says, minus its place in the chain."""

    seq: int
    escrow_id: int | None
    event_type: str
    status: str
    gateway_ref: str | None
    amount_paise: int | None
    payload: str
    error: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: PaymentLog) -> LogFields:
        return cls(
            row.id,
            row.escrow_id,
            row.event_type,
            row.status,
            row.gateway_ref,
            row.amount_paise,
            row.payload,
            row.error,
            row.created_at,
        )


def entry_hash(prev_hash: str, fields: LogFields) -> str:
    """sha256 over the previous hash and the row's canonical JSON."""
    return hashlib.sha256(f"{prev_hash}\n{entry_body(fields)}".encode()).hexdigest()


def entry_body(fields: LogFields) -> str:
    """The canonical JSON of one row: what its hash covers besides the previous hash."""
    return canonical_json(
        {
            "seq": fields.seq,
            "escrow_id": fields.escrow_id,
            "event_type": fields.event_type,
            "status": fields.status,
            "gateway_ref": fields.gateway_ref,
            "amount_paise": fields.amount_paise,
            "payload": fields.payload,
            "error": fields.error,
            "created_at": fields.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        }
    )


async def append(
    session: AsyncSession,
    *,
    event_type: str,
    status: str,
    now: datetime,
    escrow_id: int | None = None,
    gateway_ref: str | None = None,
    amount_paise: int | None = None,
    payload: dict[str, Any] | None = None,
    error: str | None = None,
) -> PaymentLog:
    """Add one entry at the tip of the chain, inside the caller's transaction."""
    head_query = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = (
        await session.execute(head_query.execution_options(populate_existing=True))
    ).scalar_one()
    created_at = now.astimezone(UTC)
    fields = LogFields(
        seq=head.last_id + 1,
        escrow_id=escrow_id,
        event_type=event_type,
        status=status,
        gateway_ref=gateway_ref,
        amount_paise=amount_paise,
        payload=canonical_json(payload or {}),
        error=error,
        created_at=created_at,
    )
    row_hash = entry_hash(head.last_hash, fields)
    row = PaymentLog(
        id=fields.seq,
        escrow_id=escrow_id,
        event_type=event_type,
        status=status,
        gateway_ref=gateway_ref,
        amount_paise=amount_paise,
        payload=fields.payload,
        error=error,
        created_at=created_at,
        prev_hash=head.last_hash,
        hash=row_hash,
    )
    session.add(row)
    await session.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(last_id=fields.seq, last_hash=row_hash)
        .execution_options(synchronize_session=False)
    )
    await session.flush()
    return row


@dataclass(frozen=True, slots=True)
class ChainProblem:
    entry_id: int
    detail: str

    def __str__(self) -> str:
        return f"payment_log #{self.entry_id}: {self.detail}"


class ChainChecker:
    """Feed rows in id order; collects every place the chain does not hold."""

    def __init__(self, start_hash: str = GENESIS_HASH) -> None:
        self.problems: list[ChainProblem] = []
        self.tip_id, self.tip_hash = 0, start_hash

    def feed(self, row: PaymentLog) -> None:
        if row.id != self.tip_id + 1:
            self.problems.append(ChainProblem(row.id, f"expected entry #{self.tip_id + 1} here"))
        if row.prev_hash != self.tip_hash:
            self.problems.append(
                ChainProblem(row.id, "prev_hash does not match the entry before it")
            )
        if entry_hash(row.prev_hash, LogFields.of(row)) != row.hash:
            self.problems.append(ChainProblem(row.id, "hash does not match the entry's contents"))
        self.tip_id, self.tip_hash = row.id, row.hash


def verify_rows(rows: Iterable[PaymentLog]) -> list[ChainProblem]:
    """Check rows (in id order, starting at #1) link up and hash correctly."""
    checker = ChainChecker()
    for row in rows:
        checker.feed(row)
    return checker.problems


async def iter_log(session: AsyncSession, batch: int = 1000) -> AsyncIterator[PaymentLog]:
    """Every payment-log row in id order, fetched in batches."""
    last = 0
    while True:
        query = select(PaymentLog).where(PaymentLog.id > last).order_by(PaymentLog.id).limit(batch)
        rows = (await session.execute(query)).scalars().all()
        if not rows:
            return
        for row in rows:
            yield row
        last = rows[-1].id


async def verify_chain(session: AsyncSession) -> list[ChainProblem]:
    """Re-check the whole chain and its recorded head; return every problem, first first."""
    checker = ChainChecker()
    async for row in iter_log(session):
        checker.feed(row)
    head = (await session.execute(select(AuditHead).where(AuditHead.id == 1))).scalar_one()
    if (head.last_id, head.last_hash) != (checker.tip_id, checker.tip_hash):
        checker.problems.append(
            ChainProblem(checker.tip_id, "the chain's recorded head is not its last entry")
        )
    return checker.problems
