"""Commands: what an entry point asks a use case to do, already typed, not yet validated."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PAYER = "payer"
    PAYEE = "payee"

    @property
    def other(self) -> Role:
        return Role.PAYEE if self is Role.PAYER else Role.PAYER


@dataclass(frozen=True, slots=True)
class Actor:
    """The person behind a request, as Telegram identifies them."""

    telegram_id: int
    first_name: str = ""
    username: str | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True)
class CreateEscrow:
    actor: Actor
    role: Role
    amount_paise: int
    description: str
    upi_id: str | None = None  # the creator's own UPI id: where a payee is paid


@dataclass(frozen=True, slots=True)
class JoinEscrow:
    actor: Actor
    code: str
    upi_id: str | None = None  # the joiner's own UPI id (required when they are the payee)


@dataclass(frozen=True, slots=True)
class Confirm:
    actor: Actor
    code: str


@dataclass(frozen=True, slots=True)
class Cancel:
    actor: Actor
    code: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class OpenDispute:
    actor: Actor
    code: str
    reason: str


class Outcome(StrEnum):
    RELEASE = "release"
    REFUND = "refund"
    SPLIT = "split"


@dataclass(frozen=True, slots=True)
class Resolve:
    actor: Actor
    code: str
    outcome: Outcome
    payee_share_paise: int | None = None  # for SPLIT: what the payee gets before fees


@dataclass(frozen=True, slots=True)
class PaymentReceived:
    """The gateway (confirmed by its status API) says this payment succeeded."""

    provider: str
    gateway_payment_id: str
    reference: str  # our payment_ref, echoed back by the gateway
    amount_paise: int
    payer_vpa: str | None = None
    rrn: str | None = None
    instance_id: str | None = None  # the QR or collect request it paid, if known


@dataclass(frozen=True, slots=True)
class PaymentFailed:
    provider: str
    gateway_payment_id: str
    reference: str
    amount_paise: int
    reason: str = ""
    instance_id: str | None = None
