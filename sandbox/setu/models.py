"""The simulator's records: product instances (collect, DQR), payments, refunds, VPA checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

InstanceKind = Literal["collect", "dqr"]
Reason = dict[str, str]
SourceStyle = Literal["spec", "docs"]  # Setu's OpenAPI spec, or its docs pages where they differ
VpaVerdict = Literal["valid", "invalid", "failed"]
VpaStatus = Literal["pending", VpaVerdict]

TERMINAL_PAYMENT = frozenset({"success", "failed"})
TERMINAL_REFUND = frozenset({"success", "failed"})


@dataclass
class Instance:
    """A collect request or a single-use dynamic QR: something a payer can pay."""

    id: str
    kind: InstanceKind
    merchant_id: str
    merchant_vpa: str
    ref_id: str
    created_at: datetime
    amount: int | None = None
    customer_vpa: str | None = None  # collect only
    expire_after: int | None = None  # collect only, minutes
    min_amount: int | None = None  # DQR only
    expiry_date: datetime | None = None  # DQR only
    reference_id: str | None = None
    transaction_note: str | None = None
    metadata: dict[str, str] | None = None
    intent_link: str | None = None
    short_link: str | None = None
    qr_code: str | None = None
    status: str = "active"
    closed_at: datetime | None = None
    reason: Reason | None = None
    payment_ids: list[str] = field(default_factory=list)

    @property
    def deadline(self) -> datetime | None:
        if self.kind == "collect" and self.expire_after is not None:
            return self.created_at + timedelta(minutes=self.expire_after)
        return self.expiry_date

    @property
    def product_instance_type(self) -> str:
        return "collect" if self.kind == "collect" else "pay_single"

    @property
    def txn_type(self) -> str:
        return "collect" if self.kind == "collect" else "pay"

    def close(self, at: datetime, reason: Reason) -> None:
        self.status, self.closed_at, self.reason = "closed", at, reason


@dataclass
class Payment:
    id: str
    merchant_id: str
    instance: Instance
    amount: int
    customer_vpa: str
    txn_id: str
    rrn: str
    created_at: datetime
    customer_account_type: str = "SAVINGS"
    payer_name: str | None = None
    status: str = "initiated"
    reason: Reason | None = None


@dataclass
class Refund:
    id: str
    merchant_id: str
    payment: Payment
    amount: int
    created_at: datetime
    reference_id: str | None = None
    reference_style: SourceStyle = "spec"  # the name the reference is echoed under (see views)
    remarks: str | None = None
    type: str | None = None
    crn: str | None = None
    status: str = "pending"
    reason: Reason | None = None
    txn_id: str | None = None


@dataclass
class Verification:
    """A customer VPA check: pending until the mock endpoint or the simulator's timer decides it."""

    id: str
    merchant_id: str
    customer_vpa: str
    created_at: datetime
    reference_id: str | None = None
    status: VpaStatus = "pending"
    customer_account_type: str | None = None
    customer_name: str | None = None  # the account holder, known once valid
    reason: Reason | None = None
    mocked: bool = False  # the mock endpoint spoke: the timer leaves it alone


@dataclass(frozen=True)
class VpaOutcome:
    """What the timer decides for one VPA instead of reading it from the VPA's shape."""

    status: VpaVerdict
    customer_name: str | None = None
