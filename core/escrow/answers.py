"""Applying a provider's answer to a money intent, once, and only if it is the intent's own.

- An answer whose object is not the intent's (another reference, amount, destination, our
  account, or a provider id other than the one the intent already has) changes nothing: it is
  recorded in the payment log and support is alerted once.
- A definite failure ends the intent. A failure another attempt may fix schedules a new intent
  (new key) with backoff; a payee's UPI id that refuses money for good puts the escrow in
  PAYOUT_FAILED, where the payee gives a new one (or support refunds or splits).
- An answer contradicting a final intent (a reversal) alerts support; an intent that stays
  unsettled too long alerts support once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core import audit
from core.db.models import Escrow, MoneyIntent
from core.db.retry import retry_on_conflict
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import InvalidTransitionError
from core.escrow import settlement
from core.escrow.money_states import (
    ESCROW_MONEY_KINDS,
    LIVE,
    PAYOUT_KINDS,
    IntentEvent,
    IntentKind,
    IntentStatus,
)
from core.escrow.notices import alert_support, notify_parties
from core.escrow.ports import TransferState, TransferStatus
from core.escrow.states import Event, State
from core.escrow.transfers import new_intent
from core.logs import get_logger
from core.money import format_inr
from core.payments.vpa import mask_vpa, mask_vpas_in

__all__ = ["LIVE", "alert_if_stuck", "apply_status", "report_foreign"]
log = get_logger("trustpay.transfers")


@retry_on_conflict
async def apply_status(intent_id: int, status: TransferStatus, deps: Deps) -> None:
    """Record a provider's answer for an intent (from a call, a poll or a webhook), once."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        peek = await uow.session.get(MoneyIntent, intent_id)
        if peek is None:
            return
        escrow = await uow.escrows.get(peek.escrow_id, lock=True) if peek.escrow_id else None
        intent = await uow.intents.get(intent_id)  # locked after the escrow: one lock order
        assert intent is not None
        if (problem := not_its_own(intent, status)) is not None:
            await _foreign(uow, deps, intent, escrow, status.provider_ref, problem, now)
        elif intent.status not in LIVE:
            await _contradiction(uow, deps, intent, escrow, status, now)
        elif status.state is TransferState.PROCESSING:
            await _accepted(uow, deps, intent, escrow, status, now)
        elif status.state is TransferState.SUCCEEDED:
            await uow.intents.transition(intent, IntentEvent.SUCCEEDED, now, **_final(status, now))
            await _succeeded(uow, deps, intent, escrow, now)
        else:
            reason = mask_vpas_in(status.reason or "failed")[:500]
            changes = _final(status, now) | {"last_error": reason}
            await uow.intents.transition(intent, IntentEvent.FAILED, now, **changes)
            await _failed(uow, deps, intent, escrow, status, now)
        await uow.commit()


def not_its_own(intent: MoneyIntent, status: TransferStatus) -> str | None:
    """Why `status` is about some other transfer than `intent`'s, or None if it is its own."""
    expected_reference = f"tpi{intent.id}"
    if status.foreign:
        return status.foreign
    if status.reference is not None and status.reference != expected_reference:
        return f"its reference is {status.reference[:40]!r}, not {expected_reference!r}"
    if status.amount_paise is not None and status.amount_paise != intent.amount_paise:
        return f"its amount is {status.amount_paise} paise, not {intent.amount_paise}"
    destination = (intent.destination or "").lower()
    if status.destination is not None and destination and status.destination.lower() != destination:
        return f"it goes to {mask_vpa(status.destination)}, not {mask_vpa(destination)}"
    if status.provider_ref and intent.provider_ref and status.provider_ref != intent.provider_ref:
        return f"it is {status.provider_ref[:40]}, the intent's is {intent.provider_ref}"
    return None


