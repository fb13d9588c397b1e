"""Support's money actions: recording a payout made by hand, paying a reversed payout again.

Every use case here checks that the actor is support (ADMIN_TELEGRAM_IDS); `actor=None`
means an operator at the `trustpay` command line, who is trusted by having shell access.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from core import audit, ledger
from core.db.models import Alert, Escrow, LedgerEntry, LedgerTransaction, MoneyIntent, PaymentLog
from core.db.retry import retry_on_conflict
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from core.escrow import activation, outbound, transfers
from core.escrow.codes import normalise_code
from core.escrow.commands import Actor
from core.escrow.money_states import LIVE, PAYOUT_KINDS, IntentKind, IntentStatus
from core.escrow.ports import TransferState, TransferStatus
from core.escrow.states import State
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
        intent = await _live_intent(uow, escrow, PAYOUT_KINDS)
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
        if await _live_intent(uow, escrow, (IntentKind.REPAYOUT,)) is not None:
            raise ConflictError(
                "repay.in_progress", "a re-payment is already on its way", state=escrow.state
            )
        if upi_id:
            escrow.payee_vpa, escrow.updated_at = upi_id, now
        intent = await transfers.new_intent(
            uow,
            deps,
            IntentKind.REPAYOUT,
            owed,
            destination=escrow.payee_vpa or "",
            now=now,
            escrow=escrow,
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
    uow: UnitOfWork, escrow: Escrow, kinds: Iterable[IntentKind]
) -> MoneyIntent | None:
    query = select(MoneyIntent).where(
        MoneyIntent.escrow_id == escrow.id,
        MoneyIntent.kind.in_(kinds),
        MoneyIntent.status.in_(LIVE),
    )
    return (await uow.session.execute(query)).scalars().first()


@dataclass(frozen=True, slots=True)
class Stats:
    by_state: dict[str, int]
    held_paise: int
    released_paise: int
    open_alerts: int


async def stats(actor: Actor | None, deps: Deps) -> Stats:
    """Counts by state, money held now, money paid out, open alerts."""
    _check_support(actor, deps)
    async with deps.uow() as uow:
        by_state = await uow.escrows.count_by_state()
        released = await uow.session.scalar(
            select(func.coalesce(func.sum(LedgerEntry.amount_paise), 0))
            .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.txn_id)
            .where(LedgerTransaction.kind == ledger.Kind.RELEASE, LedgerEntry.side == "D")
        )
        return Stats(
            by_state=by_state,
            held_paise=await ledger.balance(uow.session, ledger.Account.ESCROW_HOLDING),
            released_paise=int(released or 0),
            open_alerts=await uow.alerts.count_open(),
        )


async def open_alerts(
    actor: Actor | None, deps: Deps, limit: int = 20
) -> list[tuple[Alert, str | None]]:
    """Unresolved alerts, newest first, each with its escrow's code."""
    _check_support(actor, deps)
    async with deps.uow() as uow:
        return await uow.alerts.open_with_codes(limit)


async def close_alert(actor: Actor | None, alert_id: int, deps: Deps) -> None:
    _check_support(actor, deps)
    async with deps.uow() as uow:
        alert = await uow.session.get(Alert, alert_id)
        if alert is None:
            raise NotFoundError("alert.not_found", alert_id=alert_id)
        alert.resolved_at = alert.resolved_at or deps.clock.now()
        await uow.commit()


