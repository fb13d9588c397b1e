"""Our books against the providers' own records: what Setu and the payout rail say happened.

The ledger can balance while a provider paid twice (a second refund we never booked, a payout
applied to the wrong intent). So for a period this compares, transfer by transfer:
- payouts at the rail (listed by day, and looked up by reference for our settled intents):
  a payout we did not make, two for one reference, an amount that differs, one the rail paid
  while our intent says it failed (or the reverse), a fee that differs from what we booked;
- refunds at Setu for every payment we hold or returned: the same questions;
- payments to every QR and collect request we made: money received that we did not record.
Every difference is a Mismatch; `raise_alerts` alerts support once per mismatch (dedupe key).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from core.db.models import Escrow, MoneyIntent, Payment
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import GatewayError
from core.escrow.activation import REQUESTING
from core.escrow.money_states import PAYOUT_KINDS, IntentKind, IntentStatus, PaymentStatus
from core.escrow.notices import alert_support
from core.escrow.outbound import intent_id_from, reference_of
from core.escrow.ports import PaymentRecords, PayoutRecords, TransferState, TransferStatus
from core.logs import get_logger
from core.money import format_inr
from core.reconciliation import Period

log = get_logger("trustpay.reconcile")
MOVED = frozenset({TransferState.SUCCEEDED, TransferState.PROCESSING})
BOOKED = frozenset({IntentStatus.SUCCEEDED, IntentStatus.REVERSED})
SLACK = timedelta(days=1)  # a transfer may be created the day after its intent
HAS_MONEY = frozenset({PaymentStatus.HELD, PaymentStatus.RETURNING, PaymentStatus.RETURNED})


@dataclass(frozen=True, slots=True)
class Mismatch:
    kind: str  # unknown_payout, duplicate_payout, amount, unbooked, not_at_provider, ...
    provider: str
    detail: str
    reference: str | None = None
    provider_ref: str | None = None
    code: str | None = None  # the escrow's code, when there is one

    @property
    def key(self) -> str:
        return f"recon:{self.kind}:{self.provider}:{self.provider_ref or self.reference}"[:160]

    def __str__(self) -> str:
        where = f" [{self.code}]" if self.code else ""
        return f"{self.provider} {self.kind}{where}: {self.detail}"


@dataclass
class ProviderCheck:
    mismatches: list[Mismatch] = field(default_factory=list)
    compared: list[str] = field(default_factory=list)  # what was compared, in words
    unreachable: list[str] = field(default_factory=list)  # providers that did not answer

    @property
    def clean(self) -> bool:
        return not self.mismatches and not self.unreachable


async def compare(deps: Deps, period: Period) -> ProviderCheck:
    """Every difference between our records and the providers' for `period`."""
    found = ProviderCheck()
    for name, check in (
        (deps.rail.name, _payouts),
        (deps.gateway.name, _refunds),
        (deps.gateway.name, _payments),
    ):
        try:
            await check(deps, period, found)
        except GatewayError as exc:
            found.unreachable.append(f"{name}: {exc.detail[:200]}")
            log.warning("reconcile.provider_unreachable", provider=name, error=exc.detail[:200])
    return found


async def raise_alerts(deps: Deps, found: ProviderCheck) -> int:
    """Alert support about each mismatch not alerted before; how many were new."""
    new = 0
    now = deps.clock.now()
    async with deps.uow() as uow:
        for mismatch in found.mismatches:
            escrow = await uow.escrows.by_code(mismatch.code) if mismatch.code else None
            new += await alert_support(
                uow,
                deps.policy,
                "reconciliation_mismatch",
                str(mismatch),
                now,
                escrow=escrow,
                dedupe_key=mismatch.key,
            )
        await uow.commit()
    return new


# --- payouts ---------------------------------------------------------------------------------


