"""A payee's UPI id that refused the money, replaced by a new one; and what follows a check.

When a payout is refused for good (a mistyped or closed UPI id), the escrow waits in
PAYOUT_FAILED and both parties are told. `change_payee_upi` takes a new id from the payee
(also before payment, while the first one failed its check), checks it (core.escrow.upi_checks)
and pays again with a new intent; support can refund or split from PAYOUT_FAILED instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core import audit
from core.db.models import Escrow, MoneyIntent
from core.db.retry import retry_on_conflict
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import ConflictError, ForbiddenError
from core.escrow import activation, outbound, settlement, transfers
from core.escrow.commands import Actor
from core.escrow.money_states import LIVE, IntentKind, IntentStatus
from core.escrow.parties import party_escrow
from core.escrow.states import Event, State
from core.escrow.upi_checks import GO_AHEAD, UpiStatus, check
from core.payments.vpa import mask_vpa, parse_vpa


@dataclass(frozen=True, slots=True)
class ChangePayeeUpi:
    actor: Actor
    code: str
    upi_id: str


@retry_on_conflict
async def change_payee_upi(cmd: ChangePayeeUpi, deps: Deps) -> Escrow:
    """The payee gives a new UPI id: after a refused payout, or before payment while the old
    one failed its check. It is checked, then the payout (or the payment request) goes on.

    Raises InputError (UPI id), NotFoundError, ForbiddenError (not the payee), ConflictError
    (not now, or the id that was just refused).
    """
    vpa = parse_vpa(cmd.upi_id)
    now = deps.clock.now()
    async with deps.uow() as uow:
        user, escrow, role = await party_escrow(uow, cmd.actor, cmd.code, now)
        if role != "payee":
            raise ForbiddenError("upi.payee_only")
        changeable = escrow.state == State.PAYOUT_FAILED or (
            escrow.state == State.AWAITING_PAYMENT and escrow.payee_vpa_status != UpiStatus.VALID
        )
        if not changeable:
            raise ConflictError("upi.not_now", state=escrow.state)
        if vpa == escrow.payee_vpa and escrow.payee_vpa_status != UpiStatus.PENDING:
            raise ConflictError("upi.same", state=escrow.state)
        escrow.payee_vpa, escrow.payee_vpa_status = vpa, UpiStatus.UNCHECKED
        escrow.payee_vpa_name, escrow.payee_vpa_check_id, escrow.updated_at = None, None, now
        user.upi_id = vpa
        await audit.append(
            uow.session,
            event_type="payee_upi.changed",
            status=escrow.state,
            now=now,
            escrow_id=escrow.id,
            payload={"upi_id": mask_vpa(vpa)},
        )
        await uow.commit()
    await check(escrow.id, deps)
    await carry_on(escrow.id, deps)
    async with deps.uow() as uow:
        fresh = await uow.escrows.get(escrow.id)
        assert fresh is not None
        return fresh


async def carry_on(escrow_id: int, deps: Deps) -> None:
    """After a check settled: pay out again, or ask the payer to pay, as the escrow waits."""
    async with deps.uow() as uow:
        escrow = await uow.escrows.get(escrow_id)
        if escrow is None or UpiStatus(escrow.payee_vpa_status) not in GO_AHEAD:
            return
        state = State(escrow.state)
        collect = await _live(uow, escrow_id, IntentKind.COLLECT)
        if collect is not None:  # it was put off until the check settled: due now
            intent = await uow.intents.get(collect)
            if intent is not None and intent.status == IntentStatus.PENDING:
                intent.next_attempt_at = deps.clock.now()
                await uow.commit()
    if state is State.PAYOUT_FAILED:
        await release_again(escrow_id, deps)
    elif state is State.AWAITING_PAYMENT and collect is not None:
        await activation.request_payment(collect, deps)


@retry_on_conflict
async def release_again(escrow_id: int, deps: Deps) -> None:
    """PAYOUT_FAILED -> RELEASING: the refused payout's amount, to the payee's new UPI id."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        escrow = await uow.escrows.get(escrow_id, lock=True)
        if escrow is None or escrow.state != State.PAYOUT_FAILED or not escrow.payee_vpa:
            return
        last = await _last_payout(uow, escrow_id)
        assert last is not None
        assert last.status == IntentStatus.FAILED
        await uow.escrows.transition(escrow, Event.PAYEE_UPI_CHANGED, now, next_retry_at=None)
        intent = await transfers.new_intent(
            uow,
            deps,
            IntentKind.PAYOUT,
            last.amount_paise,
            destination=escrow.payee_vpa,
            now=now,
            escrow=escrow,
            attempt=last.attempt + 1,
        )
        await settlement.record_start(uow, escrow, "release.restarted", intent, now)
        await uow.commit()
    await outbound.dispatch_all([intent.id], deps)


async def poll_pending(deps: Deps, limit: int = 50) -> int:
    """Checks still pending for escrows waiting on a new UPI id (in case a webhook was lost)."""
    async with deps.uow() as uow:
        query = (
            select(Escrow.id)
            .where(Escrow.state == State.PAYOUT_FAILED)
            .where(Escrow.payee_vpa_status.in_((UpiStatus.UNCHECKED, UpiStatus.PENDING)))
            .limit(limit)
        )
        ids = list((await uow.session.execute(query)).scalars())
    for escrow_id in ids:
        await check(escrow_id, deps)
        await carry_on(escrow_id, deps)
    return len(ids)


async def on_check_event(check_id: str, deps: Deps) -> None:
    """A gateway webhook about a UPI id check: read it from the API, then carry on."""
    async with deps.uow() as uow:
        query = select(Escrow.id).where(Escrow.payee_vpa_check_id == check_id)
        ids = list((await uow.session.execute(query)).scalars())
    for escrow_id in ids:
        await check(escrow_id, deps)
        await carry_on(escrow_id, deps)


async def _live(uow: UnitOfWork, escrow_id: int, kind: IntentKind) -> int | None:
    query = select(MoneyIntent.id).where(
        MoneyIntent.escrow_id == escrow_id, MoneyIntent.kind == kind, MoneyIntent.status.in_(LIVE)
    )
    return (await uow.session.execute(query)).scalars().first()


async def _last_payout(uow: UnitOfWork, escrow_id: int) -> MoneyIntent | None:
    query = (
        select(MoneyIntent)
        .where(MoneyIntent.escrow_id == escrow_id, MoneyIntent.kind == IntentKind.PAYOUT)
        .order_by(MoneyIntent.id.desc())
        .limit(1)
    )
    return (await uow.session.execute(query)).scalar_one_or_none()
