"""Use cases people start: create, join, confirm, cancel, dispute, and support's resolve.

Each takes a command and the injected `Deps`, runs in one unit of work that locks the escrow
row first, and raises from the ServiceError tree. Money that must move is committed as an
intent in the same transaction and sent after the commit (core.escrow.transfers).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from core import audit
from core.crashpoints import crash_point
from core.db.models import Escrow, User
from core.db.retry import retry_on_conflict
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import ConflictError, ForbiddenError, InputError, NotFoundError, RateLimitedError
from core.escrow import activation, outbound, transfers
from core.escrow.codes import new_code, new_friendly_name, normalise_code
from core.escrow.commands import (
    Cancel,
    Confirm,
    CreateEscrow,
    JoinEscrow,
    Role,
)
from core.escrow.notices import notify_parties
from core.escrow.parties import locked, party_escrow, person
from core.escrow.results import ActionResult
from core.escrow.states import Event, State
from core.escrow.text import clean_text
from core.logs import get_logger, log_context
from core.money import check_amount
from core.payments.vpa import mask_vpa, parse_vpa

log = get_logger("trustpay.escrow")
CODE_ATTEMPTS = 20


@retry_on_conflict
async def create_escrow(cmd: CreateEscrow, deps: Deps) -> Escrow:
    """Open an escrow with the creator as payer or payee; the result carries its code.

    Raises InputError (amount, description, UPI id) and ForbiddenError (banned, too many open).
    """
    policy = deps.policy
    amount = check_amount(cmd.amount_paise, policy.limits)
    description = clean_text(cmd.description, policy.description_max_length, "description")
    upi_id = parse_vpa(cmd.upi_id) if cmd.upi_id else None
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await person(uow, cmd.actor, now)
        upi_id = upi_id or (user.upi_id if cmd.role is Role.PAYEE else None)
        if cmd.role is Role.PAYEE and not upi_id:
            raise InputError("vpa.required")
        if await uow.escrows.count_open_for(user.id) >= policy.max_open_escrows_per_user:
            raise ForbiddenError("escrow.too_many_open", limit=policy.max_open_escrows_per_user)
        is_payer = cmd.role is Role.PAYER
        escrow = Escrow(
            code=await _free_code(uow),
            code_active=True,
            name=new_friendly_name(),
            description=description,
            amount_paise=amount,
            fee_paise=0,
            state=State.AWAITING_PARTNER.value,
            creator_id=user.id,
            creator_role=cmd.role.value,
            payer_id=user.id if is_payer else None,
            payee_id=None if is_payer else user.id,
            payer_vpa=upi_id if is_payer else None,
            payee_vpa=None if is_payer else upi_id,
            payment_ref=f"TP{secrets.token_hex(8).upper()}",
            status_token=new_status_token(),
            created_at=now,
            updated_at=now,
            expires_at=now + policy.code_ttl,
            payment_retry_count=0,
            version=1,
        )
        uow.escrows.add(escrow)
        await uow.session.flush()
        if upi_id:
            user.upi_id = upi_id
        with log_context(
            escrow_id=escrow.id, code=escrow.code, user_id=user.id, amount_paise=amount
        ):
            await audit.append(
                uow.session,
                event_type="escrow.created",
                status=escrow.state,
                now=now,
                escrow_id=escrow.id,
                amount_paise=amount,
                payload={
                    "code": escrow.code,
                    "creator_role": cmd.role.value,
                    "upi_id": mask_vpa(upi_id) if upi_id else None,
                },
            )
            await uow.commit()
            log.info("escrow.created", role=cmd.role.value)
    return escrow


@retry_on_conflict
async def join_escrow(cmd: JoinEscrow, deps: Deps) -> Escrow:
    """Join an escrow by its code as the other party.

    Raises InputError (code, UPI id), RateLimitedError (too many wrong codes), NotFoundError,
    ForbiddenError (own escrow, banned) and ConflictError (taken, closed, expired).
    """
    now = deps.clock.now()
    upi_id = parse_vpa(cmd.upi_id) if cmd.upi_id else None
    async with deps.uow() as uow:
        user = await person(uow, cmd.actor, now)
        await _check_join_rate(uow, user, now, deps)
        code = normalise_code(cmd.code)
        found = await uow.escrows.by_active_code(code)
        if found is None:
            uow.join_attempts.add(user.id, code, False, now)
            await uow.commit()
            raise NotFoundError(code=code)
        escrow = await locked(uow, found.id)
        with log_context(escrow_id=escrow.id, code=code, user_id=user.id):
            _check_joinable(escrow, user, now)
            role = Role(escrow.creator_role).other
            upi_id = upi_id or (user.upi_id if role is Role.PAYEE else None)
            if role is Role.PAYEE and not upi_id:
                raise InputError("vpa.required_to_join", code=code)
            party = (
                {"payee_id": user.id, "payee_vpa": upi_id}
                if role is Role.PAYEE
                else {"payer_id": user.id, "payer_vpa": upi_id}
            )
            await uow.escrows.transition(
                escrow,
                Event.PARTNER_JOINED,
                now,
                joined_at=now,
                payment_due_at=now + deps.policy.payment_window,
                **party,
            )
            uow.join_attempts.add(user.id, code, True, now)
            if upi_id:
                user.upi_id = upi_id
            await audit.append(
                uow.session,
                event_type="escrow.joined",
                status=escrow.state,
                now=now,
                escrow_id=escrow.id,
                amount_paise=escrow.amount_paise,
                payload={"joiner_role": role.value},
            )
            await notify_parties(uow, escrow, "partner_joined", now, skip_user_id=user.id)
            collect_intent = await activation.start(uow, deps, escrow, now)
            await uow.commit()
            log.info("escrow.joined", role=role.value)
    try:
        await activation.request_payment(collect_intent, deps)
    except Exception:  # committed: the retry job asks again
        log.exception("payment.request_crashed", escrow_id=escrow.id)
    return escrow


@retry_on_conflict
async def confirm_release(cmd: Confirm, deps: Deps) -> ActionResult:
    """Record a party's "deal done"; when both have confirmed, the payout starts.

    Raises NotFoundError and ConflictError (not HELD).
    """
    now = deps.clock.now()
    intents: list[int] = []
    async with deps.uow() as uow:
        user, escrow, role = await party_escrow(uow, cmd.actor, cmd.code, now)
        with log_context(escrow_id=escrow.id, code=escrow.code, user_id=user.id):
            if escrow.state != State.HELD:
                raise ConflictError("confirm.not_now", state=escrow.state)
            if not await uow.confirmations.add(escrow, user.id, role, "release", now):
                return ActionResult(escrow, changed=False)
            await audit.append(
                uow.session,
                event_type="escrow.confirmed",
                status=escrow.state,
                now=now,
                escrow_id=escrow.id,
                payload={"role": role},
            )
            if await uow.confirmations.roles(escrow.id, "release") == {"payer", "payee"}:
                intents = await transfers.start_release(
                    uow, deps, escrow, Event.BOTH_CONFIRMED, now
                )
            else:
                await notify_parties(
                    uow, escrow, "partner_confirmed", now, skip_user_id=user.id, by=role
                )
            await uow.commit()
            log.info("escrow.confirmed", role=role, releasing=bool(intents))
    if intents:
        crash_point("release.committed")
    await outbound.dispatch_all(intents, deps)
    return ActionResult(escrow, money_moving=bool(intents))


@retry_on_conflict
async def cancel_escrow(cmd: Cancel, deps: Deps) -> ActionResult:
    """Cancel by the rules of the current state; a held escrow is refunded.

    Before payment the creator (or, once joined, either party) cancels outright. Once money is
    held, the payee's cancel refunds the payer; the payer's cancel is a request the payee must
    accept (or a dispute). Raises NotFoundError and ConflictError.
    """
    now = deps.clock.now()
    reason = clean_text(cmd.reason, 500, "reason", required=False)
    intents: list[int] = []
    async with deps.uow() as uow:
        user, escrow, role = await party_escrow(uow, cmd.actor, cmd.code, now)
        with log_context(escrow_id=escrow.id, code=escrow.code, user_id=user.id):
            state = State(escrow.state)
            if state is State.AWAITING_PARTNER or state is State.AWAITING_PAYMENT:
                event = (
                    Event.CREATOR_CANCELLED
                    if state is State.AWAITING_PARTNER
                    else Event.PARTY_CANCELLED
                )
                await uow.escrows.transition(escrow, event, now, code_active=False)
                await notify_parties(
                    uow, escrow, "cancelled", now, skip_user_id=user.id, by=role, reason=reason
                )
            elif state is State.HELD and role == "payee":
                asked = "payer" in await uow.confirmations.roles(escrow.id, "cancel")
                event = Event.BOTH_AGREED_TO_CANCEL if asked else Event.PAYEE_CANCELLED
                intents = await transfers.start_refund(uow, deps, escrow, event, now)
            elif state is State.HELD:
                if not await uow.confirmations.add(escrow, user.id, role, "cancel", now):
                    return ActionResult(escrow, changed=False)
                await notify_parties(
                    uow, escrow, "cancel_requested", now, only="payee", reason=reason
                )
            else:
                raise ConflictError("cancel.not_now", state=escrow.state)
            await audit.append(
                uow.session,
                event_type="escrow.cancel",
                status=escrow.state,
                now=now,
                escrow_id=escrow.id,
                payload={"role": role, "gave_reason": bool(reason)},
            )
            await uow.commit()
            log.info("escrow.cancel", role=role, state=escrow.state)
    if intents:
        crash_point("refund.committed")
    await outbound.dispatch_all(intents, deps)
    return ActionResult(escrow, money_moving=bool(intents))


async def _free_code(uow: UnitOfWork) -> str:
    for _ in range(CODE_ATTEMPTS):
        code = new_code()
        if not await uow.escrows.code_in_use(code):
            return code
    raise ConflictError("error.try_again", "no free code found")


async def _check_join_rate(uow: UnitOfWork, user: User, now: datetime, deps: Deps) -> None:
    window = deps.policy.join_window
    failures = await uow.join_attempts.failures_since(user.id, now - window)
    if len(failures) >= deps.policy.join_attempts_per_hour:
        wait = failures[-deps.policy.join_attempts_per_hour] + window - now
        raise RateLimitedError(max(1, int(wait.total_seconds())))


def _check_joinable(escrow: Escrow, user: User, now: datetime) -> None:
    if escrow.creator_id == user.id:
        raise ForbiddenError("join.own_escrow", code=escrow.code)
    if escrow.role_of(user.id) is not None:
        raise ConflictError("join.already_joined", code=escrow.code, state=escrow.state)
    if escrow.state != State.AWAITING_PARTNER:
        raise ConflictError("join.not_open", code=escrow.code, state=escrow.state)
    if escrow.expires_at <= now:
        raise ConflictError("join.expired", code=escrow.code)


def new_status_token() -> str:
    """The public status page's key: 192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)
