"""Money out: payouts to payees and refunds to payers, each exactly once.

1. An intent row with its own idempotency key is committed together with the state change
   that calls for the money to move (`start_release`, `start_refund`, `start_split`).
2. `dispatch` leases the intent, then calls the provider under that key. An unknown outcome
   (timeout, 5xx) leaves the intent `unknown`; the next try asks the provider first and sends
   only if the provider never saw it, under the same key.
3. `apply_status` records the answer: success posts the ledger and moves the escrow on; a
   definite failure ends the intent and schedules a new one (new key) with backoff, until the
   policy's maximum, then support is alerted.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from core import audit
from core.db.models import Escrow, MoneyIntent
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import GatewayError, GatewayRejectedError, InvalidTransitionError
from core.escrow import settlement
from core.escrow.notices import alert_support
from core.escrow.ports import TransferRequest, TransferState, TransferStatus
from core.logs import get_logger, log_context
from core.money import fee_for

log = get_logger("trustpay.transfers")
LIVE = ("pending", "submitted", "unknown")


async def new_intent(
    uow: UnitOfWork,
    deps: Deps,
    kind: str,
    amount_paise: int,
    *,
    destination: str,
    now: datetime,
    escrow: Escrow | None = None,
    payment_id: int | None = None,
    attempt: int = 1,
    not_before: datetime | None = None,
) -> MoneyIntent:
    """Add a money intent (committed by the caller) with a fresh idempotency key."""
    owner = f"e{escrow.id}" if escrow else f"p{payment_id}"
    provider = deps.rail.name if kind == "payout" else deps.gateway.name
    return await uow.intents.add(
        MoneyIntent(
            escrow_id=escrow.id if escrow else None,
            payment_id=payment_id,
            kind=kind,
            attempt=attempt,
            calls=0,
            amount_paise=amount_paise,
            status="pending",
            idempotency_key=f"tp-{kind}-{owner}-{attempt}-{secrets.token_hex(6)}",
            provider=provider,
            destination=destination,
            next_attempt_at=not_before or now,
            created_at=now,
            updated_at=now,
        )
    )


async def start_release(
    uow: UnitOfWork, deps: Deps, escrow: Escrow, event: settlement.Event, now: datetime
) -> list[int]:
    """Move a held escrow to RELEASING and commit the payee's payout intent."""
    fee = fee_for(escrow.amount_paise, deps.policy.fee_bps)
    await uow.escrows.transition(escrow, event, now, fee_paise=fee, resolution="release")
    intent = await _payout_intent(uow, deps, escrow, escrow.amount_paise - fee, now)
    await settlement.record_start(uow, escrow, "release.started", intent, now)
    return [intent.id]


async def start_refund(
    uow: UnitOfWork, deps: Deps, escrow: Escrow, event: settlement.Event, now: datetime
) -> list[int]:
    """Move a held escrow to REFUNDING and commit the payer's refund intent."""
    await uow.escrows.transition(escrow, event, now, resolution="refund")
    intent = await _refund_intent(uow, deps, escrow, escrow.amount_paise, now)
    await settlement.record_start(uow, escrow, "refund.started", intent, now)
    return [intent.id]


async def start_split(
    uow: UnitOfWork, deps: Deps, escrow: Escrow, payee_share_paise: int, now: datetime
) -> list[int]:
    """Pay the payee their share (less our fee) and refund the rest to the payer."""
    fee = fee_for(payee_share_paise, deps.policy.fee_bps)
    await uow.escrows.transition(
        escrow,
        settlement.Event.RESOLVED_SPLIT,
        now,
        fee_paise=fee,
        resolution="split",
        payee_share_paise=payee_share_paise,
    )
    payout = await _payout_intent(uow, deps, escrow, payee_share_paise - fee, now)
    refund = await _refund_intent(uow, deps, escrow, escrow.amount_paise - payee_share_paise, now)
    await settlement.record_start(uow, escrow, "split.started", payout, now)
    return [payout.id, refund.id]


