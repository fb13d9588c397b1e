"""Switches that make the sandbox misbehave the ways Telegram does."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum

POLLING = "getupdates"


class RequestFault(Enum):
    FAIL = "fail"  # 500 before anything happens
    RATE_LIMIT = "rate_limit"  # 429 with retry_after before anything happens
    TIMEOUT = "timeout"  # the call takes effect, then the answer is late


@dataclass
class Faults:
    fail_next: int = 0
    rate_limit_next: int = 0
    retry_after_seconds: int = 1  # what a simulated 429 asks the bot to wait
    timeout_next: int = 0
    timeout_seconds: float = 15.0
    # Request faults hit only this Bot API method (any case) when set. Otherwise they hit every
    # method but getUpdates: a polling bot always has one waiting, and would swallow them.
    only_method: str = ""
    down: bool = False  # every bot method answers 502 and webhook deliveries wait

    def reset(self) -> None:
        """Back to a well-behaved Telegram (in place: others hold this object)."""
        for field in fields(self):
            setattr(self, field.name, getattr(Faults, field.name))

    def take(self, method: str) -> RequestFault | None:
        """Use up one pending request fault that applies to a call of `method`, if any."""
        if not self._applies(method.lower()):
            return None
        if self.fail_next > 0:
            self.fail_next -= 1
            return RequestFault.FAIL
        if self.rate_limit_next > 0:
            self.rate_limit_next -= 1
            return RequestFault.RATE_LIMIT
        if self.timeout_next > 0:
            self.timeout_next -= 1
            return RequestFault.TIMEOUT
        return None

    def _applies(self, method: str) -> bool:
        if self.only_method:
            return method == self.only_method.lower()
        return method != POLLING
