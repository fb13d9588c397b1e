"""Telegram's flood limits: a short burst per chat then one message a second, and about thirty
a second overall. Over them, the call is refused with 429 and a whole-second retry_after."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sandbox.telegram.errors import TooManyRequestsError
from sandbox.telegram.runtime import Runtime


@dataclass
class Bucket:
    """A token bucket: holds up to `capacity` sends and refills `rate` of them a second."""

    capacity: float
    rate: float
    tokens: float
    updated: float

    def wait(self, now: float) -> float:
        """Seconds until one send is allowed (0 when it is allowed now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class RateLimits:
    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._chats: dict[int, Bucket] = {}
        self._overall: Bucket | None = None

    def clear(self) -> None:
        self._chats.clear()
        self._overall = None

    def spend(self, chat_id: int) -> None:
        """Count one message to `chat_id`, or raise TooManyRequestsError without counting it."""
        config = self._runtime.config
        if not config.enforce_limits:
            return
        now = self._runtime.now().timestamp()
        chat = self._chats.get(chat_id) or self._chats.setdefault(
            chat_id, _full(config.per_chat_burst, config.per_chat_per_second, now)
        )
        if self._overall is None:
            self._overall = _full(config.overall_per_second, config.overall_per_second, now)
        wait = max(chat.wait(now), self._overall.wait(now))
        if wait > 0:
            raise TooManyRequestsError(retry_after=max(1, math.ceil(wait)))
        chat.tokens -= 1
        self._overall.tokens -= 1


def _full(capacity: float, rate: float, now: float) -> Bucket:
    return Bucket(capacity=max(capacity, 1), rate=rate, tokens=max(capacity, 1), updated=now)
