"""Double-entry ledger: every money movement is a balanced transaction of entries.

Accounts:
    gateway_cash     asset: money we hold at the gateway / payout account
    escrow_holding   liability, per escrow: money we owe the escrow's parties
    suspense         liability, per payment: money we received but could not match; owed back
    fee_income       income: our fee on released escrows
    provider_fees    expense: what the payout rail charged us (RazorpayX `fees`, tax included)

Postings (debit / credit):
    hold        gateway_cash   / escrow_holding   payment received for an escrow
    release     escrow_holding / gateway_cash     payout to the payee processed
    fee         escrow_holding / fee_income       our fee, taken when the payout is processed
    refund      escrow_holding / gateway_cash     refund to the payer processed
    unmatched   gateway_cash   / suspense         late, duplicate or wrong-amount money arrived
    returned    suspense       / gateway_cash     that money was refunded
    reversed    gateway_cash   / suspense         a processed payout came back (bank reversal)
    repaid      suspense       / gateway_cash     support paid that money out again
    provider_fee  provider_fees / gateway_cash    the rail's fee for a processed payout
    fee_returned  gateway_cash  / provider_fees   that fee, credited back with a reversal

The database adds what code cannot be trusted to remember: at most one hold, release, fee and
refund per escrow, one unmatched/returned pair per payment and one provider fee (and its return)
per intent (partial unique indexes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import Escrow, LedgerEntry, LedgerTransaction, Payment
from core.escrow import states
from core.escrow.money_states import PaymentStatus


class Account(StrEnum):
    GATEWAY_CASH = "gateway_cash"
    ESCROW_HOLDING = "escrow_holding"
    SUSPENSE = "suspense"
    FEE_INCOME = "fee_income"
    PROVIDER_FEES = "provider_fees"


class Kind(StrEnum):
    HOLD = "hold"
    RELEASE = "release"
    FEE = "fee"
    REFUND = "refund"
    UNMATCHED = "unmatched"
    RETURNED = "returned"
    REVERSED = "reversed"
    REPAID = "repaid"
    PROVIDER_FEE = "provider_fee"
    FEE_RETURNED = "fee_returned"


A = Account
# kind -> (debited account, credited account)
POSTINGS: dict[Kind, tuple[Account, Account]] = {
    Kind.HOLD: (A.GATEWAY_CASH, A.ESCROW_HOLDING),
    Kind.RELEASE: (A.ESCROW_HOLDING, A.GATEWAY_CASH),
    Kind.FEE: (A.ESCROW_HOLDING, A.FEE_INCOME),
    Kind.REFUND: (A.ESCROW_HOLDING, A.GATEWAY_CASH),
    Kind.UNMATCHED: (A.GATEWAY_CASH, A.SUSPENSE),
    Kind.RETURNED: (A.SUSPENSE, A.GATEWAY_CASH),
    Kind.REVERSED: (A.GATEWAY_CASH, A.SUSPENSE),
    Kind.REPAID: (A.SUSPENSE, A.GATEWAY_CASH),
    Kind.PROVIDER_FEE: (A.PROVIDER_FEES, A.GATEWAY_CASH),
    Kind.FEE_RETURNED: (A.GATEWAY_CASH, A.PROVIDER_FEES),
}


async def post(
    session: AsyncSession,
    kind: Kind,
    amount_paise: int,
    now: datetime,
    *,
    escrow_id: int | None = None,
    payment_id: int | None = None,
    intent_id: int | None = None,
) -> LedgerTransaction:
    """Write one balanced transaction of `kind` for `amount_paise` (> 0)."""
    if amount_paise <= 0:
        raise ValueError(f"ledger amounts are positive paise, got {amount_paise}")
    debit, credit = POSTINGS[kind]
    txn = LedgerTransaction(
        escrow_id=escrow_id, payment_id=payment_id, intent_id=intent_id, kind=kind, created_at=now
    )
    session.add(txn)
    await session.flush()
    session.add_all(
        [
            LedgerEntry(txn_id=txn.id, account=debit, side="D", amount_paise=amount_paise),
            LedgerEntry(txn_id=txn.id, account=credit, side="C", amount_paise=amount_paise),
        ]
    )
    await session.flush()
    return txn


_SIGNED = case((LedgerEntry.side == "C", LedgerEntry.amount_paise), else_=-LedgerEntry.amount_paise)


async def balance(session: AsyncSession, account: Account) -> int:
    """A liability's balance over all escrows right now (credits minus debits)."""
    query = select(func.coalesce(func.sum(_SIGNED), 0)).where(LedgerEntry.account == account)
    return int((await session.execute(query)).scalar_one())


