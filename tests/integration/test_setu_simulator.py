"""The Setu simulator over real HTTP: every endpoint against Setu's OpenAPI spec, the payment
and refund flows, signed webhooks, and every fault switch.

Each test runs the simulator and a webhook receiver with uvicorn on loopback ports. Every call
goes through `Setu.call`, which checks the request and the response against the spec.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from jsonschema import Draft4Validator
from starlette.requests import Request
from starlette.responses import Response

from sandbox.setu import SetuSimulator, SimulatorConfig
from tests.openapi_spec import (
    FORMATS,
    operation,
    validate_component,
    validate_request,
    validate_response,
)
from tests.servers import Swap, free_port, serving

ULID = r"^[0-9A-HJKMNP-TV-Z]{26}$"
IST_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$"
MERCHANTS = "/api/v1/merchants"

pytestmark = pytest.mark.asyncio(loop_scope="module")


class _AnyText:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and other != ""

    __hash__ = None  # type: ignore[assignment]


ANY_TEXT: Any = _AnyText()

# --- What a webhook looks like (Setu's notification docs; the OpenAPI spec has none) ----------

_ENVELOPE = {
    "eventId": {"type": "string", "pattern": ULID},
    "eventType": {"type": "string", "pattern": r"^[a-z_]+\.[a-z]+$"},
    "eventTs": {"type": "string", "format": "date-time", "pattern": IST_TIME},
    "resource": {"enum": ["payment", "refund", "customer_vpa"]},
    "status": {"type": "string"},
}
PAYMENT_EVENT = {
    "type": "object",
    "required": [
        *_ENVELOPE,
        *("id", "merchantId", "productInstanceId", "productInstanceType", "merchantReferenceId"),
        *("txnId", "txnType", "txnTs", "refId", "rrn", "amount", "currency"),
        *("customerVpa", "merchantVpa", "customerAccountType"),
    ],
    "properties": {
        **_ENVELOPE,
        "eventType": {"enum": ["payment.initiated", "payment.success", "payment.failed"]},
        "status": {"enum": ["initiated", "pending", "success", "failed"]},
        "id": {"type": "string", "pattern": ULID},
        "productInstanceId": {"type": "string", "pattern": ULID},
        "productInstanceType": {"enum": ["pay_single", "collect"]},
        "txnType": {"enum": ["pay", "collect"]},
        "txnId": {"type": "string", "pattern": r"^SET[A-Za-z0-9]{32}$"},
        "txnTs": {"type": "string", "format": "date-time"},
        "refId": {"type": "string", "pattern": r"^\d{19}$"},
        "rrn": {"type": "string", "pattern": r"^\d{12}$"},
        "amount": {"type": "integer"},
        "currency": {"enum": ["INR"]},
        "reason": {"type": "object"},
    },
}
REFUND_EVENT = {
    "type": "object",
    "required": [*_ENVELOPE, "id", "merchantId", "paymentId", "orgTxnId", "amount", "currency"],
    "properties": {
        **_ENVELOPE,
        "eventType": {"enum": ["refund.pending", "refund.successful", "refund.failed"]},
        "status": {"enum": ["pending", "success", "failed"]},
        "paymentId": {"type": "string", "pattern": ULID},
        "orgTxnId": {"type": "string", "pattern": r"^SET[A-Za-z0-9]{32}$"},
        "amount": {"type": "integer"},
        "currency": {"enum": ["INR"]},
    },
    "oneOf": [
        {"properties": {"status": {"enum": ["success"]}}, "required": ["txnId", "crn"]},
        {"properties": {"status": {"enum": ["pending", "failed"]}}},
    ],
}
VPA_EVENT = {
    "type": "object",
    "required": [*_ENVELOPE, "id", "merchantId", "customerVpa", "createdAt"],
    "properties": {
        **_ENVELOPE,
        "eventType": {
            "enum": ["customer_vpa.valid", "customer_vpa.invalid", "customer_vpa.failed"]
        },
        "customerName": {"type": "string", "minLength": 1},
    },
}
EVENT_SCHEMAS: dict[str, dict[str, Any]] = {
    "payment": PAYMENT_EVENT,
    "refund": REFUND_EVENT,
    "customer_vpa": VPA_EVENT,
}


def check_event(event: dict[str, Any]) -> None:
    schema = EVENT_SCHEMAS[event["resource"]]
    errors = [e.message for e in Draft4Validator(schema, format_checker=FORMATS).iter_errors(event)]
    assert not errors, f"{event['eventType']}: {errors}"
    assert event["eventType"].split(".")[0] == event["resource"]


# --- Test servers -------------------------------------------------------------------------------


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]
    at: float


@dataclass
class Receiver:
    """A webhook endpoint that records what arrives and answers with `replies` (then 200)."""

    url: str = ""
    secret: str = SimulatorConfig().webhook_secret
    deliveries: list[Delivery] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            headers = dict(request.headers)
            self.deliveries.append(Delivery(await request.body(), headers, time.monotonic()))
            return Response(status_code=self.replies.pop(0) if self.replies else 200)

        return app

    def events(self) -> list[dict[str, Any]]:
        """Every delivered body, each signed with the shared secret and shaped like Setu's."""
        events = []
        for delivery in self.deliveries:
            digest = hmac.new(self.secret.encode(), delivery.body, hashlib.sha256).digest()
            assert delivery.headers["x-setu-signature"] == base64.b64encode(digest).decode()
            assert delivery.headers["content-type"] == "application/json"
            event = json.loads(delivery.body)
            check_event(event)
            events.append(event)
        return events

    def types(self) -> list[str]:
        return [event["eventType"] for event in self.events()]


