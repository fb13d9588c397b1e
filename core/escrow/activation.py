"""Asking the payer to pay: a dynamic QR / intent link (and a collect request to their UPI id).

When both parties are in, a `collect` intent is committed with the join. `request_payment`
first makes sure the payee's UPI id has been checked (core.escrow.payee_upi: both parties see
the name the bank holds for it before anyone pays), then asks the gateway for a QR.

Activation happens once, by the send rule of core.escrow.money_states:
- the intent is marked `unknown` and committed before the QR call. Setu cannot look a QR up
  by our reference, so a QR whose answer was lost was never shown to anyone and cannot be paid
  by anyone; a new one is made only once the earlier call is certainly over (a lease after it
  began: calls are cut off at a third of one), and money paid to a lost QR would still find
  the escrow by our reference.
- a collect request reaches the payer's phone, so it is sent at most once per escrow and UPI
  id: `setu_collect_id` holds REQUESTING (committed before the call) until Setu's id replaces
  it, and a REQUESTING left by a lost answer is never sent again automatically.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from core import audit
from core.crashpoints import crash_point
from core.db.models import Escrow, MoneyIntent
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import (
    ConflictError,
    ForbiddenError,
    GatewayError,
    GatewayRejectedError,
    NotFoundError,
)
from core.escrow import transfers, upi_checks
from core.escrow.codes import normalise_code
from core.escrow.commands import Actor
from core.escrow.money_states import IntentEvent, IntentKind, IntentStatus
from core.escrow.notices import alert_support, notify_parties
from core.escrow.ports import CollectSpec, PaymentQr
from core.escrow.states import State
from core.logs import get_logger, log_context
from core.money import format_inr
from core.payments.vpa import parse_vpa

log = get_logger("trustpay.activation")
REQUESTING = "requesting"  # setu_collect_id while a collect request is on its way


async def start(uow: UnitOfWork, deps: Deps, escrow: Escrow, now: datetime) -> int:
    """Commit (with the caller) the intent to request the escrow's payment from the payer."""
    intent = await transfers.new_intent(
        uow,
        deps,
        IntentKind.COLLECT,
        escrow.amount_paise,
        destination=escrow.payer_vpa or "",
        now=now,
        escrow=escrow,
    )
    return intent.id


