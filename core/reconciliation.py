"""Reconciliation: every rupee that came in or went out in a period, from the ledger, with the
references (RRN, UTR) an admin matches against the Setu and RazorpayX statements.

Money in is what reached our gateway account (holds, unmatched money, reversed payouts); money
out is what left it (payouts, refunds, returns, re-payments); our fees stay in; the payout
rail's own fees (RazorpayX `fees`, tax included) are a cost, booked as each payout settles.
The report also says what we hold right now and whether the books balance. How the books
compare with the providers' own records is core.provider_reconciliation's.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import ledger
from core.db.models import Escrow, LedgerEntry, LedgerTransaction, MoneyIntent, Payment
from core.db.repositories import Alerts
from core.ledger import Account, Kind

Direction = Literal["in", "out", "fee", "cost"]
DIRECTIONS: dict[str, Direction] = {
    Kind.HOLD: "in",
    Kind.UNMATCHED: "in",
    Kind.REVERSED: "in",
    Kind.RELEASE: "out",
    Kind.REFUND: "out",
    Kind.RETURNED: "out",
    Kind.REPAID: "out",
    Kind.FEE: "fee",
    Kind.PROVIDER_FEE: "cost",  # the payout rail's charge: it leaves our account too
    Kind.FEE_RETURNED: "in",  # that charge, credited back with a reversal
}
MAX_DAYS = 366  # one report covers at most a year
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class PeriodError(ValueError):
    """The dates do not make a period we can report on."""


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days, `first` to `last` inclusive, in UTC."""

    first: date
    last: date

    @classmethod
    def parse(cls, first: str, last: str) -> Period:
        try:
            if not all(ISO_DAY.fullmatch(text.strip()) for text in (first, last)):
                raise ValueError("not YYYY-MM-DD")
            period = cls(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
        except ValueError as exc:
            raise PeriodError("dates are YYYY-MM-DD, for example 2026-11-01") from exc
        if period.last < period.first:
            raise PeriodError("the period ends before it starts")
        if (period.last - period.first).days >= MAX_DAYS:
            raise PeriodError(f"a report covers at most {MAX_DAYS} days")
        return period

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, UTC)

    @property
    def end(self) -> datetime:  # exclusive
        return datetime.combine(self.last + timedelta(days=1), time.min, UTC)


@dataclass(frozen=True, slots=True)
class Movement:
    at: datetime
    kind: str
    direction: Direction
    amount_paise: int
    code: str | None
    reference: str | None  # RRN for money in, UTR for money out, else the provider's id
    provider: str | None


@dataclass(frozen=True, slots=True)
class Report:
    period: Period
    movements: list[Movement]
    totals: dict[str, int] = field(default_factory=dict)  # paise by ledger kind
    holding_paise: int = 0  # owed to escrow parties now
    suspense_paise: int = 0  # unmatched or reversed money to hand back now
    open_alerts: int = 0
    problems: list[str] = field(default_factory=list)  # the books, now

    def total(self, direction: Direction) -> int:
        return sum(m.amount_paise for m in self.movements if m.direction == direction)

    @property
    def net_paise(self) -> int:
        """Cash in minus cash out over the period."""
        return self.total("in") - self.total("out") - self.total("cost")


async def report(session: AsyncSession, period: Period) -> Report:
    """Every ledger movement in `period`, oldest first, and the position now."""
    amount = (
        select(func.sum(LedgerEntry.amount_paise))
        .where(LedgerEntry.txn_id == LedgerTransaction.id, LedgerEntry.side == "D")
        .scalar_subquery()
    )
    query = (
        select(LedgerTransaction, amount, Escrow.code, Payment, MoneyIntent)
        .outerjoin(Escrow, Escrow.id == LedgerTransaction.escrow_id)
        .outerjoin(Payment, Payment.id == LedgerTransaction.payment_id)
        .outerjoin(MoneyIntent, MoneyIntent.id == LedgerTransaction.intent_id)
        .where(LedgerTransaction.created_at >= period.start)
        .where(LedgerTransaction.created_at < period.end)
        .order_by(LedgerTransaction.created_at, LedgerTransaction.id)
    )
    movements: list[Movement] = []
    totals: dict[str, int] = {}
    for txn, paise, code, payment, intent in (await session.execute(query)).all():
        reference, provider = _reference(payment, intent)
        kind = str(txn.kind)
        movements.append(
            Movement(
                txn.created_at, kind, DIRECTIONS[kind], int(paise or 0), code, reference, provider
            )
        )
        totals[kind] = totals.get(kind, 0) + int(paise or 0)
    problems = [str(v) for v in await ledger.check_invariants(session)]
    return Report(
        period,
        movements,
        totals,
        holding_paise=await ledger.balance(session, Account.ESCROW_HOLDING),
        suspense_paise=await ledger.balance(session, Account.SUSPENSE),
        open_alerts=await Alerts(session).count_open(),
        problems=problems,
    )


def _reference(
    payment: Payment | None, intent: MoneyIntent | None
) -> tuple[str | None, str | None]:
    if intent is not None:
        return intent.utr or intent.provider_ref, intent.provider
    if payment is not None:
        return payment.rrn or payment.gateway_payment_id, payment.provider
    return None, None


CSV_COLUMNS = [
    "time_utc",
    "escrow_code",
    "kind",
    "direction",
    "amount_inr",
    "amount_paise",
    "reference",
    "provider",
]


def to_csv(found: Report) -> str:
    """The movements as CSV (UTF-8, header row; rupees with two decimals, and paise)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in found.movements:
        writer.writerow(
            [
                m.at.astimezone(UTC).isoformat(timespec="seconds"),
                m.code or "",
                m.kind,
                m.direction,
                f"{m.amount_paise // 100}.{m.amount_paise % 100:02d}",
                m.amount_paise,
                _safe(m.reference),
                m.provider or "",
            ]
        )
    return out.getvalue()


def _safe(value: str | None) -> str:
    """No cell may start a spreadsheet formula (CSV injection)."""
    text = value or ""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
