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
from typing import Any, Protocol, runtime_checkable


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
    provider_ref: str | None = None  # the provider's id for it, once known


class TransferState(StrEnum):
    SUCCEEDED = "succeeded"
    PROCESSING = "processing"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class TransferStatus:
    """A provider's answer about one transfer.

    The identity fields say what the provider's object is (None where the provider did not
    say): core.escrow.outbound applies an answer to an intent only if they match it, so a
    webhook naming someone else's payout or refund cannot move this intent. `foreign` is the
    adapter's own verdict on what only it can check (our account number at the provider).
    """

    state: TransferState
    provider_ref: str | None = None
    utr: str | None = None
    reason: str | None = None
    retryable: bool = True  # for FAILED: could a fresh attempt succeed?
    needs_support: bool = False  # PROCESSING until a person acts (the manual rail)
    reference: str | None = None  # our reference, as the provider echoes it
    amount_paise: int | None = None
    destination: str | None = None  # the payee's VPA, or the refunded payment's id
    foreign: str | None = None
    fees_paise: int | None = None  # what the provider charged us, tax included
    tax_paise: int | None = None


@dataclass(frozen=True, slots=True)
class VpaCheck:
    """A gateway's check of a UPI id: pending, valid, invalid or failed (could not tell)."""

    check_id: str
    status: str
    name: str | None = None  # the account holder's name, when the gateway gives it


class PayoutRail(Protocol):
    """Pays a payee's UPI id. Same idempotency key, same payout: never two."""

    name: str

    @property
    def idempotent_sends(self) -> bool:
        """True when the rail honours our idempotency key, so sending the same request again
        can never make a second transfer (RazorpayX's X-Payout-Idempotency)."""
        ...

    async def send_payout(self, request: TransferRequest) -> TransferStatus:
        """Create (or replay) the payout for this key."""
        ...

    async def find_payout(self, request: TransferRequest) -> TransferStatus | None:
        """The payout made for this request, or None if the rail never received it."""
        ...


@dataclass(frozen=True, slots=True)
class CollectSpec:
    """What to ask the payer for: exactly this amount, for this escrow, until `expires_at`."""

    reference: str  # our payment_ref; the gateway echoes it back on every payment
    amount_paise: int
    note: str
    expires_at: datetime
    valid_minutes: int  # the same deadline as minutes from now (collect requests want this)


@dataclass(frozen=True, slots=True)
class PaymentQr:
    """A single-use dynamic QR: the `upi://pay?...` intent link and the gateway's ids."""

    qr_id: str
    intent_link: str
    ref_id: str
    short_link: str | None = None


@dataclass(frozen=True, slots=True)
class GatewayPayment:
    """A payment as the gateway's status API reports it (the truth, unlike a webhook)."""

    payment_id: str
    status: str  # initiated | pending | success | failed
    amount_paise: int
    product_instance_id: str
    reference: str | None = None  # our payment_ref, when the gateway echoes it
    payer_vpa: str | None = None
    rrn: str | None = None
    txn_id: str | None = None
    failure_reason: str | None = None


class PaymentGateway(Protocol):
    """Takes money in (UPI QR / collect request) and gives it back (refunds)."""

    name: str

    @property
    def idempotent_sends(self) -> bool:
        """As for PayoutRail; Setu's refunds take no idempotency key, so False for Setu."""
        ...

    async def create_qr(self, spec: CollectSpec) -> PaymentQr:
        """A dynamic QR and intent link for exactly this payment."""
        ...

    async def create_collect(self, spec: CollectSpec, payer_vpa: str) -> str:
        """Send a collect request to the payer's UPI id; returns its id."""
        ...

    async def expire_qr(self, qr_id: str) -> None:
        """Close a QR so it can no longer be paid."""
        ...

    async def get_payment(self, payment_id: str) -> GatewayPayment:
        """One payment, from the status API."""
        ...

    async def last_payment(self, instance_id: str) -> GatewayPayment | None:
        """The latest payment made to a QR or collect request, if any."""
        ...

    async def refund(self, request: TransferRequest) -> TransferStatus:
        """Refund part or all of the payment `request.destination` under this key."""
        ...

    async def find_refund(self, request: TransferRequest) -> TransferStatus | None:
        """The refund made for this request, or None if the gateway never received it."""
        ...

    async def verify_vpa(self, vpa: str, reference: str) -> VpaCheck:
        """Start a check that the UPI id exists (and whose it is)."""
        ...

    async def vpa_check(self, check_id: str) -> VpaCheck:
        """Where a started check has got to."""
        ...


@runtime_checkable
class PayoutRecords(Protocol):
    """A payout rail that can list what it paid (for reconciliation; the manual rail cannot)."""

    async def payouts_between(self, start: int, end: int) -> list[TransferStatus]:
        """Every payout created from `start` to `end` (Unix seconds, inclusive)."""
        ...

    async def payouts_for(self, reference: str) -> list[TransferStatus]:
        """Every payout under one of our references."""
        ...


@runtime_checkable
class PaymentRecords(Protocol):
    """A gateway that can list the payments and refunds it holds (for reconciliation)."""

    async def refunds_of(self, payment_id: str) -> list[TransferStatus]:
        """Every refund against one payment."""
        ...

    async def payments_of(self, instance_id: str) -> list[GatewayPayment]:
        """The latest payments made to one QR or collect request."""
        ...


class DeliveryError(Exception):
    """A notification could not be delivered now; `retry_after` seconds is the hint.

    One notification can take several calls (a push, then the deal card). `done` says how many
    of them went through before the failure, so the retry resumes after them instead of sending
    the push twice; the drain keeps it in the payload under `DONE_STEPS`.
    """

    def __init__(
        self,
        detail: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        done: int = 0,
    ):
        super().__init__(detail)
        self.retry_after = retry_after
        self.permanent = permanent
        self.done = done


DONE_STEPS = "_done_steps"


class Notifier(Protocol):
    """Delivers one outbox message to one chat (Telegram in production)."""

    async def deliver(self, chat_id: int, kind: str, payload: dict[str, Any]) -> None:
        """Send it, or raise DeliveryError."""
        ...
