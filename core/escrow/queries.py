"""Read models: an escrow as support, the CLI and the status page see it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core import ledger
from core.db.models import MoneyIntent, User
from core.db.uow import UnitOfWork
from core.escrow.codes import normalise_code
from core.escrow.money_states import PAYOUT_KINDS, IntentKind
from core.payments.vpa import mask_vpa


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def escrow_snapshot(uow: UnitOfWork, code: str) -> dict[str, Any] | None:
    """Everything about one escrow (by code) as plain JSON-ready data, UPI ids masked."""
    escrow = await uow.escrows.by_code(normalise_code(code))
    if escrow is None:
        return None
    payments = await uow.payments.for_escrow(escrow.id)
    intents = await uow.intents.for_escrow(escrow.id)
    return {
        "id": escrow.id,
        "code": escrow.code,
        "code_active": escrow.code_active,
        "name": escrow.name,
        "description": escrow.description,
        "state": escrow.state,
        "amount_paise": escrow.amount_paise,
        "fee_paise": escrow.fee_paise,
        "resolution": escrow.resolution,
        "payee_share_paise": escrow.payee_share_paise,
        "payment_ref": escrow.payment_ref,
        "parties": {
            "creator_role": escrow.creator_role,
            "payer": await _party(uow, escrow.payer_id, escrow.payer_vpa),
            "payee": await _party(uow, escrow.payee_id, escrow.payee_vpa),
        },
        "times": {
            name: _time(getattr(escrow, f"{name}_at"))
            for name in (
                "created",
                "joined",
                "paid",
                "payout",
                "closed",
                "expires",
                "payment_due",
                "inspection_ends",
            )
        },
        "retry": {
            "payment_retry_count": escrow.payment_retry_count,
            "next_retry_at": _time(escrow.next_retry_at),
            "last_payment_error": escrow.last_payment_error,
        },
        "payments": [
            {
                "id": p.id,
                "provider": p.provider,
                "gateway_payment_id": p.gateway_payment_id,
                "amount_paise": p.amount_paise,
                "status": p.status,
                "rrn": p.rrn,
                "payer_vpa": p.payer_vpa_masked,
                "received_at": _time(p.received_at),
            }
            for p in payments
        ],
        "payouts": [_intent(i) for i in intents if i.kind in PAYOUT_KINDS],  # with re-payments
        "refunds": [
            _intent(i) for i in intents if i.kind in (IntentKind.REFUND, IntentKind.RETURN)
        ],
        "ledger": {
            "holding_balance_paise": await ledger.holding_balance(uow.session, escrow.id),
            "by_kind_paise": await ledger.kind_totals(uow.session, escrow.id),
        },
    }


async def _party(uow: UnitOfWork, user_id: int | None, vpa: str | None) -> dict[str, Any] | None:
    if user_id is None:
        return None
    user: User | None = await uow.users.get(user_id)
    return {
        "telegram_id": user.telegram_id if user else None,
        "name": user.first_name if user else None,
        "upi_id": mask_vpa(vpa) if vpa else None,
    }


def _intent(intent: MoneyIntent) -> dict[str, Any]:
    return {
        "id": intent.id,
        "kind": intent.kind,
        "attempt": intent.attempt,
        "amount_paise": intent.amount_paise,
        "status": intent.status,
        "idempotency_key": intent.idempotency_key,
        "provider": intent.provider,
        "provider_ref": intent.provider_ref,
        "utr": intent.utr,
        "last_error": intent.last_error,
        "destination": mask_vpa(intent.destination)
        if intent.kind in PAYOUT_KINDS and intent.destination
        else intent.destination,
        "created_at": _time(intent.created_at),
        "completed_at": _time(intent.completed_at),
    }
