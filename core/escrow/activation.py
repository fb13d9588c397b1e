"""Asking the payer to pay: a dynamic QR / intent link (and a collect request to their UPI id).

When both parties are in, a `collect` intent is committed with the join. `request_payment`
then asks the gateway for a QR; if the gateway is down the escrow keeps its state, the error
is recorded on it, and the retry job tries again with backoff. The payer is sent the link and
QR as soon as the gateway answers.
"""

from __future__ import annotations

from datetime import datetime

from core import audit
from core.db.models import Escrow, MoneyIntent
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import ConflictError, ForbiddenError, GatewayError, NotFoundError
from core.escrow import transfers
from core.escrow.codes import normalise_code
from core.escrow.commands import Actor
from core.escrow.notices import alert_support, notify_parties
from core.escrow.ports import CollectSpec, PaymentQr
from core.escrow.states import State
from core.logs import get_logger, log_context
from core.money import format_inr
from core.payments.vpa import parse_vpa

log = get_logger("trustpay.activation")


async def start(uow: UnitOfWork, deps: Deps, escrow: Escrow, now: datetime) -> int:
    """Commit (with the caller) the intent to request the escrow's payment from the payer."""
    intent = await transfers.new_intent(
        uow,
        deps,
        "collect",
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
    now = deps.clock.now()
    async with deps.uow() as uow:
        if not await uow.intents.lease(intent_id, now, now + deps.policy.intent_lease):
            return False
        intent = await uow.intents.get(intent_id)
        assert intent is not None
        assert intent.escrow_id is not None
        escrow = await uow.escrows.get(intent.escrow_id)
        assert escrow is not None
        intent.calls += 1
        if escrow.state != State.AWAITING_PAYMENT:  # cancelled or expired before we got to it
            intent.status, intent.completed_at, intent.last_error = "failed", now, escrow.state
            await uow.commit()
            return False
        await uow.commit()
    with log_context(
        escrow_id=escrow.id,
        code=escrow.code,
        user_id=escrow.payer_id,
        amount_paise=escrow.amount_paise,
    ):
        try:
            qr = await deps.gateway.create_qr(spec_for(escrow, now))
        except GatewayError as exc:
            await _failed(intent_id, deps, exc)
            return False
        collect_id, collect_error = await _collect(escrow, deps, now)
        await _succeeded(intent_id, deps, qr, collect_id, collect_error)
        log.info("payment.requested", qr_id=qr.qr_id, collect=bool(collect_id))
    return True


async def _collect(escrow: Escrow, deps: Deps, now: datetime) -> tuple[str | None, str | None]:
    """A collect request to the payer's own UPI id, when we know it. Failing it is not fatal."""
    if not escrow.payer_vpa:
        return None, None
    try:
        return await deps.gateway.create_collect(spec_for(escrow, now), escrow.payer_vpa), None
    except GatewayError as exc:
        log.warning("payment.collect_failed", error=exc.detail[:200])
        return None, exc.key


async def _succeeded(
    intent_id: int, deps: Deps, qr: PaymentQr, collect_id: str | None, collect_error: str | None
) -> None:
    now = deps.clock.now()
    async with deps.uow() as uow:
        intent, escrow = await _locked(uow, intent_id)
        intent.status, intent.provider_ref, intent.completed_at = "succeeded", qr.qr_id, now
        intent.leased_until, intent.updated_at = None, now
        escrow.setu_qr_id, escrow.intent_link, escrow.setu_collect_id = (
            qr.qr_id,
            qr.intent_link,
            collect_id,
        )
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
                collect_sent=bool(collect_id),
                collect_error=collect_error,
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


async def _failed(intent_id: int, deps: Deps, exc: GatewayError) -> None:
    """Keep the escrow as it is, record why, and let the retry job try again later."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        intent, escrow = await _locked(uow, intent_id)
        delay = deps.policy.backoff(intent.calls, deps.rng)
        intent.next_attempt_at, intent.leased_until = now + delay, None
        intent.last_error, intent.updated_at = exc.detail[:500], now
        escrow.last_payment_error, escrow.payment_retry_count = exc.detail[:500], intent.calls
        escrow.next_retry_at, escrow.updated_at = intent.next_attempt_at, now
        if intent.calls == deps.policy.payout_max_attempts:
            await alert_support(
                uow,
                deps.policy,
                "payment_request_failed",
                f"could not create the payment QR after {intent.calls} tries: {exc.detail[:120]}",
                now,
                escrow=escrow,
            )
            await notify_parties(uow, escrow, "payment_delayed", now, only="payer")
        await uow.commit()
    log.warning("payment.request_failed", error=exc.detail[:200], attempt=intent.calls)


REQUESTING = "requesting"  # setu_collect_id while a collect request is on its way


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
    finally:  # whatever happened, the placeholder goes
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
