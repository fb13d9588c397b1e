"""Test doubles for the ports: a clock you move, and money providers that behave like one.

FakeRail and FakeGateway keep what they were sent by idempotency key, replay the same answer
for the same key (as RazorpayX and Setu do), and can be told how the next calls go wrong:

    rail.script("timeout_after_accept", "succeed")
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from core.errors import GatewayRejectedError, GatewayTimeoutError, GatewayUnavailableError
from core.escrow.ports import (
    CollectSpec,
    GatewayPayment,
    PaymentQr,
    TransferRequest,
    TransferState,
    TransferStatus,
    VpaCheck,
)

T0 = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

BEHAVIOURS = (
    "succeed",  # done at once
    "processing",  # accepted; completes when settle() is called
    "fail",  # definite failure, worth retrying later
    "reject",  # definite failure, never worth retrying (invalid VPA)
    "unavailable",  # 503 before anything happened
    "timeout_after_accept",  # accepted and done, but the answer never arrives
    "crash_after_accept",  # done, then our side blows up before reading the answer
)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@dataclass
class Transfer:
    request: TransferRequest
    status: TransferStatus


@dataclass
class FakeProvider:
    """`idempotent=False` behaves like Setu's refunds: the same request sent twice pays twice."""

    name: str
    idempotent: bool = True
    transfers: dict[str, Transfer] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    _script: deque[str] = field(default_factory=deque)
    default: str = "succeed"
    reject_finds: int = 0  # the next N status lookups are refused (4xx)

    @property
    def idempotent_sends(self) -> bool:
        return self.idempotent

    def script(self, *behaviours: str) -> None:
        assert all(b in BEHAVIOURS for b in behaviours), behaviours
        self._script.extend(behaviours)

    def succeeded(self) -> list[Transfer]:
        return [t for t in self.transfers.values() if t.status.state is TransferState.SUCCEEDED]

    def settle(self, key: str, state: TransferState = TransferState.SUCCEEDED) -> TransferStatus:
        transfer = self.transfers[key]
        transfer.status = replace(transfer.status, state=state, utr=f"UTR{len(self.transfers):06d}")
        return transfer.status

    async def send(self, request: TransferRequest) -> TransferStatus:
        self.calls.append(("send", request.idempotency_key))
        key = request.idempotency_key
        if key in self.transfers and self.idempotent:  # replay, as RazorpayX does
            existing = self.transfers[key]
            assert existing.request.amount_paise == request.amount_paise, "same key, new body"
            return existing.status
        if key in self.transfers:  # no idempotency: a second, real transfer
            key = f"{key}#{len(self.transfers)}"
        behaviour = self._script.popleft() if self._script else self.default
        ref = f"{self.name}_{len(self.transfers) + 1}"
        if behaviour == "unavailable":
            raise GatewayUnavailableError("503 from fake", provider=self.name, status_code=503)
        if behaviour == "reject":
            raise GatewayRejectedError("invalid VPA", provider=self.name, code="invalid_vpa")
        done = TransferStatus(TransferState.SUCCEEDED, ref, utr=f"UTR{ref}")
        status = {
            "succeed": done,
            "processing": TransferStatus(TransferState.PROCESSING, ref),
            "fail": TransferStatus(TransferState.FAILED, ref, reason="bank down"),
            "timeout_after_accept": done,
            "crash_after_accept": done,
        }[behaviour]
        status = replace(  # what identifies it, as a provider's object says
            status,
            reference=request.reference,
            amount_paise=request.amount_paise,
            destination=request.destination,
        )
        self.transfers[key] = Transfer(request, status)
        if behaviour == "timeout_after_accept":
            raise GatewayTimeoutError("read timeout", provider=self.name)
        if behaviour == "crash_after_accept":
            raise RuntimeError("parser blew up after the provider acted")
        return status

    async def find(self, request: TransferRequest) -> TransferStatus | None:
        """By our reference, as a provider's list/lookup endpoints allow."""
        self.calls.append(("find", request.idempotency_key))
        if self.reject_finds:
            self.reject_finds -= 1
            raise GatewayRejectedError("lookup refused", provider=self.name, status_code=400)
        mine = [t for t in self.transfers.values() if t.request.reference == request.reference]
        return mine[0].status if mine else None

    async def payouts_between(self, start: int, end: int) -> list[TransferStatus]:
        return [t.status for t in self.transfers.values()]

    async def payouts_for(self, reference: str) -> list[TransferStatus]:
        return [t.status for t in self.transfers.values() if t.request.reference == reference]

    def money_out_for(self, destination: str | None = None) -> int:
        return sum(
            t.request.amount_paise
            for t in self.succeeded()
            if destination is None or t.request.destination == destination
        )