def pay_body(instance: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The mock payment of `instance` (by its NPCI refId) from ravi@okaxis."""
    body = {"refId": instance["refId"], "payerVpa": "ravi@okaxis"}
    return body | {"payeeVpa": instance["merchantVpa"]} | fields


class Clock:
    """Real time plus an offset the test can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@dataclass
class Setu:
    """An HTTP client for the simulator that checks every exchange against the spec."""

    sim: SetuSimulator
    http: httpx.AsyncClient
    clock: Clock
    token: str = ""

    @property
    def config(self) -> SimulatorConfig:
        return self.sim.config

    async def login(self, **overrides: Any) -> httpx.Response:
        body = {"clientID": "sandbox-client", "secret": "sandbox-secret"}
        body |= {"grant_type": "client_credentials"} | overrides
        headers = {"client": "bridge"}
        return await self.http.post("/v1/users/login", json=body, headers=headers)

    async def log_in(self) -> None:
        self.token = (await self.login()).json()["access_token"]

    async def travel(self, **delta: float) -> None:
        """Move the simulator's clock forward, logging in again as a client would."""
        self.clock.advance(**delta)
        await self.log_in()

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int,
        valid: bool = True,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Send a merchant request; assert `status`; return the JSON body (None if empty)."""
        path = MERCHANTS + path
        if valid:
            validate_request(method, path, body)
        sent = {"merchantId": self.config.merchant_id}
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        response = await self.http.request(method, path, json=body, headers=sent | (headers or {}))
        assert response.status_code == status, response.text
        assert re.fullmatch(r"[0-9a-v]{20}", response.headers["requestId"])
        parsed = response.json() if response.content else None
        if str(status) in operation(method, path)[1]["responses"]:
            validate_response(method, path, status, parsed, response.headers)
        else:
            validate_component("BaseSetuAPIErrorModel", parsed)
        return parsed

    async def error(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Send a request that must fail; return its `code` after checking the error shape."""
        error = await self.call(method, path, body, status=status, valid=False, headers=headers)
        assert set(error) == {"code", "detail", "docUrl"}
        assert error["docUrl"] == ""
        assert error["detail"]
        return str(error["code"])

    async def dqr(self, **fields: Any) -> dict[str, Any]:
        body = {"merchantVpa": "trustpay@setu", "amount": 150_000, "referenceId": "TPAMBER01"}
        return dict(await self.call("POST", "/dqr", body | fields, status=201))

    async def collect(self, **fields: Any) -> dict[str, Any]:
        body = {"merchantVpa": "trustpay@setu", "customerVpa": "ravi@okaxis", "amount": 50_000}
        return dict(await self.call("POST", "/collect", body | fields, status=201))

    async def pay(self, instance: dict[str, Any], **fields: Any) -> None:
        assert await self.call("POST", "/pay", pay_body(instance, **fields), status=200) is None

    async def paid_payment(self, amount: int = 150_000) -> dict[str, Any]:
        dqr = await self.dqr(amount=amount)
        await self.pay(dqr)
        return dict(
            await self.call("GET", f"/payments/product-instances/{dqr['id']}/last", status=200)
        )

    async def refund(self, payment: dict[str, Any], amount: int, **fields: Any) -> dict[str, Any]:
        body = {"paymentId": payment["id"], "amount": amount} | fields
        return dict(await self.call("POST", "/refunds", body, status=201))


async def eventually(check: Callable[[], bool], within: float = 3.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def decided(setu: Setu, check_id: str, within: float = 10.0) -> dict[str, Any]:
    """The VPA check once it is no longer pending (polled: the simulator decides on a timer)."""
    deadline = time.monotonic() + within
    while True:
        check = dict(await setu.call("GET", f"/customer-vpas/verify/{check_id}", status=200))
        if check["status"] != "pending":
            return check
        assert time.monotonic() < deadline, f"VPA check {check_id} still pending"
        await asyncio.sleep(0.02)


@dataclass
class Servers:
    setu: Swap
    setu_url: str
    receiver: Swap
    receiver_url: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def servers() -> AsyncIterator[Servers]:
    setu, receiver = Swap(), Swap()
    async with serving(setu) as setu_url, serving(receiver) as receiver_url:
        yield Servers(setu, setu_url, receiver, receiver_url)


@pytest_asyncio.fixture(loop_scope="module")
async def receiver(servers: Servers) -> AsyncIterator[Receiver]:
    receiver = Receiver(url=f"{servers.receiver_url}/hook")
    servers.receiver.app = receiver.app()
    yield receiver
    servers.receiver.app = None


@pytest_asyncio.fixture(loop_scope="module")
async def setu(servers: Servers, receiver: Receiver) -> AsyncIterator[Setu]:
    config = SimulatorConfig(
        webhook_url=receiver.url,
        webhook_retry_base_seconds=0.05,
        refund_settle_seconds=None,
        vpa_verify_seconds=None,  # VPA checks stay pending unless a test switches the timer on
    )
    clock = Clock()
    sim = SetuSimulator(config, clock=clock)
    servers.setu.app = sim.app()
    try:
        async with httpx.AsyncClient(base_url=servers.setu_url) as http:
            api = Setu(sim, http, clock)
            await api.log_in()
            yield api
    finally:
        servers.setu.app = None
        await sim.aclose()


# --- Login and authorisation ---------------------------------------------------------------------


async def test_login_with_the_right_credentials_gives_an_opaque_token(setu: Setu) -> None:
    response = await setu.login()
    assert response.status_code == 200
    assert set(response.json()) == {"access_token"}
    assert len(response.json()["access_token"]) >= 32
    assert re.fullmatch(r"[0-9a-v]{20}", response.headers["requestId"])


async def test_login_with_a_wrong_secret_is_401_invalid_credentials(setu: Setu) -> None:
    response = await setu.login(secret="guess")
    assert response.status_code == 401
    assert response.json()["code"] == "invalid-credentials"
    assert response.json()["docUrl"] == ""
    assert "requestId" in response.headers


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, {"clientID": "sandbox-client", "secret": "sandbox-secret"}),
        ({"client": "bridge"}, {"clientID": "sandbox-client", "secret": "sandbox-secret"}),
        ({"client": "bridge"}, {"clientID": "sandbox-client", "grant_type": "client_credentials"}),
    ],
    ids=["no-client-header", "no-grant-type", "no-secret"],
)
async def test_login_without_the_client_header_or_a_field_is_400(
    setu: Setu, headers: dict[str, str], body: dict[str, str]
) -> None:
    if "client" not in headers:
        body = body | {"grant_type": "client_credentials"}
    response = await setu.http.post("/v1/users/login", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "bad-request"


@pytest.mark.parametrize("token", ["", "not-a-token"], ids=["missing", "unknown"])
async def test_merchant_calls_without_a_valid_bearer_token_are_401(setu: Setu, token: str) -> None:
    setu.token = token
    assert await setu.error("POST", "/dqr", {"merchantVpa": "trustpay@setu"}, status=401) == (
        "invalid-token"
    )
    assert setu.sim.instances() == []


async def test_a_token_stops_working_after_its_time_to_live(setu: Setu) -> None:
    setu.config.token_ttl_seconds = 60
    await setu.log_in()
    await setu.dqr()
    setu.clock.advance(seconds=61)
    assert await setu.error("GET", "/payments/01ARZ3NDEKTSV4RRFFQ69G5FAV", status=401) == (
        "invalid-token"
    )
    await setu.log_in()
    assert await setu.error("GET", "/payments/01ARZ3NDEKTSV4RRFFQ69G5FAV", status=404) == (
        "not-found"
    )


async def test_another_merchant_id_is_403_forbidden(setu: Setu) -> None:
    for merchant in ("01OTHERMERCHANT00000000000", ""):
        headers = {"merchantId": merchant}
        body = {"merchantVpa": "trustpay@setu"}
        assert await setu.error("POST", "/dqr", body, status=403, headers=headers) == "forbidden"


# --- Dynamic QR ----------------------------------------------------------------------------------


async def test_a_dqr_is_created_with_intent_link_short_link_and_qr_image(setu: Setu) -> None:
    dqr = await setu.dqr(amount=150_050, transactionNote="Escrow AMBER01: phone")
    assert re.fullmatch(ULID, dqr["id"])
    assert re.fullmatch(r"\d{19}", dqr["refId"])
    assert re.fullmatch(IST_TIME, dqr["createdAt"])
    assert (dqr["status"], dqr["merchantId"]) == ("active", setu.config.merchant_id)
    assert (dqr["amount"], dqr["referenceId"]) == (150_050, "TPAMBER01")
    assert dqr["intentLink"] == (
        f"upi://pay?pa=trustpay@setu&pn=TrustPay&am=1500.50&tr={dqr['refId']}"
        "&tn=Escrow%20AMBER01%3A%20phone&cu=INR"
    )
    assert re.fullmatch(r"upipay\.setu\.co/[A-Za-z0-9]{10}", dqr["shortLink"])
    assert base64.b64decode(dqr["qrCode"]).startswith(b"\x89PNG\r\n\x1a\n")


async def test_an_open_amount_dqr_has_no_am_in_its_link(setu: Setu) -> None:
    dqr = await setu.call("POST", "/dqr", {"merchantVpa": "trustpay@setu"}, status=201)
    query = parse_qs(urlsplit(dqr["intentLink"]).query)
    assert "am" not in query
    assert query["tr"] == [dqr["refId"]]
    assert "amount" not in dqr


async def test_a_dqr_is_fetched_and_expired_by_id(setu: Setu) -> None:
    dqr = await setu.dqr(metadata={"escrow": "AMBER01"})
    fetched = await setu.call("GET", f"/dqr/{dqr['id']}", status=200)
    assert fetched == dqr
    expired = await setu.call("PUT", f"/dqr/{dqr['id']}/expire", status=200)
    assert expired["status"] == "closed"
    assert re.fullmatch(IST_TIME, expired["closedAt"])
    assert expired["reason"]["code"]
    assert (await setu.call("GET", f"/dqr/{dqr['id']}", status=200))["status"] == "closed"
    code = await setu.error("POST", "/pay", pay_body(dqr), status=400)
    assert code == "bad-request"


async def test_a_dqr_closes_at_its_expiry_date(setu: Setu) -> None:
    expiry = (datetime.now(UTC) + timedelta(minutes=10)).isoformat(timespec="seconds")
    dqr = await setu.dqr(expiryDate=expiry)
    assert dqr["expiryDate"].endswith("+05:30")
    await setu.travel(minutes=11)
    fetched = await setu.call("GET", f"/dqr/{dqr['id']}", status=200)
    assert fetched["status"] == "closed"
    assert fetched["closedAt"] == dqr["expiryDate"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"merchantVpa": "TrustPay@setu"}, "merchantVpa"),
        ({"merchantVpa": "trustpay@setu1"}, "merchantVpa"),
        ({"merchantVpa": None}, "merchantVpa"),
        ({"amount": 99}, "amount"),
        ({"amount": "15000"}, "amount"),
        ({"amount": 150.5}, "amount"),
        ({"minAmount": 50}, "minAmount"),
        ({"minAmount": 200_000}, "minAmount"),
        ({"expiryDate": "2020-01-01T00:00:00+05:30"}, "expiryDate"),
        ({"expiryDate": "2999-01-01T00:00:00"}, "expiryDate"),
        ({"expiryDate": "tomorrow"}, "expiryDate"),
        ({"referenceId": ""}, "referenceId"),
        ({"referenceId": "x" * 256}, "referenceId"),
        ({"metadata": {str(n): "v" for n in range(6)}}, "metadata"),
        ({"metadata": {"a": 1}}, "metadata"),
    ],
)
async def test_a_dqr_body_that_breaks_the_spec_is_400(
    setu: Setu, change: dict[str, Any], field: str
) -> None:
    body = {"merchantVpa": "trustpay@setu", "amount": 150_000} | change
    body = {key: value for key, value in body.items() if value is not None}
    response = await setu.call("POST", "/dqr", body, status=400, valid=False)
    assert response["code"] == "bad-request"
    assert field in response["detail"]
    assert setu.sim.instances() == []


