"""What a person sees of an escrow: plain data for a chat card, a status page or a receipt.

`view_escrow` and `list_escrows` only show escrows to their parties (and to support). The
view names the next step for the person looking, so every entry point says the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core import anchoring, ledger
from core.db.models import Escrow, PaymentLog, User
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import NotFoundError
from core.escrow.codes import normalise_code
from core.escrow.commands import Actor
from core.escrow.states import State
from core.money import fee_for
from core.payments.vpa import mask_vpa

STATE_NAMES = frozenset(state.value for state in State)


@dataclass(frozen=True, slots=True)
class EscrowView:
    id: int
    code: str
    name: str
    description: str
    amount_paise: int
    fee_paise: int
    state: str
    role: str | None  # the viewer's role: payer | payee | None (support)
    creator_role: str
    payer_name: str | None
    payee_name: str | None
    payee_upi: str | None  # masked
    intent_link: str | None
    status_token: str
    created_at: datetime
    expires_at: datetime
    payment_due_at: datetime | None
    inspection_ends_at: datetime | None
    closed_at: datetime | None
    resolution: str | None
    payee_share_paise: int | None
    confirmed: frozenset[str] = field(default_factory=frozenset)  # roles that said "deal done"
    cancel_requested: bool = False  # the payer asked to call it off (HELD)
    holding_paise: int = 0

    @property
    def payout_paise(self) -> int:
        share = self.payee_share_paise if self.resolution == "split" else self.amount_paise
        return (share or 0) - self.fee_paise

    def next_step(self) -> str:
        """Catalogue key of what happens next, from where this viewer stands."""
        state = State(self.state)
        if state is State.AWAITING_PARTNER:
            return "next.share_code"
        if state is State.AWAITING_PAYMENT:
            return "next.payer_pays" if self.role == "payer" else "next.wait_for_payment"
        if state is State.HELD:
            if self.role and self.role in self.confirmed:
                return "next.wait_for_other_confirm"
            return "next.payee_delivers" if self.role == "payee" else "next.payer_checks"
        return f"next.{state.value.lower()}"


async def build_view(
    uow: UnitOfWork, escrow: Escrow, viewer_id: int | None, fee_bps: int = 0
) -> EscrowView:
    """The view; until a resolution fixes the fee, it shows the fee the policy would take."""
    payer = await uow.users.get(escrow.payer_id) if escrow.payer_id else None
    payee = await uow.users.get(escrow.payee_id) if escrow.payee_id else None
    return EscrowView(
        id=escrow.id,
        code=escrow.code,
        name=escrow.name,
        description=escrow.description,
        amount_paise=escrow.amount_paise,
        fee_paise=escrow.fee_paise if escrow.resolution else fee_for(escrow.amount_paise, fee_bps),
        state=escrow.state,
        role=escrow.role_of(viewer_id) if viewer_id else None,
        creator_role=escrow.creator_role,
        payer_name=_name(payer),
        payee_name=_name(payee),
        payee_upi=mask_vpa(escrow.payee_vpa) if escrow.payee_vpa else None,
        intent_link=escrow.intent_link,
        status_token=escrow.status_token,
        created_at=escrow.created_at,
        expires_at=escrow.expires_at,
        payment_due_at=escrow.payment_due_at,
        inspection_ends_at=escrow.inspection_ends_at,
        closed_at=escrow.closed_at,
        resolution=escrow.resolution,
        payee_share_paise=escrow.payee_share_paise,
        confirmed=frozenset(await uow.confirmations.roles(escrow.id, "release")),
        cancel_requested="payer" in await uow.confirmations.roles(escrow.id, "cancel"),
        holding_paise=await ledger.holding_balance(uow.session, escrow.id),
    )


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.first_name or (f"@{user.username}" if user.username else f"#{user.telegram_id}")


async def view_escrow(actor: Actor, code: str, deps: Deps) -> EscrowView:
    """The escrow with this code as `actor` sees it. Raises InputError (code), NotFoundError."""
    normalised = normalise_code(code)
    async with deps.uow() as uow:
        user = await uow.users.upsert(actor, deps.clock.now())
        escrow = await uow.escrows.for_party(normalised, user.id)
        if escrow is None and deps.policy.is_admin(actor.telegram_id):
            escrow = await uow.escrows.by_code(normalised)
        if escrow is None:
            raise NotFoundError(code=normalised)
        view = await build_view(uow, escrow, user.id, deps.policy.fee_bps)
        await uow.commit()
    return view


async def view_by_id(actor: Actor, escrow_id: int, deps: Deps) -> EscrowView:
    """As view_escrow, by id (for buttons); the same rule on who may look."""
    async with deps.uow() as uow:
        user = await uow.users.upsert(actor, deps.clock.now())
        escrow = await uow.escrows.get(escrow_id)
        allowed = escrow is not None and (
            escrow.role_of(user.id) is not None or deps.policy.is_admin(actor.telegram_id)
        )
        if escrow is None or not allowed:
            raise NotFoundError("error.escrow_gone")
        view = await build_view(uow, escrow, user.id, deps.policy.fee_bps)
        await uow.commit()
    return view


async def list_escrows(actor: Actor, deps: Deps, limit: int = 10) -> list[EscrowView]:
    """The person's escrows, newest first."""
    async with deps.uow() as uow:
        user = await uow.users.upsert(actor, deps.clock.now())
        escrows = await uow.escrows.list_for(user.id, limit)
        views = [await build_view(uow, escrow, user.id, deps.policy.fee_bps) for escrow in escrows]
        await uow.commit()
    return views