async def _payouts(deps: Deps, period: Period, found: ProviderCheck) -> None:
    rail = deps.rail
    if not isinstance(rail, PayoutRecords):
        found.compared.append(f"payouts: {rail.name} keeps no records we can read")
        return
    start, end = int(period.start.timestamp()), int(period.end.timestamp()) - 1
    listed = await rail.payouts_between(start, end)
    async with deps.uow() as uow:
        ours = await _intents(uow, PAYOUT_KINDS, rail.name, period)
        codes = await _codes(uow, ours.values())
    by_reference = _group(listed)
    for settled in ours.values():  # settled ones the listing missed (made the day after)
        reference = reference_of(settled)
        if settled.status in BOOKED and reference not in by_reference:
            by_reference[reference] = await rail.payouts_for(reference)
    for reference, items in by_reference.items():
        intent = await _intent_for(deps, ours, reference, PAYOUT_KINDS)
        _compare(found, rail.name, "payout", reference, items, intent, codes)
    found.compared.append(f"payouts: {len(listed)} at {rail.name}, {len(ours)} of ours")


# --- refunds ---------------------------------------------------------------------------------


async def _refunds(deps: Deps, period: Period, found: ProviderCheck) -> None:
    gateway = deps.gateway
    if not isinstance(gateway, PaymentRecords):
        found.compared.append(f"refunds: {gateway.name} keeps no records we can read")
        return
    async with deps.uow() as uow:
        intents = await _intents(uow, (IntentKind.REFUND, IntentKind.RETURN), gateway.name, period)
        payment_ids = {i.payment_id for i in intents.values() if i.payment_id}
        payments = await _payments_with_money(uow, period, payment_ids)
        codes = await _codes(uow, intents.values())
    for payment in payments:
        refunds = await gateway.refunds_of(payment.gateway_payment_id)
        mine = {i.id: i for i in intents.values() if i.payment_id == payment.id}
        async with deps.uow() as uow:  # refund intents of this payment outside the period too
            query = select(MoneyIntent).where(MoneyIntent.payment_id == payment.id)
            mine |= {i.id: i for i in (await uow.session.execute(query)).scalars()}
        grouped = _group(refunds)
        for ours in mine.values():
            grouped.setdefault(reference_of(ours), [])
        for reference, items in grouped.items():
            intent = mine.get(intent_id_from(reference) or -1)
            _compare(found, gateway.name, "refund", reference, items, intent, codes)
    found.compared.append(f"refunds: {len(payments)} payment(s) at {gateway.name}")


# --- money received --------------------------------------------------------------------------


async def _payments(deps: Deps, period: Period, found: ProviderCheck) -> None:
    gateway = deps.gateway
    if not isinstance(gateway, PaymentRecords):
        return
    async with deps.uow() as uow:
        query = select(Escrow).where(
            Escrow.joined_at.is_not(None),
            Escrow.joined_at < period.end,
            Escrow.joined_at >= period.start - SLACK,
            Escrow.setu_qr_id.is_not(None),
        )
        escrows = list((await uow.session.execute(query)).scalars())
        ours = select(Payment.gateway_payment_id, Payment.amount_paise).where(
            Payment.provider == gateway.name, Payment.escrow_id.in_([e.id for e in escrows] or [-1])
        )  # only these escrows' payments, not the whole table
        recorded = {
            (payment_id, int(paise)) for payment_id, paise in await uow.session.execute(ours)
        }
    for escrow in escrows:
        for instance in (escrow.setu_qr_id, escrow.setu_collect_id):
            if not instance or instance == REQUESTING:
                continue
            for paid in await gateway.payments_of(instance):
                if (
                    paid.status == "success"
                    and (paid.payment_id, paid.amount_paise) not in recorded
                ):
                    found.mismatches.append(
                        Mismatch(
                            "unrecorded_payment",
                            gateway.name,
                            f"{format_inr(paid.amount_paise)} paid to {instance} is not in our "
                            "books",
                            reference=paid.reference,
                            provider_ref=paid.payment_id,
                            code=escrow.code,
                        )
                    )
    found.compared.append(f"payments: {len(escrows)} escrow(s) asked to pay")


# --- the comparison --------------------------------------------------------------------------


