"""Making the provider calls for money intents, exactly once per intent.

- `dispatch` leases an intent and marks it `unknown` *before* calling: from then on the call
  may have happened, so any later attempt (after a crash, a timeout, a cancelled task, a lease
  that ran out) asks the provider first and sends only if the provider never saw it.
- The call goes to the provider the intent was created for, never to whichever is configured
  now; if that provider is gone, nothing is sent and support is told.
- `apply_status` records an answer once. A definite failure ends the intent and schedules a new
  one (new key) with backoff; an answer contradicting a final intent (a reversal) alerts
  support; an intent that stays unsettled too long alerts support once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from core import audit
from core.crashpoints import crash_point
from core.db.models import Escrow, MoneyIntent
from core.db.retry import retry_on_conflict
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import GatewayError, GatewayRejectedError, InvalidTransitionError
from core.escrow import settlement
from core.escrow.notices import alert_support
from core.escrow.ports import TransferRequest, TransferState, TransferStatus
from core.escrow.transfers import LIVE, PAYOUT_KINDS, new_intent
from core.logs import get_logger, log_context
from core.money import format_inr
from core.payments.vpa import mask_vpas_in

log = get_logger("trustpay.transfers")
REFERENCE_PREFIX = "tpi"
Call = Callable[[TransferRequest], Awaitable[TransferStatus]]
Find = Callable[[TransferRequest], Awaitable[TransferStatus | None]]


class _LookupRejectedError(Exception):
    """The provider refused a status lookup: that says nothing about the transfer itself."""


async def dispatch(intent_id: int, deps: Deps) -> TransferStatus | None:
    """Make (or check) the provider call for one intent; None if there is no answer yet."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        if not await uow.intents.lease(intent_id, now, now + deps.policy.intent_lease):
            return None
        intent = await uow.intents.get(intent_id)
        assert intent is not None
        was, intent.calls = intent.status, intent.calls + 1
        if was == "pending":
            intent.status = "unknown"  # committed before the call: a crash now means "ask"
        request = request_for(intent)
        escrow = await uow.escrows.get(intent.escrow_id) if intent.escrow_id else None
        await uow.commit()
    crash_point("transfer.leased")
    with log_context(**_context(intent, escrow)):
        ports = _ports(deps, intent)
        if ports is None:
            await _mark_unknown(intent_id, deps, f"provider {intent.provider} is not configured")
            return None
        log.info("transfer.calling", provider_call="send" if was == "pending" else "find")
        try:
            result = await _call(*ports, was, request)
        except GatewayRejectedError as exc:  # the send itself was refused: definitely not done
            result = TransferStatus(
                TransferState.FAILED, reason=exc.detail[:300], retryable=exc.retryable
            )
        except (GatewayError, _LookupRejectedError) as exc:
            await _mark_unknown(intent_id, deps, str(exc))
            return None
        except Exception as exc:  # anything else: the call may have happened; ask next time
            log.exception("transfer.call_crashed")
            await _mark_unknown(intent_id, deps, f"{type(exc).__name__}: {exc}")
            return None
        crash_point("transfer.answered")
        await apply_status(intent_id, result, deps)
        crash_point("transfer.applied")
        log.info("transfer.answered", outcome=result.state.value, provider_ref=result.provider_ref)
    return result


async def dispatch_all(intent_ids: list[int], deps: Deps) -> None:
    """Send committed intents now; anything that goes wrong is left to the retry job."""
    for intent_id in intent_ids:
        try:
            await dispatch(intent_id, deps)
        except Exception:  # the intent is committed: the retry job will pick it up
            log.exception("transfer.dispatch_failed", intent_id=intent_id)


def intent_id_from(reference: object) -> int | None:
    """Our intent id from the reference a provider echoes back ("tpi42" -> 42)."""
    if isinstance(reference, str) and reference.startswith(REFERENCE_PREFIX):
        digits = reference[len(REFERENCE_PREFIX) :]
        return int(digits) if digits.isdigit() else None
    return None


async def refresh(intent_id: int, deps: Deps, provider_ref: str | None = None) -> None:
    """After a provider's webhook: read the intent's status from the provider's API and apply it."""
    async with deps.uow() as uow:
        intent = await uow.session.get(MoneyIntent, intent_id)
        if intent is None or intent.kind == "collect":
            return
        request = request_for(intent, provider_ref)
        ports = _ports(deps, intent)
    if ports is not None and (status := await ports[1](request)) is not None:
        await apply_status(intent_id, status, deps)


def request_for(intent: MoneyIntent, provider_ref: str | None = None) -> TransferRequest:
    return TransferRequest(
        intent_id=intent.id,
        idempotency_key=intent.idempotency_key,
        reference=f"{REFERENCE_PREFIX}{intent.id}",
        amount_paise=intent.amount_paise,
        destination=intent.destination or "",
        narration=f"TrustPay escrow {intent.escrow_id or ''}".strip(),
        provider_ref=provider_ref or intent.provider_ref,
    )