async def test_a_body_that_is_not_json_is_400(setu: Setu) -> None:
    headers = {"Authorization": f"Bearer {setu.token}", "merchantId": setu.config.merchant_id}
    response = await setu.http.post(MERCHANTS + "/dqr", content=b"{nope", headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "bad-request"


# --- Collect -------------------------------------------------------------------------------------


async def test_a_collect_request_is_created_with_defaults_and_fetched(setu: Setu) -> None:
    collect = await setu.collect(metadata={"InvoiceNumber": "INV-21-12-009"}, referenceId="R1")
    assert collect["expireAfter"] == 30
    assert (collect["status"], collect["customerVpa"]) == ("active", "ravi@okaxis")
    assert collect["metadata"] == {"InvoiceNumber": "INV-21-12-009"}
    assert re.fullmatch(r"\d{19}", collect["refId"])
    assert await setu.call("GET", f"/collect/{collect['id']}", status=200) == collect


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"expireAfter": 0}, "expireAfter"),
        ({"expireAfter": 64_801}, "expireAfter"),
        ({"transactionNote": "Pay (now)"}, "transactionNote"),
        ({"transactionNote": "x" * 51}, "transactionNote"),
        ({"transactionNote": ""}, "transactionNote"),
        ({"customerVpa": "ravi#okaxis"}, "customerVpa"),
        ({"customerVpa": None}, "customerVpa"),
        ({"amount": -1}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": True}, "amount"),
        ({"merchantVpa": None}, "merchantVpa"),
    ],
)
async def test_a_collect_body_that_breaks_the_spec_is_400(
    setu: Setu, change: dict[str, Any], field: str
) -> None:
    body = {"merchantVpa": "trustpay@setu", "customerVpa": "ravi@okaxis", "amount": 100} | change
    body = {key: value for key, value in body.items() if value is not None}
    response = await setu.call("POST", "/collect", body, status=400, valid=False)
    assert field in response["detail"]


async def test_a_collect_request_closes_after_expire_after_minutes(setu: Setu) -> None:
    collect = await setu.collect(expireAfter=1)
    await setu.travel(seconds=59)
    assert (await setu.call("GET", f"/collect/{collect['id']}", status=200))["status"] == "active"
    await setu.travel(seconds=2)
    fetched = await setu.call("GET", f"/collect/{collect['id']}", status=200)
    assert fetched["status"] == "closed"
    assert fetched["reason"]["code"] == "expired"
    response = await setu.call("POST", "/pay", pay_body(collect), status=400)
    assert response["detail"] == "product instance is not active"


# --- Unknown ids and paths -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/collect/01ARZ3NDEKTSV4RRFFQ69G5FAV", None),
        ("GET", "/dqr/01ARZ3NDEKTSV4RRFFQ69G5FAV", None),
        ("PUT", "/dqr/01ARZ3NDEKTSV4RRFFQ69G5FAV/expire", None),
        ("GET", "/payments/01ARZ3NDEKTSV4RRFFQ69G5FAV", None),
        ("GET", "/payments/product-instances/01ARZ3NDEKTSV4RRFFQ69G5FAV/last", None),
        ("GET", "/payments/product-instances/01ARZ3NDEKTSV4RRFFQ69G5FAV/history", None),
        ("GET", "/refunds/01ARZ3NDEKTSV4RRFFQ69G5FAV", None),
        ("GET", "/refunds/SETmBZkQOV0M7wyyP1V4PIFhRSzW5eSjmYI/payment", None),
        ("POST", "/refunds", {"paymentId": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "amount": 100}),
        ("PUT", "/refunds/mock/01ARZ3NDEKTSV4RRFFQ69G5FAV/status", {"mockStatus": "success"}),
        ("GET", "/customer-vpas/verify/01ARZ3NDEKTSV4RRFFQ69G5FAV", None),
        (
            "POST",
            "/customer-vpas/mock/verify",
            {"id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "status": "valid"},
        ),
        ("POST", "/pay", {"refId": "1240689979139556558", "payerVpa": "a@b", "payeeVpa": "c@d"}),
    ],
)
async def test_an_unknown_id_is_404_not_found(
    setu: Setu, method: str, path: str, body: Any
) -> None:
    validate_request(method, MERCHANTS + path, body)
    assert await setu.error(method, path, body, status=404) == "not-found"


