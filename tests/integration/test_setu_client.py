"""The real Setu client against the Setu simulator over HTTP on loopback.

Every request the client sends and every response it gets is checked against Setu's own
OpenAPI spec. Faults come from the simulator's switches; MockTransport is used only below,
for what a live server cannot be made to do on cue (garbage bodies, cut connections).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio

from core.errors import (
    GatewayAuthError,
    GatewayRejectedError,
    GatewayTimeoutError,
    GatewayUnavailableError,
)
from core.escrow.ports import CollectSpec, TransferRequest, TransferState
from core.payments.setu import SetuConfig, SetuGateway, SetuTransport
from sandbox.setu import SetuSimulator, SimulatorConfig
from tests.openapi_spec import validate_request, validate_response
from tests.servers import Swap, serving

pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class Wire:
    """What crossed the wire: every request path, spec-checked as it went."""

    paths: list[str] = field(default_factory=list)

    async def on_request(self, request: httpx.Request) -> None:
        self.paths.append(f"{request.method} {request.url.path}")
        if "/api/v1/merchants/" in request.url.path and request.content:
            validate_request(
                request.method,
                request.url.path,
                httpx.Response(200, content=request.content).json(),
            )

    async def on_response(self, response: httpx.Response) -> None:
        path = response.request.url.path
        if "/api/v1/merchants/" not in path or response.status_code == 429:
            return
        await response.aread()
        body = response.json() if response.content else None
        if response.status_code < 300 or response.status_code in (400, 403, 404, 500):
            validate_response(response.request.method, path, response.status_code, body)

    def count(self, fragment: str) -> int:
        return sum(fragment in path for path in self.paths)


@dataclass
class Client:
    setu: SetuGateway
    transport: SetuTransport
    sim: SetuSimulator
    wire: Wire
    http: httpx.AsyncClient
    base: str
    slept: list[float]
    sim_now: list[datetime]  # the simulator's clock, to move Setu's time on

    async def pay(self, instance_id: str, **fields: Any) -> None:
        """The payer pays, through the simulator's own mock endpoint."""
        token = await self.transport.token()
        body = {"refId": instance_id, "payerVpa": "asha.r@okhdfc", "payeeVpa": "trustpay@setu"}
        response = await self.http.post(
            f"{self.base}/api/v1/merchants/pay",
            json=body | fields,
            headers={"Authorization": f"Bearer {token}", "merchantId": self.sim.config.merchant_id},
        )
        assert response.status_code == 200, response.text


def spec(amount: int = 150_000, reference: str = "TPREF0001") -> CollectSpec:
    return CollectSpec(
        reference, amount, "TrustPay ABC123", datetime.now(UTC) + timedelta(hours=24), 1440
    )


