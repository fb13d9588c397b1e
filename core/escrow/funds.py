"""Money in: payments reported by the gateway, applied exactly once.

A payment that matches an escrow waiting for exactly that amount holds it. Any other money
(unknown reference, wrong amount, an escrow that is no longer waiting, a second payment) is
never lost: it is recorded in suspense, a refund intent is committed with it, and support is
told. The refund itself is made by core.escrow.transfers after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core import audit, ledger
from core.db.models import Escrow, Payment
from core.db.retry import retry_on_conflict
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.escrow import outbound, transfers
from core.escrow.commands import PaymentFailed, PaymentReceived
from core.escrow.money_states import IntentKind, PaymentEvent, PaymentStatus
from core.escrow.notices import alert_support, notify_parties
from core.escrow.ports import GatewayPayment
from core.escrow.states import Event, State
from core.logs import get_logger, log_context
from core.money import format_inr
from core.payments.vpa import mask_vpa

log = get_logger("trustpay.funds")


class PaymentOutcome(StrEnum):
    HELD = "held"  # the escrow now holds the money
    RETURNING = "returning"  # not for a waiting escrow: being refunded
    DUPLICATE = "duplicate"  # already applied; nothing changed
    FAILED = "failed"  # a failed attempt was recorded


@dataclass(frozen=True, slots=True)
class PaymentResult:
    outcome: PaymentOutcome
    escrow_id: int | None
    payment_id: int | None


@retry_on_conflict
async def record_payment(cmd: PaymentReceived, deps: Deps) -> PaymentResult:
    """Apply a successful payment (already confirmed with the gateway) exactly once.

    Raises nothing for odd money: it is returned and reported instead.
    """
    now = deps.clock.now()
    return_intents: list[int] = []
    async with deps.uow() as uow:
        escrow = await _escrow_for(uow, cmd.reference, cmd.instance_id)
        if escrow is not None:
            escrow = await uow.escrows.get(escrow.id, lock=True)  # one payment at a time per escrow
        payment = await _claim_payment(uow, cmd, escrow, now)
        if payment is None:
            return PaymentResult(PaymentOutcome.DUPLICATE, escrow.id if escrow else None, None)
        with log_context(
            escrow_id=payment.escrow_id,
            code=escrow and escrow.code,
            user_id=escrow and escrow.payer_id,
            amount_paise=cmd.amount_paise,
            payment_id=payment.id,
        ):
            problem = _mismatch(escrow, cmd)
            if problem is None and escrow is not None:
                await _hold(uow, deps, escrow, payment, cmd)
                outcome = PaymentOutcome.HELD
            else:
                return_intents = await _return(uow, deps, escrow, payment, problem or "unknown")
                outcome = PaymentOutcome.RETURNING
            await uow.commit()
            log.info("payment.applied", outcome=outcome.value, problem=problem)
    await outbound.dispatch_all(return_intents, deps)
    return PaymentResult(outcome, payment.escrow_id, payment.id)


async def apply_gateway_payment(
    provider: str, reported: GatewayPayment, deps: Deps
) -> PaymentResult | None:
    """Apply a payment as the gateway's status API reports it; None while it is not final."""
    if reported.status == "success":
        return await record_payment(
            PaymentReceived(
                provider=provider,
                gateway_payment_id=reported.payment_id,
                reference=reported.reference or "",
                amount_paise=reported.amount_paise,
                payer_vpa=reported.payer_vpa,
                rrn=reported.rrn,
                instance_id=reported.product_instance_id,
            ),
            deps,
        )
    if reported.status == "failed":
        return await record_payment_failure(
            PaymentFailed(
                provider=provider,
                gateway_payment_id=reported.payment_id,
                reference=reported.reference or "",
                amount_paise=reported.amount_paise,
                reason=reported.failure_reason or "",
                instance_id=reported.product_instance_id,
            ),
            deps,
        )
    return None


