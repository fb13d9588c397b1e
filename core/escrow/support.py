"""Support's money actions: recording a payout made by hand, paying a reversed payout again.

Every use case here checks that the actor is support (ADMIN_TELEGRAM_IDS); `actor=None`
means an operator at the `trustpay` command line, who is trusted by having shell access.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from core import audit, ledger
from core.db.models import Escrow, MoneyIntent
from core.db.retry import retry_on_conflict
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from core.escrow import outbound, transfers
from core.escrow.codes import normalise_code
from core.escrow.commands import Actor
from core.escrow.ports import TransferState, TransferStatus
from core.logs import get_logger, log_context
from core.payments.vpa import mask_vpa, parse_vpa

log = get_logger("trustpay.support")
_UTR = re.compile(r"^[A-Za-z0-9]{6,35}$")


@dataclass(frozen=True, slots=True)
class RecordManualPayout:
    actor: Actor | None
    code: str
    utr: str


@dataclass(frozen=True, slots=True)
class RepayReversedPayout:
    actor: Actor | None
    code: str
    upi_id: str | None = None  # the payee's new UPI id, if the old one stopped working


async def record_manual_payout(cmd: RecordManualPayout, deps: Deps) -> Escrow:
    """Support paid the payee by hand: record the UTR and finish the escrow like any payout.

    Raises ForbiddenError, InputError (UTR), NotFoundError, ConflictError (no manual payout due).
    """
    _check_support(cmd.actor, deps)
    utr = cmd.utr.strip().upper()
    if not _UTR.match(utr):
        raise InputError("utr.invalid", "a UTR is 6 to 35 letters and digits")
    now = deps.clock.now()
    async with deps.uow() as uow:
        escrow = await _escrow(uow, cmd.code)
        intent = await _live_intent(uow, escrow, transfers.PAYOUT_KINDS)
        if intent is None or intent.provider != "manual":
            raise ConflictError(
                "payout_done.nothing_due",
                "no manual payout is waiting for this escrow",
                state=escrow.state,
            )
        await audit.append(
            uow.session,
            event_type="payout.manual_recorded",
            status=escrow.state,
            now=now,
            escrow_id=escrow.id,
            gateway_ref=utr,
            amount_paise=intent.amount_paise,
            payload={"by": _who(cmd.actor)},
        )
        await uow.commit()
        intent_id, provider_ref = intent.id, intent.provider_ref
    with log_context(escrow_id=escrow.id, code=escrow.code, intent_id=intent_id):
        done = TransferStatus(TransferState.SUCCEEDED, provider_ref, utr=utr)
        await outbound.apply_status(intent_id, done, deps)
        log.info("payout.manual_recorded")
    return escrow


@retry_on_conflict
async def repay_reversed_payout(cmd: RepayReversedPayout, deps: Deps) -> Escrow:
    """Pay again what a reversed payout brought back (to a new UPI id if one is given).

    Raises ForbiddenError, InputError (UPI id), NotFoundError, ConflictError (nothing owed, or
    a re-payment already under way).
    """
    _check_support(cmd.actor, deps)
    upi_id = parse_vpa(cmd.upi_id) if cmd.upi_id else None
    now = deps.clock.now()
    async with deps.uow() as uow:
        escrow = await _escrow(uow, cmd.code, lock=True)
        totals = await ledger.kind_totals(uow.session, escrow.id)
        owed = totals.get(ledger.Kind.REVERSED, 0) - totals.get(ledger.Kind.REPAID, 0)
        if owed <= 0:
            raise ConflictError(
                "repay.nothing_owed",
                "no reversed payout is waiting to be paid again",
                state=escrow.state,
            )
        if await _live_intent(uow, escrow, ("repayout",)) is not None:
            raise ConflictError(
                "repay.in_progress", "a re-payment is already on its way", state=escrow.state
            )
        if upi_id:
            escrow.payee_vpa, escrow.updated_at = upi_id, now
        intent = await transfers.new_intent(
            uow, deps, "repayout", owed, destination=escrow.payee_vpa or "", now=now, escrow=escrow
        )
        await audit.append(
            uow.session,
            event_type="repayout.started",
            status=escrow.state,
            now=now,
            escrow_id=escrow.id,
            amount_paise=owed,
            payload={
                "by": _who(cmd.actor),
                "intent_id": intent.id,
                "upi_id": mask_vpa(escrow.payee_vpa or ""),
            },
        )
        await uow.commit()
    await outbound.dispatch_all([intent.id], deps)
    return escrow


def _check_support(actor: Actor | None, deps: Deps) -> None:
    if actor is not None and not deps.policy.is_admin(actor.telegram_id):
        raise ForbiddenError("admin.only")


def _who(actor: Actor | None) -> str:
    return f"telegram:{actor.telegram_id}" if actor else "operator"


async def _escrow(uow: UnitOfWork, code_text: str, *, lock: bool = False) -> Escrow:
    found = await uow.escrows.by_code(normalise_code(code_text))
    if found is None:
        raise NotFoundError(code=code_text.strip().upper()[:12])
    escrow = await uow.escrows.get(found.id, lock=lock) if lock else found
    assert escrow is not None
    return escrow


async def _live_intent(
    uow: UnitOfWork, escrow: Escrow, kinds: tuple[str, ...]
) -> MoneyIntent | None:
    query = select(MoneyIntent).where(
        MoneyIntent.escrow_id == escrow.id,
        MoneyIntent.kind.in_(kinds),
        MoneyIntent.status.in_(transfers.LIVE),
    )
    return (await uow.session.execute(query)).scalars().first()