def refund_request(
    payment_id: str, amount: int, intent_id: int = 7, ref: str | None = None
) -> TransferRequest:
    return TransferRequest(
        intent_id, f"key-{intent_id}", f"tpi{intent_id}", amount, payment_id, "TrustPay escrow", ref
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[tuple[Swap, str]]:
    swap = Swap()
    async with serving(swap) as url:
        yield swap, url


@pytest_asyncio.fixture(loop_scope="module")
async def client(server: tuple[Swap, str]) -> AsyncIterator[Client]:
    swap, url = server
    sim_now = [datetime.now(UTC)]
    sim = SetuSimulator(SimulatorConfig(refund_settle_seconds=None), clock=lambda: sim_now[0])
    swap.app = sim.app()
    wire, slept = Wire(), []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with httpx.AsyncClient(
        event_hooks={"request": [wire.on_request], "response": [wire.on_response]}
    ) as http:
        config = SetuConfig(
            auth_url=url,
            base_url=url,
            client_id="sandbox-client",
            client_secret="sandbox-secret",
            merchant_id=sim.config.merchant_id,
            merchant_vpa="trustpay@setu",
            timeout_seconds=2.0,
        )
        transport = SetuTransport(config, http, sleep=sleep)
        yield Client(SetuGateway(transport), transport, sim, wire, http, url, slept, sim_now)
    swap.app = None
    await sim.aclose()


# --- login and the token ------------------------------------------------------------------------


async def test_one_login_serves_many_calls_and_concurrent_callers(client: Client) -> None:
    await asyncio.gather(*(client.setu.create_qr(spec(reference=f"TPC{n}")) for n in range(20)))
    assert client.wire.count("/v1/users/login") == 1
    assert client.wire.count("POST /api/v1/merchants/dqr") == 20


async def test_the_token_is_renewed_in_its_fourth_minute(client: Client) -> None:
    now = [1000.0]
    client.transport._clock = lambda: now[0]
    await client.setu.create_qr(spec())
    now[0] += 230  # before the fourth minute: still the same token
    await client.setu.create_qr(spec())
    assert client.wire.count("/v1/users/login") == 1
    now[0] += 20  # 250 s old: renew before Setu's 300 s run out
    await client.setu.create_qr(spec())
    assert client.wire.count("/v1/users/login") == 2


async def test_a_token_setu_no_longer_accepts_is_renewed_once(client: Client) -> None:
    await client.setu.create_qr(spec())
    client.sim_now[0] += timedelta(seconds=301)  # Setu expired our token before we expected
    await client.setu.create_qr(spec())
    assert client.wire.count("/v1/users/login") == 2
    client.sim.config.token_ttl_seconds = 0.0  # now even a fresh token is refused...
    client.sim_now[0] += timedelta(seconds=301)
    with pytest.raises(GatewayAuthError):
        await client.setu.create_qr(spec())  # ...so give up after the one renewal
    assert client.wire.count("/v1/users/login") == 3


async def test_wrong_credentials_are_an_authentication_error(client: Client) -> None:
    client.transport.config = dataclasses.replace(client.transport.config, client_secret="nope")
    with pytest.raises(GatewayAuthError):
        await client.setu.create_qr(spec())


# --- money in -----------------------------------------------------------------------------------


async def test_a_qr_carries_the_amount_reference_and_an_intent_link(client: Client) -> None:
    qr = await client.setu.create_qr(spec(123_450, "TPREF42"))
    query = parse_qs(urlsplit(qr.intent_link).query)
    assert qr.intent_link.startswith("upi://pay?")
    assert query["am"] == ["1234.50"]
    assert query["tr"] == [qr.ref_id]
    assert query["pa"] == ["trustpay@setu"]
    [instance] = [i for i in client.sim.instances() if i["id"] == qr.qr_id]
    assert instance["referenceId"] == "TPREF42"


async def test_a_collect_request_goes_to_the_payers_upi_id(client: Client) -> None:
    collect_id = await client.setu.create_collect(spec(50_000), "asha.r@okhdfc")
    status = await client.setu.collect_status(collect_id)
    assert (status["customerVpa"], status["amount"], status["status"]) == (
        "asha.r@okhdfc",
        50_000,
        "active",
    )


async def test_a_collect_to_a_upi_id_setu_cannot_take_is_refused_before_sending(
    client: Client,
) -> None:
    with pytest.raises(GatewayRejectedError) as error:
        await client.setu.create_collect(spec(), "not_allowed@okhdfc")  # Setu forbids "_"
    assert error.value.code == "unsupported-vpa"
    assert client.wire.count("/collect") == 0


async def test_an_expired_qr_is_closed(client: Client) -> None:
    qr = await client.setu.create_qr(spec())
    await client.setu.expire_qr(qr.qr_id)
    assert (await client.setu.qr_status(qr.qr_id))["status"] == "closed"


async def test_payments_are_read_from_the_status_api(client: Client) -> None:
    qr = await client.setu.create_qr(spec(99_900, "TPREF99"))
    assert await client.setu.last_payment(qr.qr_id) is None
    await client.pay(qr.qr_id)
    last = await client.setu.last_payment(qr.qr_id)
    assert last is not None
    assert (last.status, last.amount_paise, last.product_instance_id) == (
        "success",
        99_900,
        qr.qr_id,
    )
    assert last.reference == "TPREF99"
    assert last.payer_vpa == "asha.r@okhdfc"
    assert last.rrn
    assert last.txn_id
    assert (await client.setu.get_payment(last.payment_id)).status == "success"


async def test_a_failed_payment_says_why(client: Client) -> None:
    qr = await client.setu.create_qr(spec())
    await client.pay(qr.qr_id, payerRespCode="Z9")
    last = await client.setu.last_payment(qr.qr_id)
    assert last is not None
    assert last.status == "failed"
    assert last.failure_reason


async def test_status_reads_are_cached_briefly(client: Client) -> None:
    qr = await client.setu.create_qr(spec())
    await client.pay(qr.qr_id)
    payment = await client.setu.last_payment(qr.qr_id)
    assert payment is not None
    for _ in range(3):
        await client.setu.get_payment(payment.payment_id)
    assert client.wire.count(f"/payments/{payment.payment_id}") == 1


# --- money back ---------------------------------------------------------------------------------


async def _paid(client: Client, amount: int = 100_000) -> str:
    qr = await client.setu.create_qr(spec(amount))
    await client.pay(qr.qr_id)
    payment = await client.setu.last_payment(qr.qr_id)
    assert payment is not None
    return payment.payment_id


async def test_a_refund_is_pending_then_found_by_reference_then_settled(client: Client) -> None:
    payment_id = await _paid(client)
    status = await client.setu.refund(refund_request(payment_id, 100_000))
    assert status.state is TransferState.PROCESSING
    assert status.provider_ref
    found = await client.setu.find_refund(refund_request(payment_id, 100_000))  # no id known
    assert found == status
    await client.http.put(
        f"{client.base}/api/v1/merchants/refunds/mock/{status.provider_ref}/status",
        json={"mockStatus": "success"},
        headers={
            "Authorization": f"Bearer {await client.transport.token()}",
            "merchantId": client.sim.config.merchant_id,
        },
    )
    done = await client.setu.find_refund(
        refund_request(payment_id, 100_000, ref=status.provider_ref)
    )
    assert done is not None
    assert done.state is TransferState.SUCCEEDED
    assert done.utr is None  # GET refund has only Setu's CRN; NPCI's txnId comes by webhook
    assert (done.reference, done.amount_paise, done.destination) == (
        "tpi7",
        100_000,
        payment_id,
    )


@pytest.mark.parametrize("style", ["spec", "docs"])
async def test_a_refund_is_found_by_our_reference_under_either_of_setus_names(
    client: Client, style: str
) -> None:
    client.sim.faults.refund_reference_style = style  # type: ignore[assignment]
    payment_id = await _paid(client)
    made = await client.setu.refund(refund_request(payment_id, 100_000))
    found = await client.setu.find_refund(refund_request(payment_id, 100_000))
    assert found is not None
    assert (found.provider_ref, found.reference) == (made.provider_ref, "tpi7")


async def test_partial_refunds_stop_at_the_amount_paid(client: Client) -> None:
    payment_id = await _paid(client, 100_000)
    await client.setu.refund(refund_request(payment_id, 60_000, intent_id=1))
    with pytest.raises(GatewayRejectedError):
        await client.setu.refund(refund_request(payment_id, 50_000, intent_id=2))
    assert (await client.setu.refund(refund_request(payment_id, 40_000, intent_id=3))).provider_ref


async def test_a_refund_never_made_is_not_found(client: Client) -> None:
    payment_id = await _paid(client)
    assert await client.setu.find_refund(refund_request(payment_id, 1_000, intent_id=404)) is None


async def test_a_failed_refund_maps_to_a_failure_with_the_reason(client: Client) -> None:
    payment_id = await _paid(client)
    status = await client.setu.refund(refund_request(payment_id, 100_000))
    await client.http.put(
        f"{client.base}/api/v1/merchants/refunds/mock/{status.provider_ref}/status",
        json={"mockStatus": "failed", "errCode": "refund-disabled"},
        headers={
            "Authorization": f"Bearer {await client.transport.token()}",
            "merchantId": client.sim.config.merchant_id,
        },
    )
    failed = await client.setu.get_refund(str(status.provider_ref))
    assert failed.state is TransferState.FAILED
    assert failed.retryable is False  # refunds switched off at the payer's bank


async def test_a_upi_id_is_verified_asynchronously_with_the_account_holders_name(
    client: Client,
) -> None:
    started = await client.setu.verify_vpa("asha.r@okhdfc", reference="TPREF1")
    assert started.status == "pending"
    for _ in range(200):  # the simulator decides on its own a moment later
        check = await client.setu.vpa_check(started.check_id)
        if check.status != "pending":
            break
        await asyncio.sleep(0.05)
    assert (check.status, check.name) == ("valid", "Asha R")


# --- failures, from the simulator's fault switches -----------------------------------------------


async def test_reads_are_retried_through_a_few_5xx(client: Client) -> None:
    qr = await client.setu.create_qr(spec())
    client.sim.faults.fail_next = 2
    assert (await client.setu.qr_status(qr.qr_id))["id"] == qr.qr_id
    assert client.wire.count(f"/dqr/{qr.qr_id}") == 3
    assert len(client.slept) == 2


async def test_reads_give_up_as_unavailable_after_the_last_attempt(client: Client) -> None:
    qr = await client.setu.create_qr(spec())
    client.sim.faults.fail_next = 5
    with pytest.raises(GatewayUnavailableError) as error:
        await client.setu.qr_status(qr.qr_id)
    assert error.value.status_code == 500
    assert client.wire.count(f"/dqr/{qr.qr_id}") == 3


async def test_a_write_answered_with_5xx_is_not_repeated(client: Client) -> None:
    payment_id = await _paid(client)
    client.sim.faults.fail_next = 1
    with pytest.raises(GatewayUnavailableError):
        await client.setu.refund(refund_request(payment_id, 1_000))
    assert client.wire.count("POST /api/v1/merchants/refunds") == 1


async def test_429_is_retried_after_the_time_setu_asks_for(client: Client) -> None:
    await client.transport.token()
    client.sim.faults.rate_limit_next = 1
    await client.setu.create_qr(spec())
    assert client.wire.count("POST /api/v1/merchants/dqr") == 2
    assert client.slept
    assert client.slept[0] >= 1.0


async def test_a_write_that_times_out_after_setu_acted_is_reported_unknown(client: Client) -> None:
    payment_id = await _paid(client)
    client.transport.config = dataclasses.replace(client.transport.config, timeout_seconds=0.3)
    client.sim.faults.timeout_next, client.sim.faults.timeout_seconds = 1, 1.0
    with pytest.raises(GatewayTimeoutError):
        await client.setu.refund(refund_request(payment_id, 100_000))
    assert [r["amount"] for r in client.sim.refunds()] == [100_000]  # it happened...
    found = await client.setu.find_refund(refund_request(payment_id, 100_000))  # ...and is found
    assert found is not None
    assert found.state is TransferState.PROCESSING
