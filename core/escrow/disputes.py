"""Opening a dispute: the escrow freezes and support is told, whoever (or whatever) opened it."""

from __future__ import annotations

from datetime import datetime

from core import audit
from core.db.models import Dispute, Escrow
from core.db.uow import UnitOfWork
from core.escrow.notices import alert_support, notify_parties
from core.escrow.policy import Policy
from core.escrow.states import Event


async def open_dispute(
    uow: UnitOfWork,
    policy: Policy,
    escrow: Escrow,
    *,
    opened_by: int,
    role: str,
    reason: str,
    now: datetime,
) -> None:
    """Move a held escrow to DISPUTED, record why (outside the immutable log), tell everyone.

    `role` is "payer", "payee" or "system"; raises InvalidTransitionError if not HELD.
    """
    await uow.escrows.transition(escrow, Event.DISPUTE_OPENED, now)
    uow.disputes.add(
        Dispute(escrow_id=escrow.id, opened_by=opened_by, reason=reason, opened_at=now)
    )
    await audit.append(
        uow.session,
        event_type="dispute.opened",
        status=escrow.state,
        now=now,
        escrow_id=escrow.id,
        payload={"role": role},
    )
    await alert_support(uow, policy, "dispute", f"{role}: {reason[:200]}", now, escrow=escrow)
    await notify_parties(uow, escrow, "disputed", now, by=role)
