"""Time-driven use cases: codes that age out, payment windows that close, inspection periods.

Each claims due escrows with FOR UPDATE SKIP LOCKED (on PostgreSQL), so every process may run
them at once: a row one process is handling is simply skipped by the others.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_

from core import audit
from core.db.models import Escrow
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.escrow import disputes, outbound, transfers
from core.escrow.notices import notify_parties
from core.escrow.states import Event, State
from core.logs import get_logger, log_context

log = get_logger("trustpay.expiry")
BATCH = 100


async def expire_codes(deps: Deps) -> int:
    """Deactivate codes past their TTL (7 days); escrows still awaiting a partner expire."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        ids = await uow.escrows.claim(
            Escrow.code_active.is_(True), Escrow.expires_at <= now, limit=BATCH
        )
        for escrow in await _load(uow, ids):
            if escrow.state == State.AWAITING_PARTNER:
                await _expire(uow, escrow, Event.CODE_EXPIRED, now, code_active=False)
            else:
                escrow.code_active, escrow.updated_at = False, now
        await uow.commit()
    return len(ids)


async def close_payment_windows(deps: Deps) -> int:
    """Escrows whose payer did not pay within the payment window expire."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        ids = await uow.escrows.claim(
            Escrow.state == State.AWAITING_PAYMENT,
            Escrow.payment_due_at <= now,
            # Only once the gateway was asked after the deadline: a payment made at the last
            # minute whose webhook was lost should hold the escrow, not be returned.
            or_(Escrow.setu_qr_id.is_(None), Escrow.payment_checked_at >= Escrow.payment_due_at),
            limit=BATCH,
        )
        for escrow in await _load(uow, ids):
            await _expire(uow, escrow, Event.PAYMENT_WINDOW_CLOSED, now, code_active=False)
        await uow.commit()
    return len(ids)


async def release_after_inspection(deps: Deps) -> int:
    """Held escrows nobody disputed within the inspection period are released to the payee.

    If the payer had asked to cancel and the payee never answered, paying the payee would
    ignore the payer; support decides instead (the escrow becomes DISPUTED).
    """
    now = deps.clock.now()
    intents: list[int] = []
    async with deps.uow() as uow:
        ids = await uow.escrows.claim(
            Escrow.state == State.HELD, Escrow.inspection_ends_at <= now, limit=BATCH
        )
        for escrow in await _load(uow, ids):
            with log_context(escrow_id=escrow.id, code=escrow.code):
                if "payer" in await uow.confirmations.roles(escrow.id, "cancel"):
                    await _escalate_unanswered_cancel(uow, deps, escrow, now)
                    continue
                intents += await transfers.start_release(
                    uow, deps, escrow, Event.INSPECTION_ENDED, now
                )
                log.info("escrow.auto_release")
        await uow.commit()
    await outbound.dispatch_all(intents, deps)
    return len(ids)


async def _escalate_unanswered_cancel(
    uow: UnitOfWork, deps: Deps, escrow: Escrow, now: datetime
) -> None:
    assert escrow.payer_id is not None
    reason = "The payer asked to cancel; the payee did not answer before inspection ended."
    await disputes.freeze(
        uow, deps.policy, escrow, opened_by=escrow.payer_id, role="system", reason=reason, now=now
    )
    log.info("escrow.escalated_to_support")


async def _load(uow: UnitOfWork, ids: list[int]) -> list[Escrow]:
    escrows = [await uow.escrows.get(escrow_id) for escrow_id in ids]
    return [escrow for escrow in escrows if escrow is not None]


async def _expire(
    uow: UnitOfWork, escrow: Escrow, event: Event, now: datetime, **changes: object
) -> None:
    with log_context(escrow_id=escrow.id, code=escrow.code):
        await uow.escrows.transition(escrow, event, now, **changes)
        await audit.append(
            uow.session,
            event_type="escrow.expired",
            status=escrow.state,
            now=now,
            escrow_id=escrow.id,
            payload={"why": event.value},
        )
        await notify_parties(uow, escrow, "expired", now, why=event.value)
        log.info("escrow.expired", why=event.value)