def spec_for(escrow: Escrow, now: datetime) -> CollectSpec:
    assert escrow.payment_due_at is not None
    minutes = int((escrow.payment_due_at - now).total_seconds() // 60)
    return CollectSpec(
        reference=escrow.payment_ref,
        amount_paise=escrow.amount_paise,
        note=f"TrustPay {escrow.code} {format_inr(escrow.amount_paise)}",
        expires_at=escrow.payment_due_at,
        valid_minutes=max(1, minutes),
    )


async def request_payment(intent_id: int, deps: Deps) -> bool:
    """Create the QR (and collect request) for a `collect` intent; True once it is done."""
    escrow_id = await _escrow_of(intent_id, deps)
    if escrow_id is None or not await upi_checks.ready_for_payment(escrow_id, intent_id, deps):
        return False
    claim = await _claim(intent_id, deps)
    if claim is None:
        return False
    escrow, send_collect = claim
    with log_context(
        escrow_id=escrow.id,
        code=escrow.code,
        user_id=escrow.payer_id,
        amount_paise=escrow.amount_paise,
    ):
        now = deps.clock.now()
        try:
            async with _deadline(deps):
                qr = await deps.gateway.create_qr(spec_for(escrow, now))
        except (GatewayError, TimeoutError) as exc:
            await _failed(intent_id, deps, _detail(exc))
            return False
        collect_id, collect_error = await _collect(escrow, deps, now, send_collect)
        crash_point("payment.requested")
        await _succeeded(intent_id, deps, qr, collect_id, collect_error)
        log.info("payment.requested", qr_id=qr.qr_id, collect=bool(collect_id))
    return True


async def _escrow_of(intent_id: int, deps: Deps) -> int | None:
    async with deps.uow() as uow:
        intent = await uow.session.get(MoneyIntent, intent_id)
        return intent.escrow_id if intent is not None else None


async def _claim(intent_id: int, deps: Deps) -> tuple[Escrow, bool] | None:
    """Lease the intent and mark it sent (with the collect request, if one is due), or None
    if it is not ours to send now. The bool says whether to send the collect request."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        if not await uow.intents.lease(intent_id, now, now + deps.policy.intent_lease):
            return None
        intent, escrow = await _locked(uow, intent_id)
        if escrow.state != State.AWAITING_PAYMENT:  # cancelled or expired before we got to it
            changes = {"completed_at": now, "last_error": escrow.state, "leased_until": None}
            await uow.intents.transition(intent, IntentEvent.FAILED, now, **changes)
            await uow.commit()
            return None
        if intent.status == IntentStatus.UNKNOWN and not _may_resend(intent, deps, now):
            intent.next_attempt_at = (intent.last_sent_at or now) + deps.policy.intent_lease
            intent.leased_until = None
            await uow.commit()
            return None
        await uow.intents.transition(intent, IntentEvent.CALL_STARTED, now, last_sent_at=now)
        send_collect = bool(escrow.payer_vpa) and escrow.setu_collect_id is None
        if send_collect:
            escrow.setu_collect_id, escrow.updated_at = REQUESTING, now
        await uow.commit()
    return escrow, send_collect


def _may_resend(intent: MoneyIntent, deps: Deps, now: datetime) -> bool:
    """A QR call with no answer: a new QR once that call is surely over (see the module doc)."""
    return now >= (intent.last_sent_at or intent.created_at) + deps.policy.intent_lease


def _deadline(deps: Deps) -> asyncio.Timeout:
    return asyncio.timeout(deps.policy.call_deadline.total_seconds())


def _detail(exc: BaseException) -> str:
    return exc.detail if isinstance(exc, GatewayError) else "no answer in time"


async def _collect(
    escrow: Escrow, deps: Deps, now: datetime, send: bool
) -> tuple[str | None, str | None]:
    """A collect request to the payer's own UPI id, once. Failing it is not fatal."""
    if escrow.setu_collect_id == REQUESTING and not send:  # an earlier one may be out there
        return REQUESTING, "collect.unknown"
    if not send or not escrow.payer_vpa:
        return None, None
    try:
        async with _deadline(deps):
            return await deps.gateway.create_collect(spec_for(escrow, now), escrow.payer_vpa), None
    except GatewayRejectedError as exc:  # refused: nothing reached the payer
        log.warning("payment.collect_refused", error=exc.detail[:200])
        return None, exc.key
    except (GatewayError, TimeoutError):  # it may have reached the payer: never send it again
        log.warning("payment.collect_unknown")
        return REQUESTING, "collect.unknown"


async def _succeeded(
    intent_id: int, deps: Deps, qr: PaymentQr, collect_id: str | None, collect_error: str | None
) -> None:
    now = deps.clock.now()
    async with deps.uow() as uow:
        intent, escrow = await _locked(uow, intent_id)
        changes = {"provider_ref": qr.qr_id, "completed_at": now, "leased_until": None}
        await uow.intents.transition(intent, IntentEvent.SUCCEEDED, now, **changes)
        escrow.setu_qr_id, escrow.intent_link = qr.qr_id, qr.intent_link
        if escrow.setu_collect_id == REQUESTING:  # ours from _claim: Setu's id, or kept unknown
            escrow.setu_collect_id = collect_id
        escrow.last_payment_error, escrow.next_retry_at, escrow.updated_at = None, None, now
        await audit.append(
            uow.session,
            event_type="payment.requested",
            status=escrow.state,
            now=now,
            escrow_id=escrow.id,
            gateway_ref=qr.qr_id,
            amount_paise=escrow.amount_paise,
            payload={"collect_id": collect_id, "ref_id": qr.ref_id},
        )
        if escrow.state == State.AWAITING_PAYMENT:
            await notify_parties(
                uow,
                escrow,
                "payment_requested",
                now,
                only="payer",
                intent_link=qr.intent_link,
                collect_sent=bool(collect_id) and collect_id != REQUESTING,
                collect_error=collect_error,
                payee_name=escrow.payee_vpa_name,
                payee_upi_status=escrow.payee_vpa_status,
            )
        await uow.commit()


async def _locked(uow: UnitOfWork, intent_id: int) -> tuple[MoneyIntent, Escrow]:
    """The intent and its escrow, locked escrow first (the order every money path uses)."""
    peek = await uow.session.get(MoneyIntent, intent_id)
    assert peek is not None
    assert peek.escrow_id is not None
    escrow = await uow.escrows.get(peek.escrow_id, lock=True)
    intent = await uow.intents.get(intent_id)
    assert escrow is not None
    assert intent is not None
    return intent, escrow


async def _failed(intent_id: int, deps: Deps, detail: str) -> None:
    """Keep the escrow as it is, record why, and let the retry job ask again later."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        intent, escrow = await _locked(uow, intent_id)
        delay = deps.policy.backoff(intent.calls, deps.rng)
        changes = {"next_attempt_at": now + delay, "leased_until": None, "last_error": detail[:500]}
        await uow.intents.transition(intent, IntentEvent.NO_ANSWER, now, **changes)
        escrow.last_payment_error, escrow.payment_retry_count = detail[:500], intent.calls
        escrow.next_retry_at, escrow.updated_at = intent.next_attempt_at, now
        if escrow.setu_collect_id == REQUESTING:  # no QR means no collect request was sent
            escrow.setu_collect_id = None
        if intent.calls == deps.policy.payout_max_attempts:
            await alert_support(
                uow,
                deps.policy,
                "payment_request_failed",
                f"could not create the payment QR after {intent.calls} tries: {detail[:120]}",
                now,
                escrow=escrow,
            )
            await notify_parties(uow, escrow, "payment_delayed", now, only="payer")
        await uow.commit()
    log.warning("payment.request_failed", error=detail[:200], attempt=intent.calls)


async def request_collect(actor: Actor, code: str, upi_id: str, deps: Deps) -> Escrow:
    """The payer asks for a collect request to their own UPI id instead of scanning the QR.

    Raises InputError (UPI id), NotFoundError, ForbiddenError (not the payer), ConflictError
    (not awaiting payment, or one is already on its way to that UPI id), GatewayError.
    """
    vpa = parse_vpa(upi_id)
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await uow.users.upsert(actor, now)
        found = await uow.escrows.for_party(normalise_code(code), user.id)
        escrow = await uow.escrows.get(found.id, lock=True) if found else None
        if escrow is None:
            raise NotFoundError(code=code)
        if escrow.role_of(user.id) != "payer":
            raise ForbiddenError("collect.payer_only")
        if escrow.state != State.AWAITING_PAYMENT or escrow.payment_due_at is None:
            raise ConflictError("collect.not_now", state=escrow.state)
        if escrow.setu_collect_id and escrow.payer_vpa == vpa:
            raise ConflictError("collect.already_sent", state=escrow.state)
        escrow.payer_vpa, escrow.setu_collect_id, escrow.updated_at = vpa, REQUESTING, now
        user.upi_id = user.upi_id or vpa
        await uow.commit()
    collect_id: str | None = None
    try:
        collect_id = await deps.gateway.create_collect(spec_for(escrow, now), vpa)
    except GatewayError as exc:  # refused: nothing was sent, the payer may ask again
        if isinstance(exc, GatewayRejectedError):
            await _store_collect(escrow.id, None, deps)
        raise
    await _store_collect(escrow.id, collect_id, deps)
    return escrow


async def _store_collect(escrow_id: int, collect_id: str | None, deps: Deps) -> None:
    now = deps.clock.now()
    async with deps.uow() as uow:
        escrow = await uow.escrows.get(escrow_id, lock=True)
        assert escrow is not None
        escrow.setu_collect_id, escrow.updated_at = collect_id, now
        if collect_id:
            await audit.append(
                uow.session,
                event_type="payment.collect_requested",
                status=escrow.state,
                now=now,
                escrow_id=escrow.id,
                gateway_ref=collect_id,
                amount_paise=escrow.amount_paise,
            )
        await uow.commit()
