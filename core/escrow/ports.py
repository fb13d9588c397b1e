"""What the escrow use cases need from the world, as protocols.

Implementations name their technology (SetuGateway, RazorpayXRail, TelegramNotifier); test
doubles are Fake... . A port method either returns a TransferStatus or raises from the
GatewayError tree in core.errors: GatewayTimeoutError and GatewayUnavailableError mean "the
outcome is unknown, ask before sending again"; GatewayRejectedError means "definitely not done".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """One outbound money movement, exactly as committed in its intent row."""

    intent_id: int
    idempotency_key: str
    reference: str  # our id for it at the provider (RazorpayX reference_id, Setu refund ref)
    amount_paise: int
    destination: str  # payee VPA for a payout; the gateway's payment id for a refund
    narration: str


class TransferState(StrEnum):
    SUCCEEDED = "succeeded"
    PROCESSING = "processing"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class TransferStatus:
    state: TransferState
    provider_ref: str | None = None
    utr: str | None = None
    reason: str | None = None
    retryable: bool = True  # for FAILED: could a fresh attempt succeed?


class PayoutRail(Protocol):
    """Pays a payee's UPI id. Same idempotency key, same payout: never two."""

    name: str

    async def send_payout(self, request: TransferRequest) -> TransferStatus:
        """Create (or replay) the payout for this key."""
        ...

    async def find_payout(self, request: TransferRequest) -> TransferStatus | None:
        """The payout made for this request, or None if the rail never received it."""
        ...


class PaymentGateway(Protocol):
    """Takes money in (UPI collect / QR) and gives it back (refunds)."""

    name: str

    async def refund(self, request: TransferRequest) -> TransferStatus:
        """Refund part or all of the payment `request.destination` under this key."""
        ...

    async def find_refund(self, request: TransferRequest) -> TransferStatus | None:
        """The refund made for this request, or None if the gateway never received it."""
        ...


class DeliveryError(Exception):
    """A notification could not be delivered now; `retry_after` seconds is the hint."""

    def __init__(self, detail: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(detail)
        self.retry_after = retry_after
        self.permanent = permanent


class Notifier(Protocol):
    """Delivers one outbox message to one chat (Telegram in production)."""

    async def deliver(self, chat_id: int, kind: str, payload: dict[str, Any]) -> None:
        """Send it, or raise DeliveryError."""
        ...