async def _payout_intent(
    uow: UnitOfWork,
    deps: Deps,
    escrow: Escrow,
    amount: int,
    now: datetime,
    attempt: int = 1,
    not_before: datetime | None = None,
) -> MoneyIntent:
    assert escrow.payee_vpa, "a payee always has a UPI id before money is held"
    return await new_intent(
        uow,
        deps,
        "payout",
        amount,
        destination=escrow.payee_vpa,
        now=now,
        escrow=escrow,
        attempt=attempt,
        not_before=not_before,
    )


async def _refund_intent(
    uow: UnitOfWork,
    deps: Deps,
    escrow: Escrow,
    amount: int,
    now: datetime,
    attempt: int = 1,
    not_before: datetime | None = None,
) -> MoneyIntent:
    payment = await uow.payments.held_for(escrow.id)
    assert payment is not None, "an escrow past HELD has the payment that funded it"
    return await new_intent(
        uow,
        deps,
        "refund",
        amount,
        destination=payment.gateway_payment_id,
        now=now,
        escrow=escrow,
        payment_id=payment.id,
        attempt=attempt,
        not_before=not_before,
    )


async def dispatch(intent_id: int, deps: Deps) -> TransferStatus | None:
    """Make (or check) the provider call for one intent; None if it was not ours to make now."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        if not await uow.intents.lease(intent_id, now, now + deps.policy.intent_lease):
            return None
        intent = await uow.intents.get(intent_id)
        assert intent is not None
        intent.calls += 1
        request = _request_for(intent)
        kind, status = intent.kind, intent.status
        escrow = await uow.escrows.get(intent.escrow_id) if intent.escrow_id else None
        await uow.commit()
    context = {"intent_id": intent_id, "kind": kind, "amount_paise": intent.amount_paise}
    if escrow is not None:
        recipient = escrow.payee_id if kind == "payout" else escrow.payer_id
        context |= {"escrow_id": escrow.id, "code": escrow.code, "user_id": recipient}
    with log_context(**context):
        log.info("transfer.calling", provider_call="find" if status != "pending" else "send")
        try:
            result = await _call(deps, kind, status, request)
        except GatewayRejectedError as exc:
            result = TransferStatus(TransferState.FAILED, reason=exc.detail[:300], retryable=False)
        except GatewayError as exc:
            log.warning("transfer.outcome_unknown", error=exc.detail[:300])
            await _mark_unknown(intent_id, deps, exc)
            return None
        await apply_status(intent_id, result, deps)
        log.info("transfer.answered", outcome=result.state.value, provider_ref=result.provider_ref)
    return result


async def dispatch_all(intent_ids: list[int], deps: Deps) -> None:
    """Send committed intents now; anything that goes wrong is left to the retry job."""
    for intent_id in intent_ids:
        try:
            await dispatch(intent_id, deps)
        except Exception:  # the intent is committed: the retry job will pick it up
            log.exception("transfer.dispatch_failed", intent_id=intent_id)


def _request_for(intent: MoneyIntent) -> TransferRequest:
    return TransferRequest(
        intent_id=intent.id,
        idempotency_key=intent.idempotency_key,
        reference=f"tpi{intent.id}",
        amount_paise=intent.amount_paise,
        destination=intent.destination or "",
        narration=f"TrustPay escrow {intent.escrow_id or ''}".strip(),
    )


async def _call(deps: Deps, kind: str, status: str, request: TransferRequest) -> TransferStatus:
    if kind == "payout":
        send, find = deps.rail.send_payout, deps.rail.find_payout
    else:
        send, find = deps.gateway.refund, deps.gateway.find_refund
    if status in ("unknown", "submitted"):
        found = await find(request)
        if found is not None:
            return found
    return await send(request)


async def _mark_unknown(intent_id: int, deps: Deps, exc: GatewayError) -> None:
    now = deps.clock.now()
    async with deps.uow() as uow:
        intent = await uow.intents.get(intent_id)
        if intent is None or intent.status not in LIVE:
            return
        delay = deps.policy.backoff(intent.calls, deps.rng)
        hint = timedelta(seconds=getattr(exc, "retry_after", None) or 0)
        intent.status, intent.last_error = "unknown", exc.detail[:500]
        intent.next_attempt_at = now + max(delay, hint)
        intent.leased_until, intent.updated_at = None, now
        if intent.calls == deps.policy.payout_max_attempts:
            await alert_support(
                uow,
                deps.policy,
                "transfer_unknown",
                f"{intent.kind} intent {intent.id}: no answer after "
                f"{intent.calls} calls ({exc.detail[:120]})",
                now,
            )
        await uow.commit()


async def apply_status(intent_id: int, status: TransferStatus, deps: Deps) -> None:
    """Record a provider's answer for an intent (from a call, a poll or a webhook), once."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        peek = await uow.session.get(MoneyIntent, intent_id)
        if peek is None:
            return
        escrow = await uow.escrows.get(peek.escrow_id, lock=True) if peek.escrow_id else None
        intent = await uow.intents.get(intent_id)  # locked after the escrow: one lock order
        if intent is None or intent.status not in LIVE:
            return  # already final: a duplicate webhook or a late poll
        intent.provider_ref = status.provider_ref or intent.provider_ref
        intent.leased_until, intent.updated_at = None, now
        if status.state is TransferState.PROCESSING:
            intent.status = "submitted"
            intent.next_attempt_at = now + deps.policy.backoff(intent.calls, deps.rng)
        elif status.state is TransferState.SUCCEEDED:
            intent.status, intent.utr, intent.completed_at = "succeeded", status.utr, now
            await _succeeded(uow, deps, intent, escrow, now)
        else:
            intent.status, intent.completed_at = "failed", now
            intent.last_error = (status.reason or "failed")[:500]
            await _failed(uow, deps, intent, escrow, status, now)
        await uow.commit()


