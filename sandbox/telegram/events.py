"""A numbered feed of "something changed for user X", long-polled by the web chat."""

from __future__ import annotations

from sandbox.telegram.models import Json
from sandbox.telegram.runtime import Signal, deadline_in, seconds_until

KEEP = 1000


class EventLog:
    def __init__(self) -> None:
        self._events: list[Json] = []
        self._last = 0
        self._signal = Signal()
        self._closed = False

    @property
    def last(self) -> int:
        return self._last

    def add(self, user_id: int | None, kind: str, message_id: int | None = None) -> None:
        """`kind`: message, edited, deleted, answer, action, user or reset (user_id None)."""
        self._last += 1
        event = {"id": self._last, "user_id": user_id, "kind": kind, "message_id": message_id}
        self._events = [*self._events[-(KEEP - 1) :], event]
        self._signal.notify()

    def since(self, after: int) -> list[Json]:
        return [dict(event) for event in self._events if event["id"] > after]

    async def wait(self, after: int, seconds: float) -> list[Json]:
        """Events after `after`, waiting up to `seconds` for one. An `after` from
        the future (a restarted sandbox) answers at once, so the page can start over."""
        deadline = deadline_in(seconds)
        while True:
            found = self.since(after)
            if found or self._closed or after > self._last or seconds_until(deadline) <= 0:
                return found
            await self._signal.wait(seconds_until(deadline))

    def close(self) -> None:
        self._closed = True
        self._signal.notify()
