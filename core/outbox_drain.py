"""Draining the notification outbox at a pace Telegram accepts.

Each tick (once a second) sends at most `per_tick` messages (Telegram: about 30/s overall),
at most one per chat, and only to chats that got nothing in the last second (Telegram: 1/s
per chat) — checked in the database, so several processes keep the per-chat pace together.
Messages of one chat go out in the order they were written. A 429 pauses the whole drain for
`retry_after`, as Telegram then refuses every call; a chat that blocked us is given up on.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from core.db.models import Notification
from core.db.statements import skip_locked
from core.deps import Deps
from core.escrow.ports import DONE_STEPS, DeliveryError, Notifier
from core.logs import get_logger

log = get_logger("trustpay.outbox")
PER_CHAT_GAP = timedelta(seconds=1)
CLAIM_LEASE = timedelta(seconds=30)  # a claimed row not finished by then is sent again
MAX_ATTEMPTS = 8


class Drain:
    """One per process: remembers a Telegram-wide pause between ticks."""

    def __init__(
        self, notifier: Notifier, per_tick: int = 30, per_chat_gap: timedelta = PER_CHAT_GAP
    ) -> None:
        self.notifier = notifier
        self.per_tick = per_tick
        self.per_chat_gap = per_chat_gap
        self.paused_until: datetime | None = None

    async def tick(self, deps: Deps) -> int:
        """Send what is due now; returns how many were delivered."""
        now = deps.clock.now()
        if self.paused_until and now < self.paused_until:
            return 0
        claimed = await _claim(deps, now, self.per_tick, self.per_chat_gap)
        sent = 0
        for row_id, chat_id, kind, payload in claimed:
            try:
                await self.notifier.deliver(chat_id, kind, json.loads(payload))
            except DeliveryError as exc:
                await _failed(deps, row_id, exc)
                if exc.retry_after:
                    self.paused_until = deps.clock.now() + timedelta(seconds=exc.retry_after)
                    await _release(deps, [c[0] for c in claimed if c[0] > row_id])
                    break
                continue
            except Exception as exc:  # a bug rendering one message must not stop the others
                log.exception("outbox.delivery_crashed", notification_id=row_id)
                await _failed(deps, row_id, DeliveryError(f"{type(exc).__name__}: {exc}"))
                continue
            await _sent(deps, row_id)
            sent += 1
        return sent


async def _claim(
    deps: Deps, now: datetime, limit: int, gap: timedelta
) -> list[tuple[int, int, str, str]]:
    """The oldest pending message of each chat that is due and may be sent now, leased."""
    older = aliased(Notification)
    recent = aliased(Notification)
    async with deps.uow() as uow:
        query = (
            select(Notification.id, Notification.chat_id, Notification.kind, Notification.payload)
            .where(Notification.status == "pending", Notification.next_attempt_at <= now)
            .where(
                ~exists().where(
                    and_(
                        older.chat_id == Notification.chat_id,
                        older.status == "pending",
                        older.id < Notification.id,
                    )
                )
            )
            .where(
                ~exists().where(
                    and_(recent.chat_id == Notification.chat_id, recent.sent_at > now - gap)
                )
            )
            .order_by(Notification.id)
            .limit(limit)
        )
        rows = [
            tuple(row) for row in (await uow.session.execute(skip_locked(uow.session, query))).all()
        ]
        for row_id, *_ in rows:
            notification = await uow.session.get(Notification, row_id)
            assert notification is not None
            notification.next_attempt_at = now + CLAIM_LEASE
            notification.attempts += 1
        await uow.commit()
    return rows


async def _sent(deps: Deps, row_id: int) -> None:
    async with deps.uow() as uow:
        notification = await uow.session.get(Notification, row_id)
        assert notification is not None
        notification.status, notification.sent_at, notification.last_error = (
            "sent",
            deps.clock.now(),
            None,
        )
        await uow.commit()


async def _failed(deps: Deps, row_id: int, exc: DeliveryError) -> None:
    now = deps.clock.now()
    async with deps.uow() as uow:
        notification = await uow.session.get(Notification, row_id)
        assert notification is not None
        notification.last_error = str(exc)[:500]
        if exc.done:
            payload = json.loads(notification.payload)
            notification.payload = json.dumps(payload | {DONE_STEPS: exc.done})
        if exc.permanent or notification.attempts >= MAX_ATTEMPTS:
            notification.status = "failed"
            log.warning("outbox.gave_up", notification_id=row_id, error=str(exc)[:200])
        else:
            wait = exc.retry_after or min(600.0, 2.0**notification.attempts)
            notification.next_attempt_at = now + timedelta(seconds=wait)
        await uow.commit()


async def _release(deps: Deps, row_ids: list[int]) -> None:
    """Claimed but not tried (we paused): due again at once when the pause ends."""
    if not row_ids:
        return
    async with deps.uow() as uow:
        for row_id in row_ids:
            notification = await uow.session.get(Notification, row_id)
            if notification is not None and notification.status == "pending":
                notification.next_attempt_at = deps.clock.now()
                notification.attempts = max(0, notification.attempts - 1)
        await uow.commit()


async def pending_count(deps: Deps) -> int:
    async with deps.uow() as uow:
        query = select(func.count()).where(Notification.status == "pending")
        return int((await uow.session.execute(query)).scalar_one())
