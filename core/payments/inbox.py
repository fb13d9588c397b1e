"""The gateway event inbox: store first, then process once.

A verified webhook is inserted with its provider's event id (unique), acknowledged, and then
processed. `handled_at` is set only when processing succeeds; a failure leaves the event for
the retry job with backoff. Processing is idempotent too: the same payment reported under
another event id, or again after a restart, changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from core.db.models import InboxEvent
from core.db.statements import insert_or_ignore, skip_locked
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.logs import get_logger, log_context

log = get_logger("trustpay.inbox")
Handler = Callable[[dict[str, Any], Deps], Awaitable[bool]]
MAX_ERROR = 500


async def receive(
    uow: UnitOfWork, provider: str, event_id: str, event_type: str, raw: str, now: datetime
) -> int | None:
    """Store a verified event; its inbox id, or None if this event id was seen before."""
    values = {
        "provider": provider,
        "event_id": event_id[:128],
        "event_type": event_type[:64],
        "payload": raw,
        "received_at": now,
        "attempts": 0,
        "next_attempt_at": now,
    }
    return await insert_or_ignore(uow.session, InboxEvent, values, ["provider", "event_id"])


async def process(inbox_id: int, handler: Handler, deps: Deps) -> bool:
    """Run `handler` on one stored event; True when it is handled (now or before).

    The handler returns False when the event cannot be settled yet (the gateway's status API
    lags behind its webhook); it raises on failure. Either way the event is tried again later.
    """
    async with deps.uow() as uow:
        event = await uow.session.get(InboxEvent, inbox_id)
        if event is None or event.handled_at is not None:
            return event is not None
        payload, provider, event_type = event.payload, event.provider, event.event_type
    with log_context(inbox_id=inbox_id, provider=provider, event_type=event_type):
        try:
            done = await handler(json.loads(payload), deps)
            error = None if done else "not settled yet"
        except Exception as exc:  # recorded and retried; the webhook was already acknowledged
            log.exception("inbox.failed")
            done, error = False, f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
        await _finish(inbox_id, deps, done, error)
    return done


async def _finish(inbox_id: int, deps: Deps, done: bool, error: str | None) -> None:
    now = deps.clock.now()
    async with deps.uow() as uow:
        event = await uow.session.get(InboxEvent, inbox_id, with_for_update=True)
        if event is None or event.handled_at is not None:
            return
        event.attempts += 1
        if done:
            event.handled_at, event.last_error = now, None
        else:
            event.last_error = error
            event.next_attempt_at = now + deps.policy.backoff(event.attempts, deps.rng)
        await uow.commit()


async def process_due(handlers: Mapping[str, Handler], deps: Deps, limit: int = 100) -> int:
    """Job body: retry unhandled events that are due (for providers we have handlers for)."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        query = (
            select(InboxEvent.id, InboxEvent.provider)
            .where(InboxEvent.handled_at.is_(None), InboxEvent.provider.in_(list(handlers)))
            .where(or_(InboxEvent.next_attempt_at.is_(None), InboxEvent.next_attempt_at <= now))
            .order_by(InboxEvent.id)
            .limit(limit)
        )
        due = (await uow.session.execute(skip_locked(uow.session, query))).all()
    for inbox_id, provider in due:
        await process(inbox_id, handlers[provider], deps)
    return len(due)
