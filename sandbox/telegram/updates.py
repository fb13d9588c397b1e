"""The bot's update queue: what users did, waiting for getUpdates or the webhook.

Updates stay queued until confirmed: by a getUpdates `offset` past them, or by a webhook
delivery. As on Telegram, only one getUpdates may wait at a time; a newer call (or setWebhook)
ends the waiting one with 409 Conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.telegram.errors import ConflictError
from sandbox.telegram.models import Json
from sandbox.telegram.runtime import Signal, deadline_in, seconds_until


@dataclass(frozen=True)
class Update:
    update_id: int
    kind: str  # "message" | "callback_query"
    body: Json

    def json(self) -> Json:
        return {"update_id": self.update_id, self.kind: self.body}


class UpdateQueue:
    def __init__(self) -> None:
        self.pending: list[Update] = []
        self.allowed: list[str] = []  # [] means every kind
        self.changed = Signal()
        self.closed = False
        self._next_id = 1  # survives clear(): a polling bot's offset must stay meaningful
        self._poll = 0
        self._terminated_by = ""

    def push(self, kind: str, body: Json) -> Update | None:
        """Queue an update, unless the bot asked not to receive its kind (then it is lost)."""
        update = Update(self._next_id, kind, body)
        self._next_id += 1
        if self.allowed and kind not in self.allowed:
            return None
        self.pending.append(update)
        self.changed.notify()
        return update

    def confirm(self, offset: int) -> None:
        """Forget updates before `offset`; a negative offset keeps only the last -offset."""
        if offset > 0:
            self.pending = [u for u in self.pending if u.update_id >= offset]
        elif offset < 0:
            self.pending = self.pending[offset:]

    def forget(self, update: Update) -> None:
        self.pending = [u for u in self.pending if u.update_id != update.update_id]

    def drop_pending(self) -> None:
        self.pending.clear()

    def terminate_polls(self, by: str) -> None:
        self._poll += 1
        self._terminated_by = f"terminated by {by}"
        self.changed.notify()

    def close(self) -> None:
        self.closed = True
        self.changed.notify()

    async def poll(self, offset: int | None, limit: int, seconds: float) -> list[Update]:
        """Updates from `offset` on, waiting up to `seconds` for the first one."""
        if offset is not None:
            self.confirm(offset)
        self.terminate_polls(
            "other getUpdates request; make sure that only one bot instance is running"
        )
        ticket, deadline = self._poll, deadline_in(seconds)
        while True:
            if ticket != self._poll:
                raise ConflictError(self._terminated_by)
            if self.pending or self.closed or seconds_until(deadline) <= 0:
                return self.pending[:limit]
            await self.changed.wait(seconds_until(deadline))
