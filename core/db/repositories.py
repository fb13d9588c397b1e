"""Repositories: the queries the use cases need, named for what they mean."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.models import (
    Alert,
    Confirmation,
    Dispute,
    Escrow,
    JoinAttempt,
    MoneyIntent,
    Payment,
    User,
)
from core.db.statements import insert_or_ignore, skip_locked, upsert
from core.errors import LostRaceError
from core.escrow import money_states, states
from core.escrow.commands import Actor
from core.escrow.money_states import (
    LIVE,
    IntentEvent,
    IntentStatus,
    PaymentEvent,
    PaymentStatus,
)
from core.escrow.states import Event, State
from core.escrow.text import strip_controls


class Users:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def upsert(self, actor: Actor, now: datetime) -> User:
        """Create or refresh the person's row from what Telegram told us; return it."""
        values = {
            "telegram_id": actor.telegram_id,
            "first_name": strip_controls(actor.first_name, 128),
            "username": strip_controls(actor.username or "", 64) or None,
            "language": actor.language if actor.language in ("en", "hi") else "en",
            "created_at": now,
            "updated_at": now,
        }
        await upsert(
            self.session, User, values, ["telegram_id"], ["first_name", "username", "updated_at"]
        )
        user = await self.by_telegram_id(actor.telegram_id)
        assert user is not None
        return user

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def by_username(self, username: str) -> User | None:
        query = select(User).where(func.lower(User.username) == username.lower())
        return (await self.session.execute(query)).scalars().first()

    async def by_telegram_id(self, telegram_id: int) -> User | None:
        query = select(User).where(User.telegram_id == telegram_id)
        return (await self.session.execute(query)).scalar_one_or_none()


