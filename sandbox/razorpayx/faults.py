"""Switches that make the simulator misbehave the ways a real payout rail does."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum


class RequestFault(Enum):
    FAIL = "fail"  # 500 before anything happens
    FAIL_AFTER_ACCEPT = "fail_after_accept"  # the payout is made, then the answer is a 500
    RATE_LIMIT = "rate_limit"  # 429 before anything happens
    TIMEOUT = "timeout"  # the request takes effect, then the answer is late


@dataclass
class Faults:
    fail_next: int = 0
    fail_after_accept_next: int = 0  # POST /v1/payouts only
    rate_limit_next: int = 0
    timeout_next: int = 0
    timeout_seconds: float = 15.0
    only_path_contains: str = ""  # request faults hit only paths containing this, when set
    invalid_vpa: bool = False  # every payout is reversed, every validation says invalid
    drop_webhooks: bool = False
    duplicate_webhooks: bool = False
    reorder_webhooks: bool = False  # a payout's events are delivered newest first
    webhook_delay_seconds: float = 0.0

    def reset(self) -> None:
        """Back to a well-behaved rail (in place: others hold this object)."""
        for field in fields(self):
            setattr(self, field.name, getattr(Faults, field.name))

    def take(self, method: str, path: str) -> RequestFault | None:
        """Use up one pending request fault that applies to this request, if any."""
        if self.only_path_contains and self.only_path_contains not in path:
            return None
        if self.fail_next > 0:
            self.fail_next -= 1
            return RequestFault.FAIL
        if self.rate_limit_next > 0:
            self.rate_limit_next -= 1
            return RequestFault.RATE_LIMIT
        if self.fail_after_accept_next > 0 and _creates_payout(method, path):
            self.fail_after_accept_next -= 1
            return RequestFault.FAIL_AFTER_ACCEPT
        if self.timeout_next > 0:
            self.timeout_next -= 1
            return RequestFault.TIMEOUT
        return None


def _creates_payout(method: str, path: str) -> bool:
    return method == "POST" and path.rstrip("/").endswith("/v1/payouts")