def _compare(
    found: ProviderCheck,
    provider: str,
    what: str,
    reference: str,
    items: list[TransferStatus],
    intent: MoneyIntent | None,
    codes: dict[int, str],
) -> None:
    """One reference: the provider's transfers under it against our intent for it."""
    code = codes.get(intent.escrow_id or -1) if intent is not None else None
    moved = [t for t in items if t.state in MOVED]

    def add(kind: str, detail: str, item: TransferStatus | None = None) -> None:
        ref = item.provider_ref if item else None
        found.mismatches.append(Mismatch(kind, provider, detail, reference, ref, code))

    if intent is None:
        for item in moved:
            add(f"unknown_{what}", f"{_paise(item)} under {reference!r}, which is not ours", item)
        return
    if len(moved) > 1:
        total = sum(t.amount_paise or 0 for t in moved)
        add(f"duplicate_{what}", f"{len(moved)} {what}s ({format_inr(total)}) for one intent")
    status = IntentStatus(intent.status)
    for item in moved:
        if item.amount_paise is not None and item.amount_paise != intent.amount_paise:
            add(
                "amount",
                f"{_paise(item)} at the provider, {format_inr(intent.amount_paise)} in our books",
                item,
            )
        if item.state is TransferState.SUCCEEDED and status is IntentStatus.FAILED:
            add("unbooked", f"{what} of {_paise(item)} was paid; our intent says failed", item)
        paid_fee = item.fees_paise
        if (
            paid_fee is not None
            and status is IntentStatus.SUCCEEDED
            and intent.fees_paise != paid_fee
        ):
            add("fees", f"fee {item.fees_paise} paise, we booked {intent.fees_paise}", item)
    if status is IntentStatus.SUCCEEDED and not any(
        t.state is TransferState.SUCCEEDED for t in items
    ):
        add("not_at_provider", f"our books say this {what} was paid; the provider does not")


async def _intent_for(
    deps: Deps, known: dict[int, MoneyIntent], reference: str, kinds: frozenset[IntentKind]
) -> MoneyIntent | None:
    """Our intent for a provider's reference (loaded if it is older than the period)."""
    intent_id = intent_id_from(reference)
    if intent_id is None or intent_id in known:
        return known.get(intent_id or -1)
    async with deps.uow() as uow:
        intent = await uow.session.get(MoneyIntent, intent_id)
    return intent if intent is not None and intent.kind in kinds else None


def _group(items: list[TransferStatus]) -> dict[str, list[TransferStatus]]:
    grouped: dict[str, list[TransferStatus]] = defaultdict(list)
    for item in items:
        grouped[item.reference or f"(none:{item.provider_ref})"].append(item)
    return grouped


def _paise(item: TransferStatus) -> str:
    return format_inr(item.amount_paise) if item.amount_paise is not None else "an amount"


async def _intents(
    uow: UnitOfWork,
    kinds: frozenset[IntentKind] | tuple[IntentKind, ...],
    provider: str,
    period: Period,
) -> dict[int, MoneyIntent]:
    query = select(MoneyIntent).where(
        MoneyIntent.kind.in_(tuple(kinds)),
        MoneyIntent.provider == provider,
        or_(
            MoneyIntent.created_at.between(period.start - SLACK, period.end),
            MoneyIntent.completed_at.between(period.start, period.end),
        ),
    )
    return {i.id: i for i in (await uow.session.execute(query)).scalars()}


async def _payments_with_money(uow: UnitOfWork, period: Period, also: set[int]) -> list[Payment]:
    query = select(Payment).where(
        Payment.status.in_(tuple(HAS_MONEY)),
        or_(Payment.updated_at.between(period.start, period.end), Payment.id.in_(also or {-1})),
    )
    return list((await uow.session.execute(query)).scalars())


async def _codes(uow: UnitOfWork, intents: Iterable[MoneyIntent]) -> dict[int, str]:
    ids = {i.escrow_id for i in intents if i.escrow_id}
    if not ids:
        return {}
    rows = await uow.session.execute(select(Escrow.id, Escrow.code).where(Escrow.id.in_(ids)))
    return {int(escrow_id): str(code) for escrow_id, code in rows.all()}


def since(now: datetime, days: int = 2) -> Period:
    """The last `days` whole UTC days up to today (the scheduled job's period)."""
    today = now.date()
    return Period(today - timedelta(days=days - 1), today)