class Escrows:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, escrow: Escrow) -> None:
        self.session.add(escrow)

    async def get(self, escrow_id: int, *, lock: bool = False) -> Escrow | None:
        """The escrow by id; `lock` takes its row lock (SELECT ... FOR UPDATE) for this txn."""
        query = (
            select(Escrow).where(Escrow.id == escrow_id).execution_options(populate_existing=True)
        )
        if lock:  # FOR NO KEY UPDATE: rows that only reference the escrow need not wait
            query = query.with_for_update(key_share=True)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def for_party(self, code: str, user_id: int) -> Escrow | None:
        """The newest escrow with this code that the user is part of (active or not)."""
        query = (
            select(Escrow)
            .where(Escrow.code == code)
            .where(or_(Escrow.payer_id == user_id, Escrow.payee_id == user_id))
            .order_by(Escrow.created_at.desc(), Escrow.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_active_code(self, code: str) -> Escrow | None:
        query = select(Escrow).where(Escrow.code == code, Escrow.code_active.is_(True))
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_code(self, code: str) -> Escrow | None:
        """For support: the active escrow with this code, else the newest one."""
        query = (
            select(Escrow)
            .where(Escrow.code == code)
            .order_by(Escrow.code_active.desc(), Escrow.created_at.desc(), Escrow.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_payment_ref(self, reference: str) -> Escrow | None:
        query = select(Escrow).where(Escrow.payment_ref == reference)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def by_instance(self, instance_id: str) -> Escrow | None:
        """The escrow whose QR or collect request this is."""
        query = select(Escrow).where(
            or_(Escrow.setu_qr_id == instance_id, Escrow.setu_collect_id == instance_id)
        )
        return (await self.session.execute(query)).scalars().first()

    async def by_token(self, token: str) -> Escrow | None:
        query = select(Escrow).where(Escrow.status_token == token)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def count_by_state(self) -> dict[str, int]:
        """How many escrows are in each state (states with none are left out)."""
        found = await self.session.execute(
            select(Escrow.state, func.count()).group_by(Escrow.state)
        )
        return {str(state): int(n) for state, n in found.all()}

    async def code_in_use(self, code: str) -> bool:
        query = select(func.count()).where(Escrow.code == code, Escrow.code_active.is_(True))
        return bool((await self.session.execute(query)).scalar_one())

    async def count_open_for(self, user_id: int) -> int:
        terminal = [state.value for state in states.TERMINAL]
        query = select(func.count()).where(
            or_(Escrow.payer_id == user_id, Escrow.payee_id == user_id),
            Escrow.state.not_in(terminal),
        )
        return int((await self.session.execute(query)).scalar_one())

    async def list_for(self, user_id: int, limit: int = 20) -> Sequence[Escrow]:
        query = (
            select(Escrow)
            .where(or_(Escrow.payer_id == user_id, Escrow.payee_id == user_id))
            .order_by(Escrow.created_at.desc(), Escrow.id.desc())
            .limit(limit)
        )
        return (await self.session.execute(query)).scalars().all()

    async def transition(
        self, escrow: Escrow, event: Event, now: datetime, **changes: Any
    ) -> State:
        """Move the escrow along the table with a guarded UPDATE; raise LostRaceError if beaten.

        `changes` are further columns written in the same statement.
        """
        expected = escrow.state
        target = states.apply(expected, event)
        if target in states.TERMINAL:
            changes.setdefault("closed_at", now)
        statement = (
            update(Escrow)
            .where(Escrow.id == escrow.id, Escrow.state == expected)
            .values(state=target.value, version=Escrow.version + 1, updated_at=now, **changes)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise LostRaceError(escrow.id, expected)
        await self.session.refresh(escrow)
        return target

    async def claim(self, *conditions: Any, limit: int = 100) -> list[int]:
        """Ids of escrows matching `conditions`, locked for this transaction (SKIP LOCKED)."""
        query = select(Escrow.id).where(*conditions).order_by(Escrow.id).limit(limit)
        return list((await self.session.execute(skip_locked(self.session, query))).scalars())


class Confirmations:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, escrow: Escrow, user_id: int, role: str, action: str, now: datetime
    ) -> bool:
        """Record a party's confirmation; False if this role had already given it."""
        values = {
            "escrow_id": escrow.id,
            "user_id": user_id,
            "role": role,
            "action": action,
            "confirmed_at": now,
        }
        new_id = await insert_or_ignore(
            self.session, Confirmation, values, ["escrow_id", "role", "action"]
        )
        return new_id is not None

    async def roles(self, escrow_id: int, action: str) -> set[str]:
        query = select(Confirmation.role).where(
            Confirmation.escrow_id == escrow_id, Confirmation.action == action
        )
        return set((await self.session.execute(query)).scalars())


class Payments:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, values: dict[str, Any]) -> int | None:
        """Insert a payment once per (provider, gateway_payment_id); None if already known."""
        return await insert_or_ignore(
            self.session, Payment, values, ["provider", "gateway_payment_id"]
        )

    async def by_gateway_id(self, provider: str, gateway_payment_id: str) -> Payment | None:
        query = (
            select(Payment)
            .where(Payment.provider == provider, Payment.gateway_payment_id == gateway_payment_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def transition(
        self, payment: Payment, event: PaymentEvent, now: datetime, **changes: Any
    ) -> PaymentStatus:
        """Move the payment along its table with a guarded UPDATE (LostRaceError if beaten)."""
        target = money_states.apply_payment(payment.status, event)
        await _guarded(self.session, payment, payment.status, target, now, changes)
        return target

    async def by_id(self, payment_id: int) -> Payment | None:
        """The payment, locked for this transaction."""
        query = (
            select(Payment)
            .where(Payment.id == payment_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def held_for(self, escrow_id: int) -> Payment | None:
        query = select(Payment).where(
            Payment.escrow_id == escrow_id, Payment.status == PaymentStatus.HELD
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def for_escrow(self, escrow_id: int) -> Sequence[Payment]:
        query = select(Payment).where(Payment.escrow_id == escrow_id).order_by(Payment.id)
        return (await self.session.execute(query)).scalars().all()


class Intents:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, intent: MoneyIntent) -> MoneyIntent:
        self.session.add(intent)
        await self.session.flush()
        return intent

    async def get(self, intent_id: int) -> MoneyIntent | None:
        query = (
            select(MoneyIntent)
            .where(MoneyIntent.id == intent_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def transition(
        self, intent: MoneyIntent, event: IntentEvent, now: datetime, **changes: Any
    ) -> IntentStatus:
        """Move the intent along its table with a guarded UPDATE (LostRaceError if beaten).

        `changes` are further columns written in the same statement.
        """
        target = money_states.apply_intent(intent.status, event)
        await _guarded(self.session, intent, intent.status, target, now, changes)
        return target

    async def claim_send(self, intent_id: int, now: datetime, lease_until: datetime) -> bool:
        """Mark an intent as being sent now, if the lease taken until `lease_until` is still
        ours and long enough for the call; False means: do not send."""
        statement = (
            update(MoneyIntent)
            .where(
                MoneyIntent.id == intent_id,
                MoneyIntent.status.in_((IntentStatus.PENDING, IntentStatus.UNKNOWN)),
                MoneyIntent.leased_until == lease_until,
            )
            .values(status=IntentStatus.UNKNOWN, last_sent_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def lease(self, intent_id: int, now: datetime, until: datetime) -> bool:
        """Take the right to call the provider for this intent until `until`; False if taken."""
        statement = (
            update(MoneyIntent)
            .where(
                MoneyIntent.id == intent_id,
                MoneyIntent.status.in_(LIVE),
                MoneyIntent.next_attempt_at <= now,
                or_(MoneyIntent.leased_until.is_(None), MoneyIntent.leased_until <= now),
            )
            .values(leased_until=until, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def due(self, now: datetime, limit: int = 50) -> list[tuple[int, str]]:
        """(id, kind) of intents whose next provider call is due and not leased."""
        query = (
            select(MoneyIntent.id, MoneyIntent.kind)
            .where(
                MoneyIntent.status.in_(LIVE),
                MoneyIntent.next_attempt_at <= now,
                or_(MoneyIntent.leased_until.is_(None), MoneyIntent.leased_until <= now),
            )
            .order_by(MoneyIntent.next_attempt_at)
            .limit(limit)
        )
        rows = (await self.session.execute(skip_locked(self.session, query))).all()
        return [(intent_id, kind) for intent_id, kind in rows]

    async def for_escrow(self, escrow_id: int) -> Sequence[MoneyIntent]:
        query = (
            select(MoneyIntent).where(MoneyIntent.escrow_id == escrow_id).order_by(MoneyIntent.id)
        )
        return (await self.session.execute(query)).scalars().all()


async def _guarded(
    session: AsyncSession,
    row: MoneyIntent | Payment,
    expected: str,
    target: str,
    now: datetime,
    changes: dict[str, Any],
) -> None:
    """UPDATE row SET status = target ... WHERE id = row.id AND status = expected."""
    model = type(row)
    statement = (
        update(model)
        .where(model.id == row.id, model.status == expected)
        .values(status=str(target), updated_at=now, **changes)
        .execution_options(synchronize_session=False)
    )
    result = await session.execute(statement)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LostRaceError(row.id, expected, what=model.__tablename__)
    await session.refresh(row)


class Disputes:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, dispute: Dispute) -> None:
        self.session.add(dispute)

    async def open_for(self, escrow_id: int) -> Dispute | None:
        query = select(Dispute).where(Dispute.escrow_id == escrow_id, Dispute.resolved_at.is_(None))
        return (await self.session.execute(query)).scalar_one_or_none()


class Alerts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, alert: Alert) -> None:
        self.session.add(alert)

    async def open(self, limit: int = 50) -> Sequence[Alert]:
        """Unresolved alerts, newest first."""
        return [alert for alert, _ in await self.open_with_codes(limit)]

    async def open_with_codes(self, limit: int = 50) -> list[tuple[Alert, str | None]]:
        """Unresolved alerts, newest first, each with its escrow's code (if it has an escrow)."""
        query = (
            select(Alert, Escrow.code)
            .outerjoin(Escrow, Escrow.id == Alert.escrow_id)
            .where(Alert.resolved_at.is_(None))
            .order_by(Alert.id.desc())
            .limit(limit)
        )
        return [(alert, code) for alert, code in (await self.session.execute(query)).all()]

    async def count_open(self) -> int:
        query = select(func.count()).select_from(Alert).where(Alert.resolved_at.is_(None))
        return int(await self.session.scalar(query) or 0)


class JoinAttempts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, user_id: int, code: str, succeeded: bool, now: datetime) -> None:
        self.session.add(
            JoinAttempt(
                user_id=user_id, code_tried=code[:16], succeeded=succeeded, attempted_at=now
            )
        )

    async def failures_since(self, user_id: int, since: datetime) -> list[datetime]:
        query = (
            select(JoinAttempt.attempted_at)
            .where(
                JoinAttempt.user_id == user_id,
                JoinAttempt.succeeded.is_(False),
                JoinAttempt.attempted_at >= since,
            )
            .order_by(JoinAttempt.attempted_at)
        )
        return list((await self.session.execute(query)).scalars())