class FakeRail(FakeProvider):
    def __init__(self) -> None:
        super().__init__(name="fakerail")

    async def send_payout(self, request: TransferRequest) -> TransferStatus:
        return await self.send(request)

    async def find_payout(self, request: TransferRequest) -> TransferStatus | None:
        return await self.find(request)


class FakeGateway(FakeProvider):
    """Refunds as FakeProvider, plus QRs and payments as the status API would report them."""

    def __init__(self) -> None:
        super().__init__(name="fakesetu", idempotent=False)  # Setu has no idempotency keys
        self.qrs: dict[str, CollectSpec] = {}
        self.collects: dict[str, tuple[CollectSpec, str]] = {}
        self.expired: set[str] = set()
        self.payments: dict[str, GatewayPayment] = {}
        self.qr_failures = 0  # the next N create_qr calls fail as "unavailable"
        # UPI id checks: outcome by VPA ("valid" unless told), decided at once unless "pending"
        self.vpa_outcomes: dict[str, str] = {}
        self.vpa_checks: dict[str, tuple[str, str]] = {}  # check id -> (vpa, status)

    async def create_qr(self, spec: CollectSpec) -> PaymentQr:
        if self.qr_failures:
            self.qr_failures -= 1
            raise GatewayUnavailableError("503 from fake", provider=self.name, status_code=503)
        qr_id = f"qr_{len(self.qrs) + 1}"
        self.qrs[qr_id] = spec
        link = f"upi://pay?pa=trustpay@setu&am={spec.amount_paise / 100:.2f}&tr={qr_id}&cu=INR"
        return PaymentQr(qr_id=qr_id, intent_link=link, ref_id=qr_id)

    async def create_collect(self, spec: CollectSpec, payer_vpa: str) -> str:
        collect_id = f"collect_{len(self.collects) + 1}"
        self.collects[collect_id] = (spec, payer_vpa)
        return collect_id

    async def expire_qr(self, qr_id: str) -> None:
        self.expired.add(qr_id)

    def pay(self, instance_id: str, amount: int | None = None, status: str = "success") -> str:
        """Someone pays a QR or collect request; returns the new payment id."""
        spec = self.qrs[instance_id] if instance_id in self.qrs else self.collects[instance_id][0]
        payment_id = f"setupay_{len(self.payments) + 1}"
        self.payments[payment_id] = GatewayPayment(
            payment_id=payment_id,
            status=status,
            amount_paise=spec.amount_paise if amount is None else amount,
            product_instance_id=instance_id,
            reference=spec.reference,
            payer_vpa="asha.r@okhdfc",
            rrn=f"{len(self.payments):012d}",
            txn_id=f"SET{len(self.payments):032d}",
        )
        return payment_id

    async def get_payment(self, payment_id: str) -> GatewayPayment:
        if payment_id not in self.payments:
            raise GatewayRejectedError("not found", provider=self.name, status_code=404)
        return self.payments[payment_id]

    async def last_payment(self, instance_id: str) -> GatewayPayment | None:
        mine = [p for p in self.payments.values() if p.product_instance_id == instance_id]
        return mine[-1] if mine else None

    async def verify_vpa(self, vpa: str, reference: str) -> VpaCheck:
        check_id = f"vpacheck{len(self.vpa_checks) + 1}"
        self.vpa_checks[check_id] = (vpa, self.vpa_outcomes.get(vpa, "valid"))
        return await self.vpa_check(check_id)

    async def vpa_check(self, check_id: str) -> VpaCheck:
        vpa, status = self.vpa_checks[check_id]
        name = vpa.partition("@")[0].replace(".", " ").title() if status == "valid" else None
        return VpaCheck(check_id, status, name)

    def decide_vpa(self, vpa: str, status: str) -> None:
        """A pending check of `vpa` (and any later one) comes out as `status`."""
        self.vpa_outcomes[vpa] = status
        for check_id, (checked, _) in self.vpa_checks.items():
            if checked == vpa:
                self.vpa_checks[check_id] = (vpa, status)

    async def refund(self, request: TransferRequest) -> TransferStatus:
        return await self.send(request)

    async def refunds_of(self, payment_id: str) -> list[TransferStatus]:
        return [t.status for t in self.transfers.values() if t.request.destination == payment_id]

    async def payments_of(self, instance_id: str) -> list[GatewayPayment]:
        return [p for p in self.payments.values() if p.product_instance_id == instance_id]

    async def find_refund(self, request: TransferRequest) -> TransferStatus | None:
        return await self.find(request)


class FakeNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str, dict[str, Any]]] = []

    async def deliver(self, chat_id: int, kind: str, payload: dict[str, Any]) -> None:
        self.sent.append((chat_id, kind, payload))