async def _succeeded(
    uow: UnitOfWork, deps: Deps, intent: MoneyIntent, escrow: Escrow | None, now: datetime
) -> None:
    if intent.kind == "return":
        await settlement.returned(uow, intent, now)
        return
    assert escrow is not None
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
    give_up = not status.retryable or intent.attempt >= deps.policy.payout_max_attempts
    retry_at = None if give_up else now + deps.policy.backoff(intent.attempt, deps.rng)
    if retry_at is not None:
        await new_intent(
            uow,
            deps,
            intent.kind,
            intent.amount_paise,
            destination=intent.destination or "",
            now=now,
            escrow=escrow,
            payment_id=intent.payment_id,
            attempt=intent.attempt + 1,
            not_before=retry_at,
        )
    if escrow is not None:
        escrow.payment_retry_count, escrow.last_payment_error = intent.attempt, reason
        escrow.next_retry_at, escrow.updated_at = retry_at, now
    await audit.append(
        uow.session,
        event_type=f"{intent.kind}.failed",
        status="gave_up" if give_up else "retrying",
        now=now,
        escrow_id=intent.escrow_id,
        gateway_ref=intent.provider_ref,
        amount_paise=intent.amount_paise,
        error=reason,
        payload={"intent_id": intent.id, "attempt": intent.attempt},
    )
    log.warning(
        "transfer.failed",
        intent_id=intent.id,
        kind=intent.kind,
        reason=reason,
        gave_up=give_up,
        attempt=intent.attempt,
    )
    if give_up:
        await alert_support(
            uow,
            deps.policy,
            f"{intent.kind}_failed",
            f"{intent.kind} of {intent.amount_paise} paise failed "
            f"{intent.attempt} time(s): {reason}",
            now,
            escrow=escrow,
            payment_id=intent.payment_id,
        )
