"""The notification outbox: messages written in the same transaction as the change they report.

A job drains it later (see core.jobs.drain_outbox), so a payment is never held up by Telegram
and a message is never sent for a change that rolled back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import canonical_json
from core.db.models import Notification
from core.db.statements import insert_or_ignore


async def enqueue(
    session: AsyncSession,
    *,
    chat_id: int,
    kind: str,
    now: datetime,
    escrow_id: int | None = None,
    payload: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Queue one message; with a `dedupe_key`, a second message with the same key is dropped."""
    values = {
        "chat_id": chat_id,
        "kind": kind,
        "payload": canonical_json(payload or {}),
        "escrow_id": escrow_id,
        "dedupe_key": dedupe_key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    if dedupe_key is None:
        session.add(Notification(**values))
        return True
    return await insert_or_ignore(session, Notification, values, ["dedupe_key"]) is not None