async def test_a_dqr_id_is_not_a_collect_id(setu: Setu) -> None:
    dqr = await setu.dqr()
    assert await setu.error("GET", f"/collect/{dqr['id']}", status=404) == "not-found"


async def test_an_unknown_endpoint_is_404_in_setus_shape(setu: Setu) -> None:
    headers = {"Authorization": f"Bearer {setu.token}", "merchantId": setu.config.merchant_id}
    response = await setu.http.get(MERCHANTS + "/nothing-here", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not-found"
    assert "requestId" in response.headers


# --- Payments ------------------------------------------------------------------------------------


async def test_paying_a_dqr_succeeds_marks_it_paid_and_sends_signed_webhooks(
    setu: Setu, receiver: Receiver
) -> None:
    dqr = await setu.dqr()
    assert await setu.call("POST", "/pay", pay_body(dqr, payerName="Ravi"), status=200) is None
    last = await setu.call("GET", f"/payments/product-instances/{dqr['id']}/last", status=200)
    assert (last["status"], last["amount"], last["currency"]) == ("success", 150_000, "INR")
    assert (last["productInstanceId"], last["refId"]) == (dqr["id"], dqr["refId"])
    assert (last["customerVpa"], last["merchantVpa"]) == ("ravi@okaxis", "trustpay@setu")
    assert last["referenceId"] == "TPAMBER01"
    assert re.fullmatch(r"SET[A-Za-z0-9]{32}", last["txnId"])
    assert re.fullmatch(r"\d{12}", last["rrn"])
    assert await setu.call("GET", f"/payments/{last['id']}", status=200) == last
    history = await setu.call("GET", f"/payments/product-instances/{dqr['id']}/history", status=200)
    assert history == {"payments": [last]}
    fetched = await setu.call("GET", f"/dqr/{dqr['id']}", status=200)
    assert fetched["status"] == "paid"
    details = fetched["paymentDetails"]
    assert (details["paymentId"], details["paymentStatus"]) == (last["id"], "success")
    assert (details["txnId"], details["rrn"]) == (last["txnId"], last["rrn"])
    await eventually(lambda: len(receiver.deliveries) == 2)
    initiated, success = receiver.events()
    assert (initiated["eventType"], success["eventType"]) == (
        "payment.initiated",
        "payment.success",
    )
    assert (initiated["status"], success["status"]) == ("initiated", "success")
    assert success["productInstanceType"] == "pay_single"
    assert (success["txnType"], success["merchantReferenceId"]) == ("pay", "TPAMBER01")
    assert {k: success[k] for k in last} == last
    assert initiated["eventId"] != success["eventId"]


async def test_a_collect_is_paid_by_its_instance_id_and_says_collect(
    setu: Setu, receiver: Receiver
) -> None:
    collect = await setu.collect(referenceId="TPCOLLECT1")
    await setu.call("POST", "/pay", pay_body(collect, refId=collect["id"]), status=200)
    fetched = await setu.call("GET", f"/collect/{collect['id']}", status=200)
    assert (fetched["status"], fetched["paymentDetails"]["paymentStatus"]) == ("paid", "success")
    await eventually(lambda: len(receiver.deliveries) == 2)
    success = receiver.events()[1]
    assert (success["productInstanceType"], success["txnType"]) == ("collect", "collect")
    assert success["amount"] == 50_000


async def test_a_payer_response_code_fails_the_payment_and_the_dqr_stays_payable(
    setu: Setu, receiver: Receiver
) -> None:
    dqr = await setu.dqr()
    await setu.call("POST", "/pay", pay_body(dqr, payerRespCode="Z9"), status=200)
    failed = await setu.call("GET", f"/payments/product-instances/{dqr['id']}/last", status=200)
    assert failed["status"] == "failed"
    assert (failed["reason"]["npciRespCode"], failed["reason"]["code"]) == ("Z9", "payment-failed")
    assert failed["reason"]["desc"]
    fetched = await setu.call("GET", f"/dqr/{dqr['id']}", status=200)
    assert (fetched["status"], fetched["paymentDetails"]["paymentStatus"]) == ("active", "failed")
    await eventually(lambda: len(receiver.deliveries) == 2)
    assert receiver.types() == ["payment.initiated", "payment.failed"]
    assert receiver.events()[1]["reason"]["npciRespCode"] == "Z9"
    await setu.call("POST", "/pay", pay_body(dqr), status=200)
    history = await setu.call("GET", f"/payments/product-instances/{dqr['id']}/history", status=200)
    assert [p["status"] for p in history["payments"]] == ["success", "failed"]


async def test_a_declined_collect_is_closed(setu: Setu) -> None:
    collect = await setu.collect()
    await setu.call("POST", "/pay", pay_body(collect, payerRespCode="ZA"), status=200)
    fetched = await setu.call("GET", f"/collect/{collect['id']}", status=200)
    assert (fetched["status"], fetched["paymentDetails"]["paymentStatus"]) == ("closed", "failed")


async def test_a_payer_may_pay_a_different_amount_and_it_is_recorded(setu: Setu) -> None:
    dqr = await setu.dqr(amount=150_000)
    await setu.call("POST", "/pay", pay_body(dqr, amount=15_000), status=200)
    last = await setu.call("GET", f"/payments/product-instances/{dqr['id']}/last", status=200)
    assert (last["amount"], last["status"]) == (15_000, "success")


async def test_paying_the_wrong_payee_vpa_or_nothing_is_400(setu: Setu) -> None:
    dqr = await setu.dqr()
    body = pay_body(dqr, payeeVpa="someone@setu")
    assert "payeeVpa" in (await setu.call("POST", "/pay", body, status=400))["detail"]
    open_amount = await setu.call("POST", "/dqr", {"merchantVpa": "trustpay@setu"}, status=201)
    assert (
        "amount" in (await setu.call("POST", "/pay", pay_body(open_amount), status=400))["detail"]
    )
    assert await setu.error("POST", "/pay", {"refId": dqr["refId"]}, status=400) == "bad-request"
    assert setu.sim.payments() == []


async def test_paying_a_paid_dqr_again_is_400_unless_late_payments_are_accepted(
    setu: Setu,
) -> None:
    dqr = await setu.dqr()
    await setu.call("POST", "/pay", pay_body(dqr), status=200)
    again = await setu.call("POST", "/pay", pay_body(dqr), status=400)
    assert again["detail"] == "product instance is not active"
    setu.sim.faults.accept_late_payments = True
    await setu.call("POST", "/pay", pay_body(dqr), status=200)
    history = await setu.call("GET", f"/payments/product-instances/{dqr['id']}/history", status=200)
    assert [p["status"] for p in history["payments"]] == ["success", "success"]
    assert (await setu.call("GET", f"/dqr/{dqr['id']}", status=200))["status"] == "paid"


async def test_an_instance_with_no_payment_has_no_last_and_an_empty_history(setu: Setu) -> None:
    dqr = await setu.dqr()
    assert await setu.error("GET", f"/payments/product-instances/{dqr['id']}/last", status=404)
    history = await setu.call("GET", f"/payments/product-instances/{dqr['id']}/history", status=200)
    assert history == {"payments": []}


# --- Refunds -------------------------------------------------------------------------------------


async def test_a_full_refund_is_pending_then_succeeds_through_the_mock(
    setu: Setu, receiver: Receiver
) -> None:
    payment = await setu.paid_payment()
    refund = await setu.refund(
        payment, 150_000, referenceId="RF1", remarks="cancelled", type="online"
    )
    assert (refund["status"], refund["paymentId"], refund["amount"]) == (
        "pending",
        payment["id"],
        150_000,
    )
    assert re.fullmatch(ULID, refund["id"])
    assert (refund["referenceId"], refund["remarks"], refund["type"]) == (
        "RF1",
        "cancelled",
        "online",
    )
    body = {"mockStatus": "success"}
    assert await setu.call("PUT", f"/refunds/mock/{refund['id']}/status", body, status=200) is None
    settled = await setu.call("GET", f"/refunds/{refund['id']}", status=200)
    assert settled["status"] == "success"
    assert re.fullmatch(r"UPI\d{9}", settled["crn"])
    await eventually(lambda: len(receiver.deliveries) == 4)
    pending, successful = receiver.events()[2:]
    assert (pending["eventType"], successful["eventType"]) == (
        "refund.pending",
        "refund.successful",
    )
    assert (successful["status"], successful["orgTxnId"]) == ("success", payment["txnId"])
    assert (successful["paymentId"], successful["referenceId"]) == (payment["id"], "RF1")
    assert (successful["crn"], successful["currency"]) == (settled["crn"], "INR")
    assert re.fullmatch(r"SET[A-Za-z0-9]{32}", successful["txnId"])
    assert "txnId" not in pending


async def test_partial_refunds_add_up_to_the_payment_and_no_further(setu: Setu) -> None:
    payment = await setu.paid_payment(100_000)
    await setu.refund(payment, 60_000)
    second = await setu.refund(payment, 40_000)
    over = await setu.call(
        "POST", "/refunds", {"paymentId": payment["id"], "amount": 1}, status=400
    )
    assert over["code"] == "bad-request"
    assert "amount" in over["detail"]
    failed = {"mockStatus": "failed", "errCode": "AA1"}
    await setu.call("PUT", f"/refunds/mock/{second['id']}/status", failed, status=200)
    await setu.refund(payment, 40_000)  # a failed refund gives its amount back
    listed = await setu.call("GET", f"/refunds/{payment['txnId']}/payment", status=200)
    assert listed["paymentTxnId"] == payment["txnId"]
    assert [(r["amount"], r["status"]) for r in listed["refunds"]] == [
        (60_000, "pending"),
        (40_000, "failed"),
        (40_000, "pending"),
    ]
    assert listed["refunds"][1]["reason"] == {"errCode": "AA1"}


async def test_a_repeated_reference_id_makes_a_second_refund(setu: Setu) -> None:
    payment = await setu.paid_payment(100_000)
    first = await setu.refund(payment, 10_000, referenceId="SAME")
    second = await setu.refund(payment, 10_000, referenceId="SAME")
    assert first["id"] != second["id"]
    assert len(setu.sim.refunds()) == 2


async def test_a_refund_needs_a_successful_payment_and_a_positive_amount(setu: Setu) -> None:
    dqr = await setu.dqr()
    await setu.call("POST", "/pay", pay_body(dqr, payerRespCode="U30"), status=200)
    failed = await setu.call("GET", f"/payments/product-instances/{dqr['id']}/last", status=200)
    body = {"paymentId": failed["id"], "amount": 100}
    assert await setu.error("POST", "/refunds", body, status=400) == "bad-request"
    payment = await setu.paid_payment()
    for amount in (0, -5, "100"):
        body = {"paymentId": payment["id"], "amount": amount}
        assert await setu.error("POST", "/refunds", body, status=400) == "bad-request"
    assert await setu.error("POST", "/refunds", {"amount": 100}, status=400) == "bad-request"


async def test_a_failed_refund_says_why_and_cannot_be_settled_again(
    setu: Setu, receiver: Receiver
) -> None:
    refund = await setu.refund(await setu.paid_payment(), 1_000)
    await setu.call(
        "PUT", f"/refunds/mock/{refund['id']}/status", {"mockStatus": "failed"}, status=200
    )
    fetched = await setu.call("GET", f"/refunds/{refund['id']}", status=200)
    assert (fetched["status"], fetched["reason"]["errCode"]) == ("failed", "refund-failed")
    again = {"mockStatus": "success"}
    assert await setu.error("PUT", f"/refunds/mock/{refund['id']}/status", again, status=400)
    bad = {"mockStatus": "maybe"}
    assert await setu.error("PUT", f"/refunds/mock/{refund['id']}/status", bad, status=400)
    await eventually(lambda: len(receiver.deliveries) == 4)
    assert receiver.types()[2:] == ["refund.pending", "refund.failed"]


async def test_a_pending_refund_settles_by_itself_after_the_settle_time(
    setu: Setu, receiver: Receiver
) -> None:
    setu.config.refund_settle_seconds = 0.1
    refund = await setu.refund(await setu.paid_payment(), 5_000)
    assert refund["status"] == "pending"
    await eventually(lambda: receiver.types()[-1:] == ["refund.successful"])
    fetched = await setu.call("GET", f"/refunds/{refund['id']}", status=200)
    assert fetched["status"] == "success"
    assert fetched["crn"]


async def _refund_echoes(setu: Setu, receiver: Receiver, refund: dict[str, Any]) -> list[Any]:
    """The refund as every way of reading it shows it: created, fetched, listed by payment,
    and in its two webhooks (pending, then successful once the mock settles it)."""
    fetched = await setu.call("GET", f"/refunds/{refund['id']}", status=200)
    payment = await setu.call("GET", f"/payments/{refund['paymentId']}", status=200)
    listed = await setu.call("GET", f"/refunds/{payment['txnId']}/payment", status=200)
    settle = {"mockStatus": "success"}
    await setu.call("PUT", f"/refunds/mock/{refund['id']}/status", settle, status=200)
    await eventually(lambda: receiver.types()[-2:] == ["refund.pending", "refund.successful"])
    return [refund, fetched, *listed["refunds"], *receiver.events()[-2:], *setu.sim.refunds()]


def _reference(body: dict[str, Any]) -> dict[str, Any]:
    names = ("referenceId", "merchantReferenceId", "currency")
    return {name: body[name] for name in names if name in body}


async def test_refunds_take_and_echo_only_reference_id_in_the_spec_style(
    setu: Setu, receiver: Receiver
) -> None:
    assert setu.sim.faults.refund_reference_style == "spec"
    payment = await setu.paid_payment()
    sent = {"referenceId": "RF-SPEC", "merchantReferenceId": "RF-DOCS", "currency": "INR"}
    refund = await setu.refund(payment, 1_000, **sent)
    echoes = await _refund_echoes(setu, receiver, refund)
    assert len(echoes) == 6
    assert [_reference(body) for body in echoes[:3]] == [{"referenceId": "RF-SPEC"}] * 3
    for event in echoes[3:5]:  # webhooks always say the currency
        assert _reference(event) == {"referenceId": "RF-SPEC", "currency": "INR"}
    assert _reference(echoes[5]) == {"referenceId": "RF-SPEC"}


async def test_refunds_take_and_echo_merchant_reference_id_and_currency_in_the_docs_style(
    setu: Setu, receiver: Receiver
) -> None:
    switched = await setu.http.post("/_control/faults", json={"refund_reference_style": "docs"})
    assert switched.json()["refund_reference_style"] == "docs"
    payment = await setu.paid_payment()
    sent = {"referenceId": "RF-SPEC", "merchantReferenceId": "RF-DOCS", "currency": "INR"}
    refund = await setu.refund(payment, 1_000, **sent)
    echoes = await _refund_echoes(setu, receiver, refund)
    assert len(echoes) == 6
    for body in echoes:
        assert _reference(body) == {"merchantReferenceId": "RF-DOCS", "currency": "INR"}
    without = await setu.refund(payment, 1_000, referenceId="RF-SPEC")  # read from the docs' name
    assert _reference(without) == {"currency": "INR"}


async def test_a_refund_in_another_currency_is_400(setu: Setu) -> None:
    payment = await setu.paid_payment()
    for currency in ("USD", 356):
        body = {"paymentId": payment["id"], "amount": 100, "currency": currency}
        refused = await setu.call("POST", "/refunds", body, status=400, valid=False)
        assert (refused["code"], "currency" in refused["detail"]) == ("bad-request", True)
    assert setu.sim.refunds() == []


# --- Customer VPA verification -------------------------------------------------------------------


async def test_a_vpa_is_pending_until_the_mock_decides_it(setu: Setu, receiver: Receiver) -> None:
    body = {"customerVpa": "ravi@okaxis", "referenceId": "V1"}
    check = await setu.call("POST", "/customer-vpas/verify", body, status=200)
    assert (check["status"], check["customerVpa"], check["referenceId"]) == (
        "pending",
        "ravi@okaxis",
        "V1",
    )
    assert (await setu.call("GET", f"/customer-vpas/verify/{check['id']}", status=200))[
        "status"
    ] == "pending"
    decide = {"id": check["id"], "status": "valid"}
    assert await setu.call("POST", "/customer-vpas/mock/verify", decide, status=200) is None
    fetched = await setu.call("GET", f"/customer-vpas/verify/{check['id']}", status=200)
    assert (fetched["status"], fetched["customerAccountType"]) == ("valid", "SAVINGS")
    assert fetched["customerName"] == "Ravi"
    await eventually(lambda: len(receiver.deliveries) == 1)
    [event] = receiver.events()
    assert (event["eventType"], event["resource"], event["id"]) == (
        "customer_vpa.valid",
        "customer_vpa",
        check["id"],
    )
    assert event["customerName"] == "Ravi"


async def test_an_invalid_vpa_has_a_reason(setu: Setu) -> None:
    check = await setu.call(
        "POST", "/customer-vpas/verify", {"customerVpa": "nobody@okaxis"}, status=200
    )
    decide = {"id": check["id"], "status": "invalid"}
    await setu.call("POST", "/customer-vpas/mock/verify", decide, status=200)
    fetched = await setu.call("GET", f"/customer-vpas/verify/{check['id']}", status=200)
    assert (fetched["status"], fetched["reason"]["code"]) == ("invalid", "invalid-vpa")


@pytest.mark.parametrize(
    "body",
    [{}, {"customerVpa": "no at sign"}, {"customerVpa": "ravi@okaxis", "referenceId": ""}],
)
async def test_a_verify_body_that_breaks_the_spec_is_400(setu: Setu, body: dict[str, str]) -> None:
    assert await setu.error("POST", "/customer-vpas/verify", body, status=400) == "bad-request"


@pytest.mark.parametrize(
    ("vpa", "status", "name", "reason"),
    [
        ("bilal.k@okaxis", "valid", "Bilal K", None),
        ("asha-r99@okhdfc", "valid", "Asha R", None),
        ("ravi.kumar.s.iyer@okicici", "valid", "Ravi Kumar S", None),
        ("9876543210@ybl", "valid", "UPI Customer", None),
        ("invalid.user@okaxis", "invalid", None, "invalid-vpa"),
        ("InvalidRavi@okaxis", "invalid", None, "invalid-vpa"),
        ("ravi@invalid", "invalid", None, "invalid-vpa"),
        ("ravi@fail", "invalid", None, "invalid-vpa"),
        ("ravi@psp-down", "failed", None, "unable-to-fulfill-request"),
    ],
)
async def test_a_vpa_check_decides_itself_from_the_vpa_with_one_signed_webhook(
    setu: Setu, receiver: Receiver, vpa: str, status: str, name: str | None, reason: str | None
) -> None:
    setu.config.vpa_verify_seconds = 0.05
    body = {"customerVpa": vpa, "referenceId": "V-AUTO"}
    check = await setu.call("POST", "/customer-vpas/verify", body, status=200)
    assert check["status"] == "pending"
    fetched = await decided(setu, check["id"])
    assert fetched["status"] == status
    assert fetched.get("customerName") == name
    assert fetched.get("customerAccountType") == ("SAVINGS" if name else None)
    assert fetched.get("reason", {}).get("code") == reason
    await eventually(lambda: len(receiver.deliveries) == 1, within=10)
    await asyncio.sleep(0.3)  # nothing else is on its way
    [event] = receiver.events()
    assert (event["eventType"], event["id"], event.get("customerName")) == (
        f"customer_vpa.{status}",
        check["id"],
        name,
    )
    assert {key: event[key] for key in fetched} == fetched


async def test_a_vpa_check_has_no_customer_name_in_the_spec_style(
    setu: Setu, receiver: Receiver
) -> None:
    setu.config.vpa_verify_seconds = 0.05
    switched = await setu.http.post("/_control/faults", json={"vpa_name_style": "spec"})
    assert switched.json()["vpa_name_style"] == "spec"
    auto = await setu.call(
        "POST", "/customer-vpas/verify", {"customerVpa": "bilal.k@okaxis"}, status=200
    )
    assert "customerName" not in await decided(setu, auto["id"])
    setu.config.vpa_verify_seconds = None  # the next check is the mock's alone
    mocked = await setu.call(
        "POST", "/customer-vpas/verify", {"customerVpa": "asha@okhdfc"}, status=200
    )
    decide = {"id": mocked["id"], "status": "valid"}
    await setu.call("POST", "/customer-vpas/mock/verify", decide, status=200)
    fetched = await setu.call("GET", f"/customer-vpas/verify/{mocked['id']}", status=200)
    assert (fetched["status"], "customerName" in fetched) == ("valid", False)
    await eventually(lambda: len(receiver.deliveries) == 2, within=10)
    assert [("customerName" in event) for event in receiver.events()] == [False, False]
    setu.sim.faults.vpa_name_style = "docs"  # a rendering switch: the name was known all along
    fetched = await setu.call("GET", f"/customer-vpas/verify/{mocked['id']}", status=200)
    assert fetched["customerName"] == "Asha"


async def test_a_vpa_check_the_mock_decided_is_left_alone_by_the_timer(
    setu: Setu, receiver: Receiver
) -> None:
    setu.config.vpa_verify_seconds = 1.0  # long enough for the mock call to come first
    body = {"customerVpa": "bilal.k@okaxis"}
    check = await setu.call("POST", "/customer-vpas/verify", body, status=200)
    decide = {"id": check["id"], "status": "invalid"}
    await setu.call("POST", "/customer-vpas/mock/verify", decide, status=200)
    await asyncio.sleep(1.5)  # past the timer
    fetched = await setu.call("GET", f"/customer-vpas/verify/{check['id']}", status=200)
    assert (fetched["status"], fetched["reason"]["code"]) == ("invalid", "invalid-vpa")
    assert "customerName" not in fetched
    assert receiver.types() == ["customer_vpa.invalid"]


async def test_a_vpa_outcome_can_be_preset_over_http_or_in_python(setu: Setu) -> None:
    setu.config.vpa_verify_seconds = 0.05
    preset = {"vpa": "ravi@okaxis", "status": "valid", "customer_name": "Ravi Shankar"}
    answer = await setu.http.post("/_control/vpa-outcomes", json=preset)
    assert (answer.status_code, answer.json()) == (200, preset)
    setu.sim.preset_vpa("bilal.k@okaxis", "failed")
    checks = [
        await setu.call("POST", "/customer-vpas/verify", {"customerVpa": vpa}, status=200)
        for vpa in ("Ravi@okaxis", "bilal.k@okaxis")
    ]
    named, down = [await decided(setu, check["id"]) for check in checks]
    assert (named["status"], named["customerName"]) == ("valid", "Ravi Shankar")
    assert (down["status"], down["reason"]["code"]) == ("failed", "unable-to-fulfill-request")
    for bad in (
        {"vpa": "ravi@okaxis", "status": "pending"},
        {"vpa": "no at sign", "status": "valid"},
        {"vpa": "ravi@okaxis", "status": "valid", "customer_name": ""},
        {"vpa": "ravi@okaxis", "status": "valid", "name": "Ravi"},
    ):
        refused = await setu.http.post("/_control/vpa-outcomes", json=bad)
        assert (refused.status_code, refused.json()["code"]) == (400, "bad-request")


# --- Request faults ------------------------------------------------------------------------------


async def test_fail_next_answers_500_and_changes_nothing(setu: Setu) -> None:
    setu.sim.faults.fail_next = 1
    body = {"merchantVpa": "trustpay@setu"}
    assert await setu.error("POST", "/dqr", body, status=500) == "internal-server-error"
    assert setu.sim.instances() == []
    await setu.call("POST", "/dqr", body, status=201)
    assert setu.sim.faults.fail_next == 0


async def test_rate_limit_next_answers_429_with_retry_after(setu: Setu) -> None:
    setu.sim.faults.rate_limit_next = 2
    headers = {"Authorization": f"Bearer {setu.token}", "merchantId": setu.config.merchant_id}
    for _ in range(2):
        response = await setu.http.post(
            MERCHANTS + "/dqr", json={"merchantVpa": "a@b"}, headers=headers
        )
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "1"
        assert response.json() == {"code": "too-many-requests", "detail": ANY_TEXT, "docUrl": ""}
    assert setu.sim.instances() == []
    await setu.dqr()


async def test_a_timeout_after_acceptance_still_takes_effect(
    setu: Setu, receiver: Receiver
) -> None:
    dqr = await setu.dqr()
    setu.sim.faults.timeout_next, setu.sim.faults.timeout_seconds = 1, 0.4
    headers = {"Authorization": f"Bearer {setu.token}", "merchantId": setu.config.merchant_id}
    with pytest.raises(httpx.ReadTimeout):
        await setu.http.post(MERCHANTS + "/pay", json=pay_body(dqr), headers=headers, timeout=0.1)
    assert [p["status"] for p in setu.sim.payments()] == ["success"]
    await eventually(lambda: receiver.types() == ["payment.initiated", "payment.success"])
    again = await setu.call("POST", "/pay", pay_body(dqr), status=400)  # no more timeout
    assert again["detail"] == "product instance is not active"


async def test_only_path_contains_aims_request_faults_at_one_endpoint(setu: Setu) -> None:
    setu.sim.faults.fail_next, setu.sim.faults.only_path_contains = 1, "/refunds"
    payment = await setu.paid_payment()
    await setu.call("GET", f"/payments/{payment['id']}", status=200)
    body = {"paymentId": payment["id"], "amount": 100}
    assert await setu.error("POST", "/refunds", body, status=500) == "internal-server-error"
    assert setu.sim.refunds() == []
    await setu.refund(payment, 100)


async def test_request_faults_leave_login_and_control_alone(setu: Setu) -> None:
    setu.sim.faults.fail_next = 5
    assert (await setu.login()).status_code == 200
    assert (await setu.http.get("/_control/faults")).json()["fail_next"] == 5


async def test_faults_are_set_read_and_reset_over_http(setu: Setu) -> None:
    change = {"fail_next": 2, "drop_webhooks": True, "timeout_seconds": 0.5}
    response = await setu.http.post("/_control/faults", json=change)
    assert response.status_code == 200
    assert response.json()["fail_next"] == 2
    assert (setu.sim.faults.drop_webhooks, setu.sim.faults.timeout_seconds) == (True, 0.5)
    assert (await setu.http.get("/_control/faults")).json() == response.json()
    for bad in ({"no_such_fault": 1}, {"fail_next": "two"}, {"fail_next": -1}):
        refused = await setu.http.post("/_control/faults", json=bad)
        assert (refused.status_code, refused.json()["code"]) == (400, "bad-request")
    reset = await setu.http.post("/_control/reset")
    assert reset.json() == (await setu.http.get("/_control/faults")).json()
    assert (setu.sim.faults.fail_next, setu.sim.faults.drop_webhooks) == (0, False)
    assert reset.json()["timeout_seconds"] == 15


async def test_the_source_styles_are_switched_over_http_and_unknown_styles_refused(
    setu: Setu,
) -> None:
    defaults = (await setu.http.get("/_control/faults")).json()
    assert (defaults["refund_reference_style"], defaults["vpa_name_style"]) == ("spec", "docs")
    change = {"refund_reference_style": "docs", "vpa_name_style": "spec"}
    assert (await setu.http.post("/_control/faults", json=change)).json() | change == (
        await setu.http.get("/_control/faults")
    ).json()
    assert (setu.sim.faults.refund_reference_style, setu.sim.faults.vpa_name_style) == (
        "docs",
        "spec",
    )
    for bad in (
        {"refund_reference_style": "both"},
        {"refund_reference_style": "SPEC"},
        {"vpa_name_style": ""},
        {"vpa_name_style": True},
    ):
        refused = await setu.http.post("/_control/faults", json=bad)
        assert (refused.status_code, refused.json()["code"]) == (400, "bad-request")
    assert setu.sim.faults.refund_reference_style == "docs"
    reset = (await setu.http.post("/_control/reset")).json()
    assert (reset["refund_reference_style"], reset["vpa_name_style"]) == ("spec", "docs")


async def test_the_state_view_shows_instances_payments_refunds_and_webhooks(
    setu: Setu, receiver: Receiver
) -> None:
    payment = await setu.paid_payment()
    await setu.refund(payment, 100)
    await eventually(lambda: len(setu.sim.webhook_log()) == 3)
    state = (await setu.http.get("/_control/state")).json()
    assert [i["productInstanceType"] for i in state["instances"]] == ["pay_single"]
    assert state["instances"][0]["status"] == "paid"
    assert [p["id"] for p in state["payments"]] == [payment["id"]]
    assert [r["amount"] for r in state["refunds"]] == [100]
    assert [w["event"] for w in state["webhooks"]] == [
        "payment.initiated",
        "payment.success",
        "refund.pending",
    ]
    first = state["webhooks"][0]
    assert (first["url"], first["attempt"], first["status_code"]) == (receiver.url, 1, 200)
    assert (first["outcome"], first["error"]) == ("delivered", None)


# --- Webhook delivery and its faults -------------------------------------------------------------


async def test_a_failed_delivery_is_retried_with_exponential_backoff(
    setu: Setu, receiver: Receiver
) -> None:
    receiver.replies = [500, 503]
    verification = await setu.call(
        "POST", "/customer-vpas/verify", {"customerVpa": "a@b"}, status=200
    )
    decide = {"id": verification["id"], "status": "failed"}
    await setu.call("POST", "/customer-vpas/mock/verify", decide, status=200)
    await eventually(lambda: len(receiver.deliveries) == 3)
    first, second, third = (d.at for d in receiver.deliveries)
    assert second - first >= 0.05
    assert third - second >= 0.1
    assert len({d.body for d in receiver.deliveries}) == 1
    await eventually(lambda: len(setu.sim.webhook_log()) == 3)  # logged once the answer is read
    log = setu.sim.webhook_log()
    assert [(w["attempt"], w["status_code"], w["outcome"]) for w in log] == [
        (1, 500, "failed"),
        (2, 503, "failed"),
        (3, 200, "delivered"),
    ]


async def test_delivery_gives_up_after_three_retries(setu: Setu, receiver: Receiver) -> None:
    receiver.replies = [500] * 10
    check = await setu.call("POST", "/customer-vpas/verify", {"customerVpa": "a@b"}, status=200)
    await setu.call(
        "POST", "/customer-vpas/mock/verify", {"id": check["id"], "status": "valid"}, status=200
    )
    await eventually(lambda: len(receiver.deliveries) == 4)
    await asyncio.sleep(0.5)  # the last backoff was 0.2 s: a fifth attempt would be here by now
    assert len(receiver.deliveries) == 4
    assert [w["attempt"] for w in setu.sim.webhook_log()] == [1, 2, 3, 4]


async def test_an_unreachable_webhook_url_is_logged_as_an_error(setu: Setu) -> None:
    setu.config.webhook_url = f"http://127.0.0.1:{free_port()}/hook"
    setu.config.webhook_retries = 1
    await setu.pay(await setu.dqr())
    await eventually(lambda: len(setu.sim.webhook_log()) == 4)
    log = setu.sim.webhook_log()
    assert {w["outcome"] for w in log} == {"error"}
    assert all(w["error"] and w["status_code"] is None for w in log)


async def test_no_webhook_url_sends_nothing(setu: Setu, receiver: Receiver) -> None:
    setu.config.webhook_url = ""
    await setu.pay(await setu.dqr())
    await asyncio.sleep(0.1)
    assert (receiver.deliveries, setu.sim.webhook_log()) == ([], [])


async def test_dropped_webhooks_are_never_sent_but_logged(setu: Setu, receiver: Receiver) -> None:
    setu.sim.faults.drop_webhooks = True
    await setu.pay(await setu.dqr())
    await asyncio.sleep(0.2)
    assert receiver.deliveries == []
    log = setu.sim.webhook_log()
    assert [(w["event"], w["outcome"], w["attempt"]) for w in log] == [
        ("payment.initiated", "dropped", 0),
        ("payment.success", "dropped", 0),
    ]


async def test_duplicated_webhooks_arrive_twice_with_the_same_event_id(
    setu: Setu, receiver: Receiver
) -> None:
    setu.sim.faults.duplicate_webhooks = True
    await setu.pay(await setu.dqr())
    await eventually(lambda: len(receiver.deliveries) == 4)
    events = receiver.events()
    assert [e["eventType"] for e in events] == [
        "payment.initiated",
        "payment.initiated",
        "payment.success",
        "payment.success",
    ]
    assert events[0] == events[1]
    assert events[2]["eventId"] == events[3]["eventId"]


async def test_reordered_webhooks_send_the_outcome_before_the_start(
    setu: Setu, receiver: Receiver
) -> None:
    setu.sim.faults.reorder_webhooks = True
    payment = await setu.paid_payment()
    await eventually(lambda: len(receiver.deliveries) == 2)
    assert receiver.types() == ["payment.success", "payment.initiated"]
    refund = await setu.refund(payment, 100)
    await asyncio.sleep(0.1)
    assert len(receiver.deliveries) == 2  # refund.pending is held back...
    await setu.call(
        "PUT", f"/refunds/mock/{refund['id']}/status", {"mockStatus": "success"}, status=200
    )
    await eventually(lambda: len(receiver.deliveries) == 4)
    assert receiver.types()[2:] == ["refund.successful", "refund.pending"]  # ...until the end


async def test_delayed_webhooks_arrive_late(setu: Setu, receiver: Receiver) -> None:
    setu.sim.faults.webhook_delay_seconds = 0.3
    dqr = await setu.dqr()
    paid_at = time.monotonic()
    await setu.pay(dqr)
    await asyncio.sleep(0.15)
    assert receiver.deliveries == []
    await eventually(lambda: len(receiver.deliveries) == 2)
    assert receiver.deliveries[0].at - paid_at >= 0.3
    assert receiver.types() == ["payment.initiated", "payment.success"]


# --- Mounted in another app ----------------------------------------------------------------------


async def test_the_router_works_mounted_under_sandbox_setu(setu: Setu, servers: Servers) -> None:
    product = FastAPI()
    product.include_router(setu.sim.router(), prefix="/sandbox/setu")
    servers.setu.app = product
    login = await setu.login()
    assert login.status_code == 404  # nothing at the root any more
    body = {
        "clientID": "sandbox-client",
        "secret": "sandbox-secret",
        "grant_type": "client_credentials",
    }
    response = await setu.http.post(
        "/sandbox/setu/v1/users/login", json=body, headers={"client": "bridge"}
    )
    token = response.json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "merchantId": setu.config.merchant_id}
    path = "/sandbox/setu/api/v1/merchants/dqr"
    created = await setu.http.post(path, json={"merchantVpa": "trustpay@setu"}, headers=headers)
    validate_response("POST", path, created.status_code, created.json(), created.headers)
    assert (await setu.http.get("/sandbox/setu/_control/state")).json()["instances"][0]["id"] == (
        created.json()["id"]
    )
