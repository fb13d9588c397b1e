"""Making the provider calls for money intents, exactly once per intent.

The rules are written down in core.escrow.money_states (the send rule). Here:
- `dispatch` leases an intent; a `pending` one is marked `unknown` in the same commit, before
  the call. Every call is cut off at `policy.call_deadline` (a third of the lease at most), so
  no call outlives its lease.
- An `unknown` or `submitted` intent is looked up at the provider. It is sent again only when
  the lookup finds nothing, `policy.resend_wait` has passed since the last send began (no wait
  where the provider honours our idempotency key, so the same request cannot pay twice), and
  the lease is still ours (`Intents.claim_send`).
- The call goes to the provider the intent was created for, never to whichever is configured
  now; if that provider is gone, nothing is sent and support is told.
- `refresh` reads an intent's transfer after a webhook; the webhook only names what to read,
  and core.escrow.answers applies the answer only if it belongs to the intent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from core.crashpoints import crash_point
from core.db.models import Escrow, MoneyIntent
from core.deps import Deps
from core.errors import GatewayError, GatewayRejectedError
from core.escrow import answers
from core.escrow.money_states import PAYOUT_KINDS, IntentEvent, IntentKind, IntentStatus
from core.escrow.ports import TransferRequest, TransferState, TransferStatus
from core.logs import get_logger, log_context
from core.payments.vpa import mask_vpas_in

log = get_logger("trustpay.transfers")
REFERENCE_PREFIX = "tpi"
Call = Callable[[TransferRequest], Awaitable[TransferStatus]]
Find = Callable[[TransferRequest], Awaitable[TransferStatus | None]]
Ports = tuple[Call, Find, bool]  # send, find, and whether a re-send replays safely
apply_status = answers.apply_status


class _LookupRejectedError(Exception):
    """The provider refused a status lookup: that says nothing about the transfer itself."""


class _NotYet(Exception):  # noqa: N818 -- a signal, not a failure
    """No send now: the provider has nothing yet, but a send may still be arriving there."""

    def __init__(self, detail: str, until: datetime | None = None) -> None:
        super().__init__(detail)
        self.detail, self.until = detail, until


@dataclass(frozen=True, slots=True)
class _Lease:
    intent: MoneyIntent
    escrow: Escrow | None
    until: datetime
    send: bool  # a pending intent: marked unknown, to be sent now


async def dispatch(intent_id: int, deps: Deps) -> TransferStatus | None:
    """Make (or check) the provider call for one intent; None if there is no answer yet."""
    lease = await _take_lease(intent_id, deps)
    if lease is None:
        return None
    crash_point("transfer.leased")
    intent = lease.intent
    with log_context(**_context(intent, lease.escrow)):
        ports = _ports(deps, intent)
        if ports is None:
            await _no_answer(intent_id, deps, f"provider {intent.provider} is not configured")
            return None
        log.info("transfer.calling", provider_call="send" if lease.send else "find")
        try:
            async with asyncio.timeout(deps.policy.call_deadline.total_seconds()):
                result = await _call(lease, *ports, deps)
        except _NotYet as wait:
            await _no_answer(intent_id, deps, wait.detail, not_before=wait.until)
            return None
        except GatewayRejectedError as exc:  # the send itself was refused: definitely not done
            result = TransferStatus(
                TransferState.FAILED, reason=exc.detail[:300], retryable=exc.retryable
            )
        except (GatewayError, _LookupRejectedError) as exc:
            await _no_answer(intent_id, deps, str(exc))
            return None
        except TimeoutError:
            detail = f"no answer within {deps.policy.call_deadline.total_seconds():g} s"
            await _no_answer(intent_id, deps, detail)
            return None
        except Exception as exc:  # anything else: the call may have happened; ask next time
            log.exception("transfer.call_crashed")
            await _no_answer(intent_id, deps, f"{type(exc).__name__}: {exc}")
            return None
        crash_point("transfer.answered")
        await answers.apply_status(intent_id, result, deps)
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


async def _take_lease(intent_id: int, deps: Deps) -> _Lease | None:
    now = deps.clock.now()
    until = now + deps.policy.intent_lease
    async with deps.uow() as uow:
        if not await uow.intents.lease(intent_id, now, until):
            return None
        intent = await uow.intents.get(intent_id)
        assert intent is not None
        send = intent.status == IntentStatus.PENDING
        if send:  # committed before the call: a crash from here on means "ask"
            await uow.intents.transition(intent, IntentEvent.CALL_STARTED, now, last_sent_at=now)
        escrow = await uow.escrows.get(intent.escrow_id) if intent.escrow_id else None
        await uow.commit()
    return _Lease(intent, escrow, until, send)


async def _call(
    lease: _Lease, send: Call, find: Find, idempotent: bool, deps: Deps
) -> TransferStatus:
    """Send a fresh intent; otherwise look it up, and send again only as the rule allows."""
    intent = lease.intent
    request = request_for(intent)
    if lease.send:
        return await send(request)
    try:
        found = await find(request)
    except GatewayRejectedError as exc:
        raise _LookupRejectedError(exc.detail) from exc
    if found is not None:
        return found
    if intent.status == IntentStatus.SUBMITTED:  # the provider took it, yet shows nothing now
        raise _NotYet(f"{intent.provider} has no record of {intent.provider_ref} any more")
    wait = timedelta(0) if idempotent else deps.policy.resend_wait
    resend_at = (intent.last_sent_at or intent.created_at) + wait
    if deps.clock.now() < resend_at:
        raise _NotYet(f"{intent.provider} shows nothing yet; asking again", resend_at)
    async with deps.uow() as uow:
        claimed = await uow.intents.claim_send(intent.id, deps.clock.now(), lease.until)
        await uow.commit()
    if not claimed:
        raise _NotYet("the lease ran out before the send")
    log.warning("transfer.resending", last_sent_at=str(intent.last_sent_at))
    return await send(request)


async def refresh(
    intent_id: int, deps: Deps, provider_ref: str | None = None, utr: str | None = None
) -> None:
    """After a provider's webhook: read the transfer from the provider's API and apply it.

    `provider_ref` is the webhook's id for the transfer. An intent that already has a
    provider id reads its own and never adopts another (the other one is reported). `utr` is
    the webhook's bank reference, used when the API gives none (Setu's refund txnId).
    """
    async with deps.uow() as uow:
        intent = await uow.session.get(MoneyIntent, intent_id)
        if intent is None or intent.kind == IntentKind.COLLECT:
            return
        ports = _ports(deps, intent)
    if provider_ref and intent.provider_ref and provider_ref != intent.provider_ref:
        await answers.report_foreign(
            intent_id, provider_ref, "a webhook named another transfer for this intent", deps
        )
        provider_ref = None
    if ports is None:
        return
    async with asyncio.timeout(deps.policy.call_deadline.total_seconds()):
        status = await ports[1](request_for(intent, provider_ref))
    if status is None:
        return
    if utr and status.state is TransferState.SUCCEEDED and not status.utr:
        status = replace(status, utr=utr)
    await answers.apply_status(intent_id, status, deps)


def intent_id_from(reference: object) -> int | None:
    """Our intent id from the reference a provider echoes back ("tpi42" -> 42)."""
    if isinstance(reference, str) and reference.startswith(REFERENCE_PREFIX):
        digits = reference[len(REFERENCE_PREFIX) :]
        return int(digits) if digits.isdigit() and len(digits) < 19 else None
    return None


def request_for(intent: MoneyIntent, provider_ref: str | None = None) -> TransferRequest:
    return TransferRequest(
        intent_id=intent.id,
        idempotency_key=intent.idempotency_key,
        reference=reference_of(intent),
        amount_paise=intent.amount_paise,
        destination=intent.destination or "",
        narration=f"TrustPay escrow {intent.escrow_id or ''}".strip(),
        provider_ref=provider_ref or intent.provider_ref,
    )


def reference_of(intent: MoneyIntent) -> str:
    return f"{REFERENCE_PREFIX}{intent.id}"


def _ports(deps: Deps, intent: MoneyIntent) -> Ports | None:
    """The send and find calls of the provider this intent belongs to, if it is configured."""
    if intent.kind in PAYOUT_KINDS:
        rail = deps.rail
        if rail.name != intent.provider:
            return None
        return rail.send_payout, rail.find_payout, rail.idempotent_sends
    gateway = deps.gateway
    if gateway.name != intent.provider:
        return None
    return gateway.refund, gateway.find_refund, gateway.idempotent_sends


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


async def _no_answer(
    intent_id: int, deps: Deps, detail: str, *, not_before: datetime | None = None
) -> None:
    """No answer: ask again after a backoff; tell support once if it drags on."""
    now = deps.clock.now()
    detail = mask_vpas_in(detail)[:500]
    log.warning("transfer.outcome_unknown", error=detail)
    async with deps.uow() as uow:
        intent = await uow.intents.get(intent_id)
        if intent is None or intent.status not in answers.LIVE:
            return
        next_at = now + deps.policy.backoff(intent.calls, deps.rng)
        changes = {
            "last_error": detail,
            "next_attempt_at": max(next_at, not_before or next_at),
            "leased_until": None,
        }
        if intent.status == IntentStatus.PENDING:  # nothing was sent: it stays pending
            for name, value in changes.items():
                setattr(intent, name, value)
        else:
            await uow.intents.transition(intent, IntentEvent.NO_ANSWER, now, **changes)
        await answers.alert_if_stuck(uow, deps, intent, now)
        await uow.commit()