async def report_foreign(intent_id: int, provider_ref: str, problem: str, deps: Deps) -> None:
    """Record (and alert once) that a webhook or answer named a transfer not the intent's."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        intent = await uow.session.get(MoneyIntent, intent_id)
        if intent is None:
            return
        escrow = await uow.escrows.get(intent.escrow_id) if intent.escrow_id else None
        await _foreign(uow, deps, intent, escrow, provider_ref, problem, now)
        await uow.commit()


async def _foreign(
    uow: UnitOfWork,
    deps: Deps,
    intent: MoneyIntent,
    escrow: Escrow | None,
    provider_ref: str | None,
    problem: str,
    now: datetime,
) -> None:
    ref = (provider_ref or "?")[:64]
    log.warning("transfer.foreign_answer", intent_id=intent.id, provider_ref=ref, problem=problem)
    await audit.append(
        uow.session,
        event_type="transfer.foreign_answer",
        status=intent.status,
        now=now,
        escrow_id=intent.escrow_id,
        gateway_ref=ref,
        amount_paise=intent.amount_paise,
        payload={"intent_id": intent.id, "problem": problem[:200]},
    )
    await alert_support(
        uow,
        deps.policy,
        "foreign_transfer",
        f"{intent.kind} intent {intent.id} was told about {ref}, which is not its own "
        f"({problem}); nothing was changed",
        now,
        escrow=escrow,
        dedupe_key=f"foreign:{intent.id}:{ref}",
    )


def _final(status: TransferStatus, now: datetime) -> dict[str, object]:
    return {"completed_at": now, "leased_until": None, **_identity(status)}


def _identity(status: TransferStatus) -> dict[str, object]:
    values: dict[str, object] = {}
    if status.provider_ref:
        values["provider_ref"] = status.provider_ref[:64]
    if status.utr:
        values["utr"] = status.utr[:64]
    if status.fees_paise is not None:
        values |= {"fees_paise": status.fees_paise, "tax_paise": status.tax_paise}
    return values


async def _accepted(
    uow: UnitOfWork,
    deps: Deps,
    intent: MoneyIntent,
    escrow: Escrow | None,
    status: TransferStatus,
    now: datetime,
) -> None:
    next_at = now + deps.policy.backoff(intent.calls, deps.rng)
    changes = {"leased_until": None, "next_attempt_at": next_at, **_identity(status)}
    await uow.intents.transition(intent, IntentEvent.ACCEPTED, now, **changes)
    if status.needs_support:
        await _ask_support_to_pay(uow, deps, intent, escrow, now)
    else:
        await alert_if_stuck(uow, deps, intent, now)


async def alert_if_stuck(uow: UnitOfWork, deps: Deps, intent: MoneyIntent, now: datetime) -> None:
    if intent.alerted_at is None and now - intent.created_at >= deps.policy.transfer_stuck_after:
        intent.alerted_at = now
        escrow = await uow.escrows.get(intent.escrow_id) if intent.escrow_id else None
        hours = (now - intent.created_at) / timedelta(hours=1)
        await alert_support(
            uow,
            deps.policy,
            "transfer_stuck",
            f"{intent.kind} of {format_inr(intent.amount_paise)} unsettled for {hours:.0f} h "
            f"({intent.status}: {intent.last_error or 'processing'})",
            now,
            escrow=escrow,
            payment_id=intent.payment_id,
        )


async def _ask_support_to_pay(
    uow: UnitOfWork, deps: Deps, intent: MoneyIntent, escrow: Escrow | None, now: datetime
) -> None:
    """The manual rail: once, tell support exactly what to pay (admins need the full UPI id)."""
    if intent.alerted_at is not None:
        return
    intent.alerted_at = now
    code = escrow.code if escrow else "?"
    detail = (
        f"Pay {format_inr(intent.amount_paise)} by UPI to {intent.destination}, then record "
        f"the bank reference: /payout_done {code} <UTR>"
    )
    await alert_support(uow, deps.policy, "manual_payout_needed", detail, now, escrow=escrow)


async def _contradiction(
    uow: UnitOfWork,
    deps: Deps,
    intent: MoneyIntent,
    escrow: Escrow | None,
    status: TransferStatus,
    now: datetime,
) -> None:
    """A final intent hears otherwise: a paid-out payout reversed by the bank (the money comes
    back to suspense for support to pay again), or anything else unexpected. Support is told."""
    was = IntentStatus(intent.status)
    final = TransferState.SUCCEEDED if was is IntentStatus.SUCCEEDED else TransferState.FAILED
    if status.state is final and status.utr and not intent.utr:  # the bank's id, told later
        intent.utr, intent.updated_at = status.utr[:64], now
    if status.state in (final, TransferState.PROCESSING) or intent.alerted_at is not None:
        return  # a duplicate or stale answer
    if was is IntentStatus.REVERSED and status.state is TransferState.FAILED:
        return  # the reversal, told again
    intent.alerted_at = now
    reason = status.reason or "no reason given"
    if intent.kind in PAYOUT_KINDS and was is IntentStatus.SUCCEEDED and escrow is not None:
        await settlement.reversed_payout(uow, intent, escrow, reason, now)
        detail = (
            f"payout of {format_inr(intent.amount_paise)} was reversed ({reason}): "
            "the money is back in our account; pay again with /retry"
        )
        await alert_support(uow, deps.policy, "payout_reversed", detail, now, escrow=escrow)
        return
    await audit.append(
        uow.session,
        event_type=f"{intent.kind}.contradicted",
        status=status.state.value,
        now=now,
        escrow_id=intent.escrow_id,
        gateway_ref=status.provider_ref,
        amount_paise=intent.amount_paise,
        payload={"intent_id": intent.id, "was": was.value},
    )
    await alert_support(
        uow,
        deps.policy,
        f"{intent.kind}_contradicted",
        f"{intent.kind} intent {intent.id} was {was.value}, provider now says "
        f"{status.state.value} ({reason})",
        now,
        escrow=escrow,
        payment_id=intent.payment_id,
    )


async def _succeeded(
    uow: UnitOfWork, deps: Deps, intent: MoneyIntent, escrow: Escrow | None, now: datetime
) -> None:
    if intent.kind == IntentKind.RETURN:
        await settlement.returned(uow, intent, escrow, now)
        return
    assert escrow is not None
    if intent.kind == IntentKind.REPAYOUT:
        await settlement.repaid(uow, intent, escrow, now)
        return
    try:
        await settlement.settled(uow, escrow, intent, now)
    except InvalidTransitionError:
        await alert_support(
            uow,
            deps.policy,
            "unexpected_transfer",
            f"{intent.kind} {intent.id} succeeded while escrow is {escrow.state}",
            now,
            escrow=escrow,
        )


async def _failed(
    uow: UnitOfWork,
    deps: Deps,
    intent: MoneyIntent,
    escrow: Escrow | None,
    status: TransferStatus,
    now: datetime,
) -> None:
    reason = intent.last_error or "failed"
    refused = _payee_upi_refused(intent, escrow, status)
    give_up = refused or not status.retryable or intent.attempt >= deps.policy.payout_max_attempts
    retry_at = None if give_up else now + deps.policy.backoff(intent.attempt, deps.rng)
    if retry_at is not None:
        await new_intent(
            uow,
            deps,
            IntentKind(intent.kind),
            intent.amount_paise,
            destination=intent.destination or "",
            now=now,
            escrow=escrow,
            payment_id=intent.payment_id,
            attempt=intent.attempt + 1,
            not_before=retry_at,
        )
    if escrow is not None and intent.kind in ESCROW_MONEY_KINDS:  # the escrow's own retry state
        escrow.payment_retry_count, escrow.last_payment_error = intent.attempt, reason
        escrow.next_retry_at, escrow.updated_at = retry_at, now
    await audit.append(
        uow.session,
        event_type=f"{intent.kind}.failed",
        status="refused" if refused else "gave_up" if give_up else "retrying",
        now=now,
        escrow_id=intent.escrow_id,
        gateway_ref=intent.provider_ref,
        amount_paise=intent.amount_paise,
        error=reason,
        payload={"intent_id": intent.id, "attempt": intent.attempt},
    )
    log.warning("transfer.failed", reason=reason, gave_up=give_up, attempt=intent.attempt)
    if refused and escrow is not None:
        await _ask_payee_for_new_upi(uow, deps, intent, escrow, reason, now)
    elif give_up:
        await alert_support(
            uow,
            deps.policy,
            f"{intent.kind}_failed",
            f"{intent.kind} of {format_inr(intent.amount_paise)} failed {intent.attempt} "
            f"time(s): {reason}",
            now,
            escrow=escrow,
            payment_id=intent.payment_id,
        )


def _payee_upi_refused(intent: MoneyIntent, escrow: Escrow | None, status: TransferStatus) -> bool:
    """A release payout the payee's UPI id refused for good (invalid, closed, rejected)."""
    return (
        intent.kind == IntentKind.PAYOUT
        and not status.retryable
        and escrow is not None
        and escrow.state == State.RELEASING
    )


async def _ask_payee_for_new_upi(
    uow: UnitOfWork, deps: Deps, intent: MoneyIntent, escrow: Escrow, reason: str, now: datetime
) -> None:
    """Hold the money in PAYOUT_FAILED and ask the payee for a UPI id that works."""
    await uow.escrows.transition(escrow, Event.PAYOUT_REFUSED, now, next_retry_at=None)
    await audit.append(
        uow.session,
        event_type="payout.refused",
        status=escrow.state,
        now=now,
        escrow_id=escrow.id,
        amount_paise=intent.amount_paise,
        payload={"intent_id": intent.id, "upi_id": mask_vpa(intent.destination or "")},
    )
    vpa = mask_vpa(intent.destination or "")
    await notify_parties(
        uow, escrow, "payout_refused", now, upi_id=vpa, paid_paise=intent.amount_paise
    )
    await alert_support(
        uow,
        deps.policy,
        "payout_refused",
        f"payout of {format_inr(intent.amount_paise)} to {vpa} refused ({reason}); the payee "
        "was asked for a new UPI id (or /resolve refund|split)",
        now,
        escrow=escrow,
    )