async def holding_balance(session: AsyncSession, escrow_id: int) -> int:
    """What we owe an escrow's parties right now (credits minus debits of escrow_holding)."""
    query = (
        select(func.coalesce(func.sum(_SIGNED), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.txn_id)
        .where(LedgerTransaction.escrow_id == escrow_id, LedgerEntry.account == A.ESCROW_HOLDING)
    )
    return int((await session.execute(query)).scalar_one())


async def kind_totals(session: AsyncSession, escrow_id: int) -> dict[str, int]:
    """Amount per transaction kind for one escrow (each kind's debit side)."""
    query = (
        select(LedgerTransaction.kind, func.sum(LedgerEntry.amount_paise))
        .join(LedgerEntry, LedgerEntry.txn_id == LedgerTransaction.id)
        .where(LedgerTransaction.escrow_id == escrow_id, LedgerEntry.side == "D")
        .group_by(LedgerTransaction.kind)
    )
    return {kind: int(total) for kind, total in (await session.execute(query)).all()}


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


async def check_invariants(session: AsyncSession) -> list[Violation]:
    """Re-check every ledger rule over the whole database; an empty list means all hold."""
    return [
        *await _unbalanced_transactions(session),
        *await _escrow_balances(session),
        *await _suspense_balances(session),
    ]


async def _unbalanced_transactions(session: AsyncSession) -> list[Violation]:
    query = (
        select(LedgerEntry.txn_id, func.sum(_SIGNED), func.count())
        .group_by(LedgerEntry.txn_id)
        .having((func.sum(_SIGNED) != 0) | (func.count() != 2))
    )
    found = [
        Violation("balanced", f"transaction {txn} has credits - debits = {net} over {n} entries")
        for txn, net, n in (await session.execute(query)).all()
    ]
    empty = select(LedgerTransaction.id).where(
        ~select(LedgerEntry.id).where(LedgerEntry.txn_id == LedgerTransaction.id).exists()
    )
    found += [
        Violation("balanced", f"transaction {txn} has no entries")
        for txn in (await session.execute(empty)).scalars()
    ]
    return found


async def _escrow_balances(session: AsyncSession) -> list[Violation]:
    totals: dict[int, dict[str, int]] = {}
    by_kind = (
        select(
            LedgerTransaction.escrow_id, LedgerTransaction.kind, func.sum(LedgerEntry.amount_paise)
        )
        .join(LedgerEntry, LedgerEntry.txn_id == LedgerTransaction.id)
        .where(LedgerEntry.side == "D", LedgerTransaction.escrow_id.is_not(None))
        .group_by(LedgerTransaction.escrow_id, LedgerTransaction.kind)
    )
    for escrow_id, kind, total in (await session.execute(by_kind)).all():
        totals.setdefault(escrow_id, {})[kind] = int(total)
    holding = (
        select(LedgerTransaction.escrow_id, func.sum(_SIGNED))
        .join(LedgerEntry, LedgerEntry.txn_id == LedgerTransaction.id)
        .where(LedgerEntry.account == A.ESCROW_HOLDING)
        .group_by(LedgerTransaction.escrow_id)
    )
    balances = {escrow_id: int(net) for escrow_id, net in (await session.execute(holding)).all()}
    violations: list[Violation] = []
    for escrow in (await session.execute(select(Escrow))).scalars():
        found = totals.get(escrow.id, {})
        violations += escrow_violations(escrow, found, balances.get(escrow.id, 0))
    return violations


def escrow_violations(escrow: Escrow, totals: dict[str, int], balance: int) -> list[Violation]:
    """The rules one escrow's ledger must satisfy in its current state.

    `totals` is the amount per transaction kind; `balance` is what escrow_holding owes.
    """
    state = states.State(escrow.state)
    hold = totals.get(Kind.HOLD, 0)
    out = totals.get(Kind.RELEASE, 0) + totals.get(Kind.FEE, 0) + totals.get(Kind.REFUND, 0)
    label = f"escrow {escrow.id} ({escrow.code}, {state})"
    problems: list[Violation] = []
    if balance != hold - out:
        problems.append(Violation("holding", f"{label} holds {balance}, postings say {hold - out}"))
    if hold not in (0, escrow.amount_paise):
        problems.append(Violation("hold", f"{label} holds {hold}, amount is {escrow.amount_paise}"))
    if balance < 0:
        problems.append(Violation("holding", f"{label} owes {balance}: paid out more than held"))
    if state in states.TERMINAL and balance != 0:
        problems.append(Violation("holding", f"{label} is terminal but still holds {balance}"))
    if state in states.HOLDING and balance != escrow.amount_paise:
        problems.append(Violation("holding", f"{label} holds {balance}, expected the amount"))
    if totals.get(Kind.FEE_RETURNED, 0) > totals.get(Kind.PROVIDER_FEE, 0):
        problems.append(Violation("provider_fee", f"{label} got back more fees than it paid"))
    if totals.get(Kind.REPAID, 0) > totals.get(Kind.REVERSED, 0):
        problems.append(Violation("suspense", f"{label} repaid more than came back"))
    if state in states.TERMINAL and hold and out != hold:
        problems.append(Violation("settled", f"{label} received {hold} but settled {out}"))
    if totals.get(Kind.RELEASE) and totals.get(Kind.REFUND) and escrow.resolution != "split":
        problems.append(Violation("one_resolution", f"{label} was both released and refunded"))
    if hold == 0 and state not in _UNPAID:
        problems.append(Violation("hold", f"{label} has no hold"))
    expected = _RESOLUTION_OF.get(state)
    if expected is not None and escrow.resolution != expected:
        problems.append(Violation("resolution", f"{label} ended as {escrow.resolution}"))
    return problems


# Terminal money states and the resolution that must have led to each.
_RESOLUTION_OF = {
    states.State.RELEASED: "release",
    states.State.REFUNDED: "refund",
    states.State.SPLIT: "split",
}


# States an escrow can be in without ever having been paid.
_UNPAID = frozenset(
    {
        states.State.AWAITING_PARTNER,
        states.State.AWAITING_PAYMENT,
        states.State.EXPIRED,
        states.State.CANCELLED,
    }
)


async def _suspense_balances(session: AsyncSession) -> list[Violation]:
    query = (
        select(LedgerTransaction.payment_id, LedgerTransaction.kind, LedgerEntry.amount_paise)
        .join(LedgerEntry, LedgerEntry.txn_id == LedgerTransaction.id)
        .where(LedgerEntry.side == "D", LedgerTransaction.payment_id.is_not(None))
        .where(LedgerTransaction.kind.in_((Kind.UNMATCHED, Kind.RETURNED)))
    )
    amounts: dict[int, dict[str, int]] = {}
    for payment_id, kind, amount in (await session.execute(query)).all():
        amounts.setdefault(payment_id, {})[kind] = int(amount)
    returned = select(Payment.id).where(Payment.status == PaymentStatus.RETURNED)
    returned_ids = set((await session.execute(returned)).scalars())
    problems = []
    for payment_id, kinds in amounts.items():
        received, back = kinds.get(Kind.UNMATCHED, 0), kinds.get(Kind.RETURNED, 0)
        if back > received:
            problems.append(Violation("suspense", f"payment {payment_id} returned more than came"))
        if payment_id in returned_ids and back != received:
            problems.append(Violation("suspense", f"payment {payment_id} is returned but owes"))
    return problems
