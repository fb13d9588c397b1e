"""The real RazorpayX client against the RazorpayX simulator over HTTP on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio

from core.errors import GatewayAuthError, GatewayRejectedError
from core.escrow.ports import TransferRequest, TransferState
from core.payments.razorpayx import RazorpayXConfig, RazorpayXRail
from core.payments.razorpayx.rail import payout_body
from sandbox.razorpayx import RazorpayXSimulator, SimulatorConfig
from tests.servers import Swap, serving

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Rail:
    rail: RazorpayXRail
    sim: RazorpayXSimulator
    sent: list[httpx.Request] = field(default_factory=list)

    def payouts_for(self, reference: str) -> list[dict[str, object]]:
        return [p for p in self.sim.payouts() if p["reference_id"] == reference]

    def posts(self) -> int:
        return sum(r.method == "POST" and r.url.path == "/v1/payouts" for r in self.sent)


def request(
    intent_id: int = 1, vpa: str = "bilal.k@okaxis", amount: int = 148_500
) -> TransferRequest:
    return TransferRequest(
        intent_id,
        f"tp-payout-e1-{intent_id}-abcd1234",
        f"tpi{intent_id}",
        amount,
        vpa,
        "TrustPay escrow 1",
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[tuple[Swap, str]]:
    swap = Swap()
    async with serving(swap) as url:
        yield swap, url


@pytest_asyncio.fixture(loop_scope="module")
async def rail(server: tuple[Swap, str]) -> AsyncIterator[Rail]:
    swap, url = server
    sim = RazorpayXSimulator(SimulatorConfig(settle_seconds=None))
    swap.app = sim.app()
    sent: list[httpx.Request] = []

    async def record(req: httpx.Request) -> None:
        sent.append(req)

    async def no_sleep(_seconds: float) -> None:
        return None

    async with httpx.AsyncClient(event_hooks={"request": [record]}) as http:
        config = RazorpayXConfig(
            base_url=url,
            key_id=sim.config.key_id,
            key_secret=sim.config.key_secret,
            account_number=sim.config.account_number,
            timeout_seconds=2.0,
        )
        yield Rail(RazorpayXRail(config, http, sleep=no_sleep), sim, sent)
    swap.app = None
    await sim.aclose()


async def test_a_payout_to_a_upi_id_is_processing_then_processed_with_a_utr(rail: Rail) -> None:
    before = rail.sim.balance()
    status = await rail.rail.send_payout(request())
    assert status.state is TransferState.PROCESSING
    assert status.provider_ref is not None
    assert status.provider_ref.startswith("pout_")
    [payout] = rail.payouts_for("tpi1")
    assert (payout["amount"], payout["mode"], payout["purpose"]) == (148_500, "UPI", "payout")
    assert rail.sim.balance() == before - 148_500 - 500  # amount plus fees
    await rail.sim.settle(status.provider_ref, "processed")
    done = await rail.rail.find_payout(request())  # found by our reference, no id needed
    assert done is not None
    assert done.state is TransferState.SUCCEEDED
    assert done.utr is not None
    assert len(done.utr) == 12


async def test_the_same_key_and_body_never_pays_twice(rail: Rail) -> None:
    first = await rail.rail.send_payout(request(2))
    again = await rail.rail.send_payout(request(2))
    assert again.provider_ref == first.provider_ref
    assert len(rail.payouts_for("tpi2")) == 1


async def test_the_same_key_with_another_body_is_refused(rail: Rail) -> None:
    await rail.rail.send_payout(request(3))
    with pytest.raises(GatewayRejectedError) as error:
        await rail.rail.send_payout(dataclasses.replace(request(3), amount_paise=999))
    assert "Different request body" in error.value.detail


async def test_the_payout_body_is_the_same_bytes_every_time() -> None:
    assert payout_body(request(4), "7878") == payout_body(request(4), "7878")
    assert payout_body(request(4), "7878")["narration"] == "TrustPay escrow 1"


async def test_a_payout_never_made_is_not_found(rail: Rail) -> None:
    assert await rail.rail.find_payout(request(404)) is None


async def test_5xx_before_acceptance_is_retried_under_the_same_key(rail: Rail) -> None:
    rail.sim.faults.fail_next = 2
    status = await rail.rail.send_payout(request(5))
    assert status.state is TransferState.PROCESSING
    assert rail.posts() == 3
    assert len(rail.payouts_for("tpi5")) == 1


async def test_5xx_after_acceptance_is_retried_and_replayed_not_paid_twice(rail: Rail) -> None:
    rail.sim.faults.fail_after_accept_next = 1
    await rail.rail.send_payout(request(6))
    assert rail.posts() == 2
    assert len(rail.payouts_for("tpi6")) == 1


async def test_a_timeout_after_acceptance_is_replayed_under_the_same_key(rail: Rail) -> None:
    rail.rail.config = dataclasses.replace(rail.rail.config, timeout_seconds=0.3)
    rail.sim.faults.timeout_next, rail.sim.faults.timeout_seconds = 1, 1.0
    status = await rail.rail.send_payout(request(7))
    assert status.state is TransferState.PROCESSING
    assert len(rail.payouts_for("tpi7")) == 1


async def test_429_is_retried(rail: Rail) -> None:
    rail.sim.faults.rate_limit_next = 1
    await rail.rail.send_payout(request(8))
    assert rail.posts() == 2


async def test_an_invalid_upi_id_fails_for_good(rail: Rail) -> None:
    status = await rail.rail.send_payout(request(9, vpa="nobody@fail"))
    assert status.provider_ref is not None
    await rail.sim.settle(status.provider_ref, "reversed", "beneficiary_vpa_invalid")
    failed = await rail.rail.find_payout(request(9, vpa="nobody@fail"))
    assert failed is not None
    assert failed.state is TransferState.FAILED
    assert failed.retryable is False


async def test_a_short_balance_queues_the_payout_until_funds_arrive(rail: Rail) -> None:
    await rail.sim.set_balance(100_000)
    queued = await rail.rail.send_payout(request(10))
    assert queued.state is TransferState.PROCESSING  # queued: still on its way
    assert rail.payouts_for("tpi10")[0]["status"] == "queued"
    await rail.sim.top_up(1_000_000)
    assert rail.payouts_for("tpi10")[0]["status"] == "processing"


async def test_a_queued_payout_can_be_cancelled(rail: Rail) -> None:
    await rail.sim.set_balance(0)
    queued = await rail.rail.send_payout(request(11))
    assert queued.provider_ref is not None
    cancelled = await rail.rail.cancel(queued.provider_ref)
    assert cancelled.state is TransferState.FAILED


async def test_wrong_keys_are_an_authentication_error(rail: Rail) -> None:
    rail.rail.config = dataclasses.replace(rail.rail.config, key_secret="wrong")
    with pytest.raises(GatewayAuthError):
        await rail.rail.send_payout(request(13))


async def test_a_upi_id_is_validated_before_it_is_trusted(rail: Rail) -> None:
    started = await rail.rail.validate_vpa("bilal.k@okaxis", "tpv1")
    assert started["status"] == "created"
    await asyncio.sleep(0)
    fetched = await rail.rail.validation(str(started["id"]))
    assert fetched["id"] == started["id"]