@dataclass(frozen=True, slots=True)
class Step:
    """One point on an escrow's timeline: it reached `state` at `at`."""

    state: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AuditAnchor:
    """Where the escrow's latest audit-log entry stands: anchored on the chain, or waiting."""

    entry_id: int
    block_number: int | None = None  # None: not anchored yet
    tx_hash: str | None = None


@dataclass(frozen=True, slots=True)
class PublicStatus:
    view: EscrowView
    timeline: list[Step]
    anchor: AuditAnchor | None = None


async def view_for_token(token: str, deps: Deps) -> EscrowView | None:
    """The public status page's view (no viewer): None for an unknown token."""
    status = await status_for_token(token, deps)
    return status.view if status else None


async def status_for_token(token: str, deps: Deps) -> PublicStatus | None:
    """What the public status page shows: the view and the states it went through, from the
    audit log (so the page and the log cannot disagree). None for an unknown token."""
    async with deps.uow() as uow:
        escrow = await uow.escrows.by_token(token)
        if escrow is None:
            return None
        view = await build_view(uow, escrow, None, deps.policy.fee_bps)
        query = (
            select(PaymentLog.status, PaymentLog.created_at)
            .where(PaymentLog.escrow_id == escrow.id)
            .order_by(PaymentLog.id)
        )
        timeline: list[Step] = []
        for state, at in (await uow.session.execute(query)).all():
            if state in STATE_NAMES and (not timeline or timeline[-1].state != state):
                timeline.append(Step(state, at))
        anchor = await _anchor_of_latest_entry(uow.session, escrow.id)
    return PublicStatus(view, timeline, anchor)


async def _anchor_of_latest_entry(session: AsyncSession, escrow_id: int) -> AuditAnchor | None:
    latest = await session.scalar(
        select(func.max(PaymentLog.id)).where(PaymentLog.escrow_id == escrow_id)
    )
    if latest is None:
        return None
    batch = await anchoring.anchor_of_entry(session, latest)
    if batch is None:
        return AuditAnchor(int(latest))
    return AuditAnchor(int(latest), batch.block_number, batch.tx_hash)


async def view_for_chat(escrow_id: int, chat_id: int, deps: Deps) -> EscrowView | None:
    """The escrow as the person with this Telegram chat sees it (for notifications)."""
    async with deps.uow() as uow:
        escrow = await uow.escrows.get(escrow_id)
        user = await uow.users.by_telegram_id(chat_id)
        if escrow is None:
            return None
        return await build_view(uow, escrow, user.id if user else None, deps.policy.fee_bps)