def _ports(deps: Deps, intent: MoneyIntent) -> tuple[Call, Find] | None:
    """The send and find calls of the provider this intent belongs to, if it is configured."""
    if intent.kind in PAYOUT_KINDS:
        rail = deps.rail
        return (rail.send_payout, rail.find_payout) if rail.name == intent.provider else None
    gateway = deps.gateway
    return (gateway.refund, gateway.find_refund) if gateway.name == intent.provider else None


async def _call(send: Call, find: Find, was: str, request: TransferRequest) -> TransferStatus:
    if was != "pending":
        try:
            found = await find(request)
        except GatewayRejectedError as exc:
            raise _LookupRejectedError(exc.detail) from exc
        if found is not None:
            return found
    return await send(request)


def _context(intent: MoneyIntent, escrow: Escrow | None) -> dict[str, object]:
    context: dict[str, object] = {
        "intent_id": intent.id,
        "kind": intent.kind,
        "amount_paise": intent.amount_paise,
    }
    if escrow is not None:
        recipient = escrow.payee_id if intent.kind in PAYOUT_KINDS else escrow.payer_id
        context |= {"escrow_id": escrow.id, "code": escrow.code, "user_id": recipient}
    return context


async def _mark_unknown(intent_id: int, deps: Deps, detail: str) -> None:
    """No answer: ask again after a backoff; tell support once if it drags on."""
    now = deps.clock.now()
    detail = mask_vpas_in(detail)[:500]
    log.warning("transfer.outcome_unknown", error=detail)
    async with deps.uow() as uow:
        intent = await uow.intents.get(intent_id)
        if intent is None or intent.status not in LIVE:
            return
        intent.status, intent.last_error = "unknown", detail
        intent.next_attempt_at = now + deps.policy.backoff(intent.calls, deps.rng)
        intent.leased_until, intent.updated_at = None, now
        await _alert_if_stuck(uow, deps, intent, now)
        await uow.commit()


async def _alert_if_stuck(uow: UnitOfWork, deps: Deps, intent: MoneyIntent, now: datetime) -> None:
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
        if intent.status not in LIVE:
            await _contradiction(uow, deps, intent, escrow, status, now)
        elif status.state is TransferState.PROCESSING:
            intent.status, intent.leased_until, intent.updated_at = "submitted", None, now
            intent.provider_ref = status.provider_ref or intent.provider_ref
            intent.next_attempt_at = now + deps.policy.backoff(intent.calls, deps.rng)
            if status.needs_support:
                await _ask_support_to_pay(uow, deps, intent, escrow, now)
            else:
                await _alert_if_stuck(uow, deps, intent, now)
        elif status.state is TransferState.SUCCEEDED:
            _finish(intent, status, "succeeded", now)
            await _succeeded(uow, deps, intent, escrow, now)
        else:
            _finish(intent, status, "failed", now)
            intent.last_error = mask_vpas_in(status.reason or "failed")[:500]
            await _failed(uow, deps, intent, escrow, status, now)
        await uow.commit()


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


def _finish(intent: MoneyIntent, status: TransferStatus, outcome: str, now: datetime) -> None:
    intent.status, intent.completed_at, intent.updated_at = outcome, now, now
    intent.provider_ref = status.provider_ref or intent.provider_ref
    intent.utr, intent.leased_until = status.utr or intent.utr, None


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
    was = intent.status
    final = TransferState.SUCCEEDED if was == "succeeded" else TransferState.FAILED
    if status.state in (final, TransferState.PROCESSING) or intent.alerted_at is not None:
        return  # a duplicate or stale answer
    intent.alerted_at = now
    reason = status.reason or "no reason given"
    if intent.kind in PAYOUT_KINDS and was == "succeeded" and escrow is not None:
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
        payload={"intent_id": intent.id, "was": was},
    )
    await alert_support(
        uow,
        deps.policy,
        f"{intent.kind}_contradicted",
        f"{intent.kind} intent {intent.id} was {was}, provider now says {status.state.value} "
        f"({reason})",
        now,
        escrow=escrow,
        payment_id=intent.payment_id,
    )


async def _succeeded(
    uow: UnitOfWork, deps: Deps, intent: MoneyIntent, escrow: Escrow | None, now: datetime
) -> None:
    if intent.kind == "return":
        await settlement.returned(uow, intent, escrow, now)
        return
    assert escrow is not None
    if intent.kind == "repayout":
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
    if escrow is not None and intent.kind in ("payout", "refund", "repayout"):  # the escrow's
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
    log.warning("transfer.failed", reason=reason, gave_up=give_up, attempt=intent.attempt)
    if give_up:
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
