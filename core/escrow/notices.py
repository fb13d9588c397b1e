"""Telling people: party notifications and support alerts, both through the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core import outbox
from core.db.models import Alert, Escrow
from core.db.statements import insert_or_ignore
from core.db.uow import UnitOfWork
from core.escrow.policy import Policy
from core.logs import get_logger

log = get_logger("trustpay.escrow")


def escrow_payload(escrow: Escrow, **extra: Any) -> dict[str, Any]:
    return {
        "escrow_id": escrow.id,
        "code": escrow.code,
        "name": escrow.name,
        "amount_paise": escrow.amount_paise,
        "state": escrow.state,
        **extra,
    }


async def notify_parties(
    uow: UnitOfWork,
    escrow: Escrow,
    kind: str,
    now: datetime,
    *,
    only: str | None = None,
    skip_user_id: int | None = None,
    **extra: Any,
) -> None:
    """Queue `kind` for the escrow's parties (`only` "payer"/"payee" narrows it)."""
    for role, user_id in (("payer", escrow.payer_id), ("payee", escrow.payee_id)):
        if user_id is None or user_id == skip_user_id or (only and role != only):
            continue
        user = await uow.users.get(user_id)
        if user is None:
            continue
        payload = escrow_payload(escrow, role=role, **extra)
        await outbox.enqueue(
            uow.session,
            chat_id=user.telegram_id,
            kind=kind,
            now=now,
            escrow_id=escrow.id,
            payload=payload,
        )


async def alert_support(
    uow: UnitOfWork,
    policy: Policy,
    kind: str,
    detail: str,
    now: datetime,
    *,
    escrow: Escrow | None = None,
    payment_id: int | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Record an alert for /alerts and push it to every admin's chat; False (and nothing
    done) if an alert with the same `dedupe_key` was raised before."""
    escrow_id = escrow.id if escrow else None
    values = {
        "escrow_id": escrow_id,
        "payment_id": payment_id,
        "kind": kind,
        "detail": detail,
        "dedupe_key": dedupe_key,
        "created_at": now,
    }
    if dedupe_key is None:
        uow.alerts.add(Alert(**values))
    elif await insert_or_ignore(uow.session, Alert, values, ["dedupe_key"]) is None:
        return False
    payload = {"alert": kind, "detail": detail, "escrow_id": escrow_id, "payment_id": payment_id}
    if escrow is not None:
        payload |= {"code": escrow.code, "name": escrow.name, "state": escrow.state}
    for admin_id in sorted(policy.admin_telegram_ids):
        await outbox.enqueue(
            uow.session,
            chat_id=admin_id,
            kind="support_alert",
            now=now,
            escrow_id=escrow_id,
            payload=payload,
        )
    log.warning("support.alert", alert=kind, detail=detail, escrow_id=escrow_id)
    return True
