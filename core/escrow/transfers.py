"""Money out, step one: deciding what must move and committing it as intents.

The intent row (with its own idempotency key) is committed together with the state change
that calls for the money to move (`start_release`, `start_refund`, `start_split`). Making the
provider calls is core.escrow.outbound's job, after the commit.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from core.db.models import Escrow, MoneyIntent
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.escrow import settlement
from core.escrow.money_states import PAYOUT_KINDS, IntentKind, IntentStatus
from core.logs import get_logger
from core.money import fee_for

log = get_logger("trustpay.transfers")


async def new_intent(
    uow: UnitOfWork,
    deps: Deps,
    kind: IntentKind,
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
    provider = deps.rail.name if kind in PAYOUT_KINDS else deps.gateway.name
    return await uow.intents.add(
        MoneyIntent(
            escrow_id=escrow.id if escrow else None,
            payment_id=payment_id,
            kind=kind,
            attempt=attempt,
            calls=0,
            amount_paise=amount_paise,
            status=IntentStatus.PENDING,
            idempotency_key=f"tp-{kind}-{owner}-{attempt}-{secrets.token_hex(4)}",
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
    await uow.escrows.transition(escrow, event, now, fee_paise=0, resolution="refund")
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
        IntentKind.PAYOUT,
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
        IntentKind.REFUND,
        amount,
        destination=payment.gateway_payment_id,
        now=now,
        escrow=escrow,
        payment_id=payment.id,
        attempt=attempt,
        not_before=not_before,
    )
