"""Switches that make the simulator misbehave the ways a real gateway does, and that pick which
of Setu's own sources it follows where they disagree."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum

from sandbox.setu.models import SourceStyle


class RequestFault(Enum):
    FAIL = "fail"  # 500 before anything happens
    RATE_LIMIT = "rate_limit"  # 429 before anything happens
    TIMEOUT = "timeout"  # the request takes effect, then the answer is late
    SLOW = "slow"  # the request waits (queued, throttled), then takes effect and answers


@dataclass
class Faults:
    fail_next: int = 0
    rate_limit_next: int = 0
    timeout_next: int = 0
    timeout_seconds: float = 15.0
    slow_next: int = 0
    slow_seconds: float = 2.0
    only_path_contains: str = ""  # request faults hit only paths containing this, when set
    only_method: str = ""  # ...and only this HTTP method, when set (e.g. "POST")
    drop_webhooks: bool = False
    duplicate_webhooks: bool = False
    reorder_webhooks: bool = False
    webhook_delay_seconds: float = 0.0
    accept_late_payments: bool = False
    # "spec": refunds take and echo `referenceId` (the OpenAPI spec); "docs": `merchantReferenceId`
    # and `currency`, as Setu's create-refund docs page shows. Applies to refunds made after.
    refund_reference_style: SourceStyle = "spec"
    # "docs": a valid VPA check carries `customerName` (Setu's verify-VPA docs); "spec": it does not
    vpa_name_style: SourceStyle = "docs"

    def reset(self) -> None:
        """Back to a well-behaved gateway (in place: others hold this object)."""
        for field in fields(self):
            setattr(self, field.name, getattr(Faults, field.name))

    def take(self, path: str, method: str = "") -> RequestFault | None:
        """Use up one pending request fault that applies to `path` (and `method`), if any."""
        if self.only_path_contains and self.only_path_contains not in path:
            return None
        if self.only_method and method and self.only_method.upper() != method.upper():
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
        if self.slow_next > 0:
            self.slow_next -= 1
            return RequestFault.SLOW
        return None
