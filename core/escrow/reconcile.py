"""Polling for payments whose webhook never came.

Setu retries a notification only three times, so webhooks alone cannot be trusted to arrive.
Escrows waiting for payment longer than a threshold are checked against Setu's status API; a
successful payment found this way is applied exactly like one reported by a webhook.
"""

from __future__ import annotations

from sqlalchemy import and_, or_, update

from core.db.models import Escrow
from core.deps import Deps
from core.errors import GatewayError
from core.escrow import activation, funds
from core.escrow.states import State
from core.logs import get_logger, log_context

log = get_logger("trustpay.reconcile")
BATCH = 50


async def poll_awaiting_payments(deps: Deps) -> int:
    """Check escrows still AWAITING_PAYMENT after the poll threshold; return how many."""
    now, policy = deps.clock.now(), deps.policy
    async with deps.uow() as uow:
        due = await uow.escrows.claim(
            Escrow.state == State.AWAITING_PAYMENT,
            Escrow.setu_qr_id.is_not(None),
            Escrow.joined_at <= now - policy.payment_poll_after,
            or_(
                Escrow.payment_checked_at.is_(None),
                Escrow.payment_checked_at <= now - policy.payment_poll_interval,
                and_(
                    Escrow.payment_due_at <= now, Escrow.payment_checked_at < Escrow.payment_due_at
                ),
            ),
            limit=BATCH,
        )
        if due:
            await uow.session.execute(
                update(Escrow).where(Escrow.id.in_(due)).values(payment_checked_at=now)
            )
        escrows = [await uow.escrows.get(escrow_id) for escrow_id in due]
        await uow.commit()
    for escrow in escrows:
        assert escrow is not None
        with log_context(escrow_id=escrow.id, code=escrow.code):
            try:
                await _check(escrow, deps)
            except GatewayError as exc:
                log.warning("reconcile.gateway_unavailable", error=exc.detail[:200])
    return len(escrows)


async def _check(escrow: Escrow, deps: Deps) -> None:
    instances = (escrow.setu_qr_id, escrow.setu_collect_id)
    for instance_id in (i for i in instances if i and i != activation.REQUESTING):
        reported = await deps.gateway.last_payment(instance_id)
        if reported is None:
            continue
        if reported.status in ("success", "failed"):  # Setu's words for a final payment
            log.info(
                "reconcile.found_payment", payment_id=reported.payment_id, status=reported.status
            )
        await funds.apply_gateway_payment(deps.gateway.name, reported, deps)
