"""Test doubles for the ports: a clock you move, and money providers that behave like one.

FakeRail and FakeGateway keep what they were sent by idempotency key, replay the same answer
for the same key (as RazorpayX and Setu do), and can be told how the next calls go wrong:

    rail.script("timeout_after_accept", "succeed")
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core.errors import GatewayRejectedError, GatewayTimeoutError, GatewayUnavailableError
from core.escrow.ports import TransferRequest, TransferState, TransferStatus

T0 = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

BEHAVIOURS = (
    "succeed",  # done at once
    "processing",  # accepted; completes when settle() is called
    "fail",  # definite failure, worth retrying later
    "reject",  # definite failure, never worth retrying (invalid VPA)
    "unavailable",  # 503 before anything happened
    "timeout_after_accept",  # accepted and done, but the answer never arrives
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
    name: str
    transfers: dict[str, Transfer] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    _script: deque[str] = field(default_factory=deque)
    default: str = "succeed"

    def script(self, *behaviours: str) -> None:
        assert all(b in BEHAVIOURS for b in behaviours), behaviours
        self._script.extend(behaviours)

    def succeeded(self) -> list[Transfer]:
        return [t for t in self.transfers.values() if t.status.state is TransferState.SUCCEEDED]

    def settle(self, key: str, state: TransferState = TransferState.SUCCEEDED) -> TransferStatus:
        transfer = self.transfers[key]
        transfer.status = TransferStatus(
            state, provider_ref=transfer.status.provider_ref, utr=f"UTR{len(self.transfers):06d}"
        )
        return transfer.status

    async def send(self, request: TransferRequest) -> TransferStatus:
        self.calls.append(("send", request.idempotency_key))
        if request.idempotency_key in self.transfers:  # idempotent replay
            existing = self.transfers[request.idempotency_key]
            assert existing.request == request, "same key, different body"
            return existing.status
        behaviour = self._script.popleft() if self._script else self.default
        ref = f"{self.name}_{len(self.transfers) + 1}"
        if behaviour == "unavailable":
            raise GatewayUnavailableError("503 from fake", provider=self.name, status_code=503)
        if behaviour == "reject":
            raise GatewayRejectedError("invalid VPA", provider=self.name, code="invalid_vpa")
        status = {
            "succeed": TransferStatus(TransferState.SUCCEEDED, ref, utr=f"UTR{ref}"),
            "processing": TransferStatus(TransferState.PROCESSING, ref),
            "fail": TransferStatus(TransferState.FAILED, ref, reason="bank down"),
            "timeout_after_accept": TransferStatus(TransferState.SUCCEEDED, ref, utr=f"UTR{ref}"),
        }[behaviour]
        self.transfers[request.idempotency_key] = Transfer(request, status)
        if behaviour == "timeout_after_accept":
            raise GatewayTimeoutError("read timeout", provider=self.name)
        return status

    async def find(self, request: TransferRequest) -> TransferStatus | None:
        self.calls.append(("find", request.idempotency_key))
        transfer = self.transfers.get(request.idempotency_key)
        return transfer.status if transfer else None

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
    def __init__(self) -> None:
        super().__init__(name="fakesetu")

    async def refund(self, request: TransferRequest) -> TransferStatus:
        return await self.send(request)

    async def find_refund(self, request: TransferRequest) -> TransferStatus | None:
        return await self.find(request)


class FakeNotifier:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str, dict[str, Any]]] = []

    async def deliver(self, chat_id: int, kind: str, payload: dict[str, Any]) -> None:
        self.sent.append((chat_id, kind, payload))
