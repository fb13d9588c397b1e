"""Disputes: a party (or the system) freezes a held escrow; support decides release, refund or
split."""

from __future__ import annotations

from datetime import datetime

from core import audit
from core.db.models import Dispute, Escrow
from core.db.retry import retry_on_conflict
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from core.escrow import outbound, transfers
from core.escrow.codes import normalise_code
from core.escrow.commands import OpenDispute, Outcome, Resolve
from core.escrow.notices import alert_support, notify_parties
from core.escrow.parties import locked, party_escrow, person
from core.escrow.policy import Policy
from core.escrow.results import ActionResult
from core.escrow.states import Event, State
from core.escrow.text import clean_text
from core.logs import get_logger, log_context

log = get_logger("trustpay.disputes")


async def freeze(
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


@retry_on_conflict
async def open_dispute(cmd: OpenDispute, deps: Deps) -> ActionResult:
    """Freeze a held escrow for support to decide.

    Raises InputError (no reason), NotFoundError and ConflictError (not HELD).
    """
    now = deps.clock.now()
    reason = clean_text(cmd.reason, 1000, "reason")
    async with deps.uow() as uow:
        user, escrow, role = await party_escrow(uow, cmd.actor, cmd.code, now)
        with log_context(escrow_id=escrow.id, code=escrow.code, user_id=user.id):
            if escrow.state == State.DISPUTED:
                return ActionResult(escrow, changed=False)
            if escrow.state != State.HELD:
                raise ConflictError("dispute.not_now", state=escrow.state)
            await freeze(
                uow, deps.policy, escrow, opened_by=user.id, role=role, reason=reason, now=now
            )
            await uow.commit()
            log.info("dispute.opened", role=role)
    return ActionResult(escrow)


@retry_on_conflict
async def resolve_dispute(cmd: Resolve, deps: Deps) -> ActionResult:
    """Support decides a dispute: release, refund, or split (payee's share given). Also decides
    an escrow whose payout the payee's UPI id refused (PAYOUT_FAILED): refund or split (a
    release would go to the same refused id; the payee gives a new one with /upi instead).

    Raises ForbiddenError (not support), InputError (split share), NotFoundError, ConflictError.
    """
    if not deps.policy.is_admin(cmd.actor.telegram_id):
        raise ForbiddenError("admin.only")
    now = deps.clock.now()
    code = normalise_code(cmd.code)
    async with deps.uow() as uow:
        await person(uow, cmd.actor, now, allow_banned=True)
        found = await uow.escrows.by_code(code)
        if found is None:
            raise NotFoundError(code=code)
        escrow = await locked(uow, found.id)
        with log_context(escrow_id=escrow.id, code=code, admin_id=cmd.actor.telegram_id):
            _check_resolvable(escrow, cmd.outcome)
            intents = await _resolve(uow, deps, escrow, cmd, now)
            dispute = await uow.disputes.open_for(escrow.id)
            if dispute is not None:
                dispute.resolved_at, dispute.resolution = now, cmd.outcome.value
                dispute.resolved_by_telegram_id = cmd.actor.telegram_id
                dispute.payee_share_paise = escrow.payee_share_paise
            await audit.append(
                uow.session,
                event_type="dispute.resolved",
                status=escrow.state,
                now=now,
                escrow_id=escrow.id,
                amount_paise=escrow.amount_paise,
                payload={
                    "outcome": cmd.outcome.value,
                    "payee_share_paise": escrow.payee_share_paise,
                    "admin": cmd.actor.telegram_id,
                },
            )
            await uow.commit()
            log.info("dispute.resolved", outcome=cmd.outcome.value)
    await outbound.dispatch_all(intents, deps)
    return ActionResult(escrow, money_moving=True)


def _check_resolvable(escrow: Escrow, outcome: Outcome) -> None:
    if escrow.state == State.PAYOUT_FAILED:
        if outcome is Outcome.RELEASE:
            raise ConflictError("resolve.payout_refused", state=escrow.state)
        if escrow.resolution == "split":  # its refund leg may be paid: one refund per escrow
            raise ConflictError("resolve.split_under_way", state=escrow.state)
    elif escrow.state != State.DISPUTED:
        raise ConflictError("resolve.not_disputed", state=escrow.state)


async def _resolve(
    uow: UnitOfWork, deps: Deps, escrow: Escrow, cmd: Resolve, now: datetime
) -> list[int]:
    if cmd.outcome is Outcome.RELEASE:
        return await transfers.start_release(uow, deps, escrow, Event.RESOLVED_RELEASE, now)
    if cmd.outcome is Outcome.REFUND:
        return await transfers.start_refund(uow, deps, escrow, Event.RESOLVED_REFUND, now)
    share = cmd.payee_share_paise
    if share is None or not 0 < share < escrow.amount_paise:
        raise InputError("resolve.bad_split", amount_paise=escrow.amount_paise)
    return await transfers.start_split(uow, deps, escrow, share, now)