@retry_on_conflict
async def record_payment_failure(cmd: PaymentFailed, deps: Deps) -> PaymentResult:
    """Note a failed payment attempt once and tell the payer; the escrow keeps waiting."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        escrow = await _escrow_for(uow, cmd.reference, cmd.instance_id)
        if escrow is not None:  # same lock order as record_payment: escrow first
            escrow = await uow.escrows.get(escrow.id, lock=True)
        payment_id = await uow.payments.record(
            _payment_values(
                cmd.provider,
                cmd.gateway_payment_id,
                cmd.reference,
                max(cmd.amount_paise, 0),
                escrow,
                now,
                status=PaymentStatus.FAILED,
                failure_reason=cmd.reason[:500],
            )
        )
        if payment_id is None:
            return PaymentResult(PaymentOutcome.DUPLICATE, escrow.id if escrow else None, None)
        await audit.append(
            uow.session,
            event_type="payment.failed",
            status="failed",
            now=now,
            escrow_id=escrow.id if escrow else None,
            gateway_ref=cmd.gateway_payment_id,
            amount_paise=cmd.amount_paise,
            error=cmd.reason[:500] or None,
        )
        if escrow is not None and escrow.state == State.AWAITING_PAYMENT:
            await notify_parties(
                uow, escrow, "payment_failed", now, only="payer", reason=cmd.reason[:200]
            )
        await uow.commit()
    return PaymentResult(PaymentOutcome.FAILED, escrow.id if escrow else None, payment_id)


async def _escrow_for(uow: UnitOfWork, reference: str, instance_id: str | None) -> Escrow | None:
    """Match money to an escrow by our reference, else by the QR or collect request it paid."""
    escrow = await uow.escrows.by_payment_ref(reference) if reference else None
    if escrow is None and instance_id:
        escrow = await uow.escrows.by_instance(instance_id)
    return escrow


async def _claim_payment(
    uow: UnitOfWork, cmd: PaymentReceived, escrow: Escrow | None, now: datetime
) -> Payment | None:
    """Insert the payment, or upgrade an earlier failed attempt; None if already applied."""
    values = _payment_values(
        cmd.provider,
        cmd.gateway_payment_id,
        cmd.reference,
        cmd.amount_paise,
        escrow,
        now,
        status=PaymentStatus.RECEIVED,
        payer_vpa=cmd.payer_vpa,
        rrn=cmd.rrn,
    )
    inserted = await uow.payments.record(values)
    payment = await uow.payments.by_gateway_id(cmd.provider, cmd.gateway_payment_id)
    if payment is None or (inserted is None and payment.status != PaymentStatus.FAILED):
        return None
    if inserted is None:  # the same payment was reported failed earlier and has now succeeded
        await uow.payments.transition(
            payment,
            PaymentEvent.SUCCEEDED_LATE,
            now,
            amount_paise=cmd.amount_paise,
            rrn=cmd.rrn,
            failure_reason=None,
            payer_vpa_masked=values["payer_vpa_masked"],
        )
    return payment


def _payment_values(
    provider: str,
    gateway_id: str,
    reference: str,
    amount: int,
    escrow: Escrow | None,
    now: datetime,
    *,
    status: PaymentStatus,
    payer_vpa: str | None = None,
    rrn: str | None = None,
    failure_reason: str | None = None,
) -> dict[str, object]:
    return {
        "provider": provider,
        "gateway_payment_id": gateway_id,
        "reference": reference[:64],
        "amount_paise": amount,
        "escrow_id": escrow.id if escrow else None,
        "payer_vpa_masked": mask_vpa(payer_vpa) if payer_vpa else None,
        "rrn": rrn,
        "status": status,
        "failure_reason": failure_reason,
        "received_at": now,
        "updated_at": now,
    }


def _mismatch(escrow: Escrow | None, cmd: PaymentReceived) -> str | None:
    """Why this money cannot hold the escrow, or None if it can."""
    if escrow is None:
        return "unknown_reference"
    if escrow.state != State.AWAITING_PAYMENT:
        return "escrow_not_awaiting_payment"
    if cmd.amount_paise != escrow.amount_paise:
        return "wrong_amount"
    return None


async def _hold(
    uow: UnitOfWork, deps: Deps, escrow: Escrow, payment: Payment, cmd: PaymentReceived
) -> None:
    now = deps.clock.now()
    await uow.escrows.transition(
        escrow,
        Event.PAYMENT_SUCCEEDED,
        now,
        paid_at=now,
        setu_payment_id=cmd.gateway_payment_id,
        inspection_ends_at=now + deps.policy.inspection_period,
        last_payment_error=None,
    )
    await uow.payments.transition(payment, PaymentEvent.MATCHED, now, escrow_id=escrow.id)
    await ledger.post(
        uow.session,
        ledger.Kind.HOLD,
        cmd.amount_paise,
        now,
        escrow_id=escrow.id,
        payment_id=payment.id,
    )
    await audit.append(
        uow.session,
        event_type="payment.held",
        status=State.HELD,
        now=now,
        escrow_id=escrow.id,
        gateway_ref=cmd.gateway_payment_id,
        amount_paise=cmd.amount_paise,
        payload={"rrn": cmd.rrn, "payer_vpa": payment.payer_vpa_masked},
    )
    await notify_parties(uow, escrow, "payment_held", now)


async def _return(
    uow: UnitOfWork, deps: Deps, escrow: Escrow | None, payment: Payment, problem: str
) -> list[int]:
    """Put unexpected money in suspense, commit its refund intent, tell support and payer."""
    now = deps.clock.now()
    await uow.payments.transition(payment, PaymentEvent.UNMATCHED, now, failure_reason=problem)
    if payment.amount_paise <= 0:
        await alert_support(
            uow,
            deps.policy,
            "bad_payment",
            f"payment {payment.id}: {problem}, amount not positive",
            now,
            escrow=escrow,
            payment_id=payment.id,
        )
        return []
    await ledger.post(
        uow.session,
        ledger.Kind.UNMATCHED,
        payment.amount_paise,
        now,
        escrow_id=payment.escrow_id,
        payment_id=payment.id,
    )
    intent = await transfers.new_intent(
        uow,
        deps,
        IntentKind.RETURN,
        payment.amount_paise,
        destination=payment.gateway_payment_id,
        escrow=escrow,
        payment_id=payment.id,
        now=now,
    )
    await audit.append(
        uow.session,
        event_type="payment.unmatched",
        status="returning",
        now=now,
        escrow_id=payment.escrow_id,
        gateway_ref=payment.gateway_payment_id,
        amount_paise=payment.amount_paise,
        payload={"problem": problem, "intent_id": intent.id},
    )
    detail = (
        f"payment {payment.gateway_payment_id} of {format_inr(payment.amount_paise)}: {problem}"
    )
    await alert_support(
        uow, deps.policy, "unmatched_payment", detail, now, escrow=escrow, payment_id=payment.id
    )
    if escrow is not None:
        await notify_parties(
            uow,
            escrow,
            "payment_returned",
            now,
            only="payer",
            problem=problem,
            returned_paise=payment.amount_paise,
        )
    return [intent.id]
