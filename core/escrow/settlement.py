"""Bookkeeping when money starts to leave and when it has left: ledger, state, audit, notices."""

from __future__ import annotations

from datetime import datetime

from core import audit, ledger
from core.db.models import Escrow, MoneyIntent
from core.db.uow import UnitOfWork
from core.escrow.money_states import IntentEvent, IntentKind, IntentStatus, PaymentEvent
from core.escrow.notices import notify_parties
from core.escrow.states import Event

__all__ = ["Event", "record_start", "returned", "settled"]


async def record_start(
    uow: UnitOfWork, escrow: Escrow, event_type: str, intent: MoneyIntent, now: datetime
) -> None:
    """Audit and announce that money is about to leave the escrow."""
    await audit.append(
        uow.session,
        event_type=event_type,
        status=escrow.state,
        now=now,
        escrow_id=escrow.id,
        amount_paise=escrow.amount_paise,
        payload={
            "fee_paise": escrow.fee_paise,
            "resolution": escrow.resolution,
            "payee_share_paise": escrow.payee_share_paise,
            "intent_id": intent.id,
        },
    )
    await notify_parties(uow, escrow, escrow.state.lower(), now, resolution=escrow.resolution)


async def settled(uow: UnitOfWork, escrow: Escrow, intent: MoneyIntent, now: datetime) -> None:
    """A payout or refund for the escrow succeeded: post it and finish the escrow if all done."""
    if intent.kind == IntentKind.PAYOUT:
        await ledger.post(
            uow.session,
            ledger.Kind.RELEASE,
            intent.amount_paise,
            now,
            escrow_id=escrow.id,
            intent_id=intent.id,
        )
        if escrow.fee_paise:
            await ledger.post(
                uow.session,
                ledger.Kind.FEE,
                escrow.fee_paise,
                now,
                escrow_id=escrow.id,
                intent_id=intent.id,
            )
        escrow.payout_at = now
        await provider_fee(uow, intent, now)
    else:
        await ledger.post(
            uow.session,
            ledger.Kind.REFUND,
            intent.amount_paise,
            now,
            escrow_id=escrow.id,
            intent_id=intent.id,
        )
    await audit.append(
        uow.session,
        event_type=f"{intent.kind}.succeeded",
        status="succeeded",
        now=now,
        escrow_id=escrow.id,
        gateway_ref=intent.provider_ref,
        amount_paise=intent.amount_paise,
        payload={"intent_id": intent.id, "utr": intent.utr},
    )
    event = await _finishing_event(uow, escrow, intent)
    if event is None:
        return
    await uow.escrows.transition(escrow, event, now, next_retry_at=None, last_payment_error=None)
    await audit.append(
        uow.session,
        event_type="escrow.closed",
        status=escrow.state,
        now=now,
        escrow_id=escrow.id,
        amount_paise=escrow.amount_paise,
    )
    await notify_parties(
        uow, escrow, escrow.state.lower(), now, utr=intent.utr, resolution=escrow.resolution
    )


async def provider_fee(uow: UnitOfWork, intent: MoneyIntent, now: datetime) -> None:
    """Book what the payout rail charged for this payout, so our books match its statement."""
    if intent.fees_paise:
        await ledger.post(
            uow.session,
            ledger.Kind.PROVIDER_FEE,
            intent.fees_paise,
            now,
            escrow_id=intent.escrow_id,
            intent_id=intent.id,
        )


async def _finishing_event(uow: UnitOfWork, escrow: Escrow, intent: MoneyIntent) -> Event | None:
    if escrow.resolution != "split":
        return (
            Event.PAYOUT_SUCCEEDED if intent.kind == IntentKind.PAYOUT else Event.REFUND_SUCCEEDED
        )
    intents = await uow.intents.for_escrow(escrow.id)
    done = {i.kind for i in intents if i.status == IntentStatus.SUCCEEDED}
    return Event.SPLIT_SETTLED if {IntentKind.PAYOUT, IntentKind.REFUND} <= done else None


async def returned(
    uow: UnitOfWork, intent: MoneyIntent, escrow: Escrow | None, now: datetime
) -> None:
    """Unexpected money went back to its payer: clear it from suspense."""
    assert intent.payment_id is not None
    await ledger.post(
        uow.session,
        ledger.Kind.RETURNED,
        intent.amount_paise,
        now,
        escrow_id=intent.escrow_id,
        payment_id=intent.payment_id,
        intent_id=intent.id,
    )
    payment = await uow.payments.by_id(intent.payment_id)
    if payment is not None:
        await uow.payments.transition(payment, PaymentEvent.RETURNED, now)
    await audit.append(
        uow.session,
        event_type="payment.returned",
        status="returned",
        now=now,
        escrow_id=intent.escrow_id,
        gateway_ref=intent.provider_ref,
        amount_paise=intent.amount_paise,
        payload={"intent_id": intent.id, "utr": intent.utr},
    )
    if escrow is not None:
        await notify_parties(
            uow,
            escrow,
            "payment_return_done",
            now,
            only="payer",
            returned_paise=intent.amount_paise,
            utr=intent.utr,
        )


async def reversed_payout(
    uow: UnitOfWork, intent: MoneyIntent, escrow: Escrow, reason: str, now: datetime
) -> None:
    """A processed payout came back: the money sits in suspense until support pays it again.

    The escrow stays RELEASED (its holding account is settled); the intent is marked
    `reversed`, which lets support start a re-payment with a new key.
    """
    await uow.intents.transition(intent, IntentEvent.REVERSED, now, last_error=reason[:500])
    await ledger.post(
        uow.session,
        ledger.Kind.REVERSED,
        intent.amount_paise,
        now,
        escrow_id=escrow.id,
        intent_id=intent.id,
    )
    if intent.fees_paise:  # RazorpayX credits the fee and tax back with a reversal
        await ledger.post(
            uow.session,
            ledger.Kind.FEE_RETURNED,
            intent.fees_paise,
            now,
            escrow_id=escrow.id,
            intent_id=intent.id,
        )
    await audit.append(
        uow.session,
        event_type="payout.reversed",
        status=escrow.state,
        now=now,
        escrow_id=escrow.id,
        gateway_ref=intent.provider_ref,
        amount_paise=intent.amount_paise,
        payload={"intent_id": intent.id},
    )
    await notify_parties(uow, escrow, "payout_reversed", now, returned_paise=intent.amount_paise)


async def repaid(uow: UnitOfWork, intent: MoneyIntent, escrow: Escrow, now: datetime) -> None:
    """Support's re-payment of a reversed payout went through."""
    await ledger.post(
        uow.session,
        ledger.Kind.REPAID,
        intent.amount_paise,
        now,
        escrow_id=escrow.id,
        intent_id=intent.id,
    )
    await provider_fee(uow, intent, now)
    await audit.append(
        uow.session,
        event_type="repayout.succeeded",
        status=escrow.state,
        now=now,
        escrow_id=escrow.id,
        gateway_ref=intent.provider_ref,
        amount_paise=intent.amount_paise,
        payload={"intent_id": intent.id, "utr": intent.utr},
    )
    await notify_parties(uow, escrow, "repaid", now, utr=intent.utr, paid_paise=intent.amount_paise)
