"""Per-person command rate limit: a small token bucket per Telegram id.

It lives in this process's memory: with several processes each has its own bucket, which only
makes the limit looser, never wrong. /join guessing is limited in the database (core).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class CommandLimiter:
    rate_per_minute: float = 30.0
    burst: int = 10
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[int, tuple[float, float]] = field(default_factory=dict)

    def allow(self, user_id: int) -> bool:
        now = self.clock()
        tokens, seen = self._buckets.get(user_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - seen) * self.rate_per_minute / 60)
        if tokens < 1:
            self._buckets[user_id] = (tokens, now)
            return False
        self._buckets[user_id] = (tokens - 1, now)
        if len(self._buckets) > 50_000:  # forget the oldest half rather than grow forever
            for key in sorted(self._buckets, key=lambda k: self._buckets[k][1])[:25_000]:
                del self._buckets[key]
        return True