@retry_on_conflict
async def retry_escrow(actor: Actor | None, code: str, deps: Deps) -> list[int]:
    """Make an escrow's stuck money step try again now: a waiting call is made at once; after
    the retries ran out, a fresh attempt (new key) is started. Returns the intents sent.

    A call that is in flight right now (its lease has not run out) is left alone: clearing
    the lease would let a second call race the first.

    Raises ForbiddenError, NotFoundError, ConflictError (nothing to retry, or already running).
    """
    _check_support(actor, deps)
    now = deps.clock.now()
    async with deps.uow() as uow:
        escrow = await _escrow(uow, code, lock=True)
        if escrow.state == State.PAYOUT_FAILED:  # the same UPI id would refuse it again
            raise ConflictError(
                "retry.needs_new_upi", "the payee must give a new UPI id", state=escrow.state
            )
        kinds = _retry_kinds(escrow)
        if not kinds:
            raise ConflictError("retry.nothing", "nothing to retry", state=escrow.state)
        due: list[int] = []
        for kind in kinds:
            live = await _live_intent(uow, escrow, (kind,))
            if live is not None and live.leased_until is not None and live.leased_until > now:
                continue
            if live is not None:
                live.next_attempt_at, live.leased_until, live.updated_at = now, None, now
                due.append(live.id)
            elif (
                last := await _last_intent(uow, escrow, kind)
            ) is not None and last.status == IntentStatus.FAILED:
                fresh = await transfers.new_intent(
                    uow,
                    deps,
                    kind,
                    last.amount_paise,
                    destination=last.destination or "",
                    now=now,
                    escrow=escrow,
                    payment_id=last.payment_id,
                    attempt=last.attempt + 1,
                )
                due.append(fresh.id)
        if not due:
            raise ConflictError("retry.in_flight", "a call is in flight", state=escrow.state)
        await audit.append(
            uow.session,
            event_type="support.retry",
            status=escrow.state,
            now=now,
            escrow_id=escrow.id,
            payload={"by": _who(actor), "intents": due},
        )
        await uow.commit()
    for intent_id in due:
        if (await _kind_of(intent_id, deps)) == IntentKind.COLLECT:
            await activation.request_payment(intent_id, deps)
        else:
            await outbound.dispatch(intent_id, deps)
    return due


def _retry_kinds(escrow: Escrow) -> tuple[IntentKind, ...]:
    state = State(escrow.state)
    if state is State.RELEASING:
        if escrow.resolution == "split":
            return (IntentKind.PAYOUT, IntentKind.REFUND)
        return (IntentKind.PAYOUT,)
    if state is State.REFUNDING:
        return (IntentKind.REFUND,)
    if state is State.AWAITING_PAYMENT and not escrow.setu_qr_id:
        return (IntentKind.COLLECT,)
    return ()


async def _last_intent(uow: UnitOfWork, escrow: Escrow, kind: IntentKind) -> MoneyIntent | None:
    query = (
        select(MoneyIntent)
        .where(MoneyIntent.escrow_id == escrow.id, MoneyIntent.kind == kind)
        .order_by(MoneyIntent.id.desc())
        .limit(1)
    )
    return (await uow.session.execute(query)).scalar_one_or_none()


async def _kind_of(intent_id: int, deps: Deps) -> str:
    async with deps.uow() as uow:
        intent = await uow.session.get(MoneyIntent, intent_id)
        return intent.kind if intent else ""


async def find(actor: Actor | None, query: str, deps: Deps) -> list[Escrow]:
    """Support's search: an escrow code, a @username or a Telegram id."""
    _check_support(actor, deps)
    text = query.strip()
    async with deps.uow() as uow:
        if text.isdigit() and len(text) > 15:  # no Telegram id is that long
            return []
        if text.startswith("@") or text.isdigit():
            user = (
                await uow.users.by_telegram_id(int(text))
                if text.isdigit()
                else await uow.users.by_username(text[1:])
            )
            return list(await uow.escrows.list_for(user.id, 10)) if user else []
        escrow = await uow.escrows.by_code(normalise_code(text))
        return [escrow] if escrow else []


async def payment_log(
    actor: Actor | None, escrow_id: int, deps: Deps, limit: int = 15
) -> list[PaymentLog]:
    """An escrow's latest audit entries, oldest first."""
    _check_support(actor, deps)
    async with deps.uow() as uow:
        query = (
            select(PaymentLog)
            .where(PaymentLog.escrow_id == escrow_id)
            .order_by(PaymentLog.id.desc())
            .limit(limit)
        )
        return list(reversed((await uow.session.execute(query)).scalars().all()))
