"""The RazorpayX Payouts simulator over real HTTP: auth, validation, idempotency, the balance
and the payout statuses, signed webhooks, VPA validations and every fault switch.

Each test runs the simulator and a webhook receiver with uvicorn on loopback ports (served
once per module, each test swapping in fresh apps). Payouts settle after 50 ms here.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from sandbox import webhooks as simulator_webhooks
from sandbox.razorpayx import RazorpayXSimulator, SimulatorConfig, sign
from tests.servers import Swap, free_port, serving

pytestmark = pytest.mark.asyncio(loop_scope="module")

CONFIG = SimulatorConfig()
ACCOUNT = CONFIG.account_number
START = CONFIG.balance_paise
FEES = CONFIG.fee_paise
SERVER_TROUBLE = (
    "We are facing some trouble completing your request at the moment. Please try again shortly."
)
NO_SUCH_ID = "The id provided does not exist"
NO_AUTH = httpx.Auth()  # sends the request as it is, without the client's key pair
PAYOUT_FIELDS = {
    *("id", "entity", "fund_account_id", "amount", "currency", "notes", "fees", "tax"),
    *("status", "purpose", "utr", "mode", "reference_id", "narration", "batch_id"),
    *("status_details", "debit_account_number", "created_at", "fee_type"),
}
ERROR_FIELDS = {"code", "description", "source", "step", "reason", "metadata", "field"}


def id_pattern(prefix: str) -> str:
    return rf"^{prefix}_[A-Za-z0-9]{{14}}$"


def composite(**changes: Any) -> dict[str, Any]:
    """A composite payout body; `changes` keys are dotted paths, a None value removes one."""
    body: dict[str, Any] = {
        "account_number": ACCOUNT,
        "amount": 150_000,
        "currency": "INR",
        "mode": "UPI",
        "purpose": "payout",
        "queue_if_low_balance": True,
        "reference_id": "escrow-payout-amber01",
        "narration": "Escrow release AMBER01",
        "notes": {"escrow": "AMBER01"},
        "fund_account": {
            "account_type": "vpa",
            "vpa": {"address": "ravi@okaxis"},
            "contact": {"name": "Ravi Kumar", "type": "vendor", "reference_id": "payee-1"},
        },
    }
    for path, value in changes.items():
        set_path(body, path, value)
    return body


def set_path(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        body = body[part]
    if value is None:
        body.pop(last, None)
    else:
        body[last] = value


# --- Test servers ------------------------------------------------------------------------------


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]
    at: float


@dataclass
class Receiver:
    """A webhook endpoint that records what arrives and answers with `replies` (then 200)."""

    url: str = ""
    secret: str = CONFIG.webhook_secret
    deliveries: list[Delivery] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)
    stall_seconds: float = 0.0

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            headers = dict(request.headers)
            self.deliveries.append(Delivery(await request.body(), headers, time.monotonic()))
            await asyncio.sleep(self.stall_seconds)
            return Response(status_code=self.replies.pop(0) if self.replies else 200)

        return app

    def events(self) -> list[dict[str, Any]]:
        """Every delivered body, each checked for its signature, event id and envelope."""
        events = []
        for delivery in self.deliveries:
            expected = hmac.new(self.secret.encode(), delivery.body, hashlib.sha256).hexdigest()
            assert delivery.headers["x-razorpay-signature"] == expected
            assert re.fullmatch(id_pattern("evt"), delivery.headers["x-razorpay-event-id"])
            assert delivery.headers["content-type"] == "application/json"
            event = json.loads(delivery.body)
            check_envelope(event)
            events.append(event | {"_event_id": delivery.headers["x-razorpay-event-id"]})
        return events

    def types(self) -> list[str]:
        return [event["event"] for event in self.events()]

    def payouts(self) -> list[dict[str, Any]]:
        return [event["payload"]["payout"]["entity"] for event in self.events()]


STATUS_OF_EVENT = {
    "payout.queued": "queued",
    "payout.initiated": "processing",
    "payout.processed": "processed",
    "payout.reversed": "reversed",
    "payout.failed": "failed",
}


def check_envelope(event: dict[str, Any]) -> None:
    assert set(event) == {"entity", "account_id", "event", "contains", "payload", "created_at"}
    assert event["entity"] == "event"
    assert re.fullmatch(id_pattern("acc"), event["account_id"])
    assert isinstance(event["created_at"], int)
    assert abs(event["created_at"] - time.time()) < 60
    if event["event"].startswith("payout."):
        assert event["contains"] == ["payout"]
        entity = event["payload"]["payout"]["entity"]
        assert set(entity) >= PAYOUT_FIELDS
        assert entity["status"] == STATUS_OF_EVENT.get(event["event"], entity["status"])
    else:
        assert event["contains"] == ["fund_account.validation"]
        entity = event["payload"]["fund_account.validation"]["entity"]
        assert "results" in entity
        assert "validation_results" not in entity


class Clock:
    """Real time plus an offset the test can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


@dataclass
class RazorpayX:
    """An authenticated HTTP client for the simulator."""

    sim: RazorpayXSimulator
    http: httpx.AsyncClient
    clock: Clock

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """Send a request; assert `status`; return the JSON body."""
        response = await self.http.request(method, path, json=body, headers=headers, params=params)
        assert response.status_code == status, response.text
        return response.json()

    async def error(
        self, method: str, path: str, body: Any = None, *, status: int = 400, **kwargs: Any
    ) -> dict[str, Any]:
        """Send a request that must fail; return its error object after checking its shape."""
        answer = await self.call(method, path, body, status=status, **kwargs)
        assert set(answer) == {"error"}
        assert set(answer["error"]) == ERROR_FIELDS
        assert answer["error"]["description"]
        return dict(answer["error"])

    async def pay(self, body: dict[str, Any], key: str | None = None, **kwargs: Any) -> Any:
        headers = {"X-Payout-Idempotency": key or str(uuid.uuid4())}
        return await self.call("POST", "/v1/payouts", body, headers=headers, **kwargs)

    async def payout(self, key: str | None = None, **changes: Any) -> dict[str, Any]:
        return dict(await self.pay(composite(**changes), key))

    async def fetch(self, payout: dict[str, Any]) -> dict[str, Any]:
        return dict(await self.call("GET", f"/v1/payouts/{payout['id']}"))

    async def listed(self, **params: Any) -> dict[str, Any]:
        query = {"account_number": ACCOUNT} | params
        return dict(await self.call("GET", "/v1/payouts", params=query))

    async def control(self, path: str, body: Any = None, *, status: int = 200) -> Any:
        response = await self.http.post(f"/_control{path}", json=body, auth=NO_AUTH)
        assert response.status_code == status, response.text
        return response.json()


async def eventually(check: Callable[[], bool], within: float = 3.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def status_is(rzp: RazorpayX, status: str, index: int = -1) -> Callable[[], bool]:
    return lambda: rzp.sim.payouts()[index]["status"] == status


@dataclass
class Servers:
    rzp: Swap
    receiver: Swap
    receiver_url: str
    api: httpx.AsyncClient  # to the simulator, with our key pair
    hooks: httpx.AsyncClient  # the simulator's, for webhooks (clients are slow to make)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def servers() -> AsyncIterator[Servers]:
    rzp, receiver = Swap(), Swap()
    auth = (CONFIG.key_id, CONFIG.key_secret)
    async with (
        serving(rzp) as rzp_url,
        serving(receiver) as receiver_url,
        httpx.AsyncClient(base_url=rzp_url, auth=auth) as api,
        httpx.AsyncClient() as hooks,
    ):
        yield Servers(rzp, receiver, receiver_url, api, hooks)


@pytest_asyncio.fixture(loop_scope="module")
async def receiver(servers: Servers) -> AsyncIterator[Receiver]:
    receiver = Receiver(url=f"{servers.receiver_url}/hook")
    servers.receiver.app = receiver.app()
    yield receiver
    servers.receiver.app = None


@pytest_asyncio.fixture(loop_scope="module")
async def rzp(servers: Servers, receiver: Receiver) -> AsyncIterator[RazorpayX]:
    config = SimulatorConfig(
        webhook_url=receiver.url, webhook_retry_base_seconds=0.05, settle_seconds=0.05
    )
    clock = Clock()
    sim = RazorpayXSimulator(config, http=servers.hooks, clock=clock)
    servers.rzp.app = sim.app()
    try:
        yield RazorpayX(sim, servers.api, clock)
    finally:
        servers.rzp.app = None
        await sim.aclose()


# --- Authentication ------------------------------------------------------------------------------


async def test_the_right_key_pair_is_let_in(rzp: RazorpayX) -> None:
    assert await rzp.listed() == {"entity": "collection", "count": 0, "items": []}


def _basic(credentials: str) -> str:
    return base64.b64encode(credentials.encode()).decode()


GOOD = _basic(f"{CONFIG.key_id}:{CONFIG.key_secret}")


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        f"Basic {_basic(f'{CONFIG.key_id}:wrong-secret')}",
        f"Basic {_basic(f'rzp_test_other:{CONFIG.key_secret}')}",
        f"Basic {_basic(CONFIG.key_id)}",
        f"basic {GOOD}",
        f"BASIC {GOOD}",
        f'Basic "{GOOD}"',
        f"Basic  {GOOD}",
        f"Bearer {GOOD}",
        "Basic !!!not-base64!!!",
        "Basic",
    ],
    ids=[
        *("missing", "wrong-secret", "wrong-key", "no-colon", "lower-case", "upper-case"),
        *("quoted", "two-spaces", "bearer", "not-base64", "no-token"),
    ],
)
async def test_anything_but_exact_basic_auth_is_401_and_does_nothing(
    rzp: RazorpayX, authorization: str | None
) -> None:
    headers = {"X-Payout-Idempotency": "auth-check-1"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = await rzp.http.post("/v1/payouts", json=composite(), headers=headers, auth=NO_AUTH)
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "BAD_REQUEST_ERROR",
            "description": "Authentication failed",
            "source": "business",
            "step": "NA",
            "reason": "authentication_failed",
            "metadata": {},
            "field": None,
        }
    }
    assert (rzp.sim.payouts(), rzp.sim.balance()) == ([], START)


async def test_an_unknown_path_is_404_in_razorpays_shape(rzp: RazorpayX) -> None:
    error = await rzp.error("GET", "/v1/payments/pay_1", status=404)
    assert error["description"] == "The requested URL was not found on the server."
    error = await rzp.error("DELETE", "/v1/payouts/pout_1", status=404)
    assert error["code"] == "BAD_REQUEST_ERROR"


# --- Validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("amount", 99, "amount"),
        ("amount", "150000", "amount"),
        ("amount", 1500.5, "amount"),
        ("amount", True, "amount"),
        ("amount", CONFIG.upi_max_paise + 1, "amount"),
        ("amount", None, "amount"),
        ("currency", "USD", "currency"),
        ("mode", "upi", "mode"),
        ("mode", "IMPS", "mode"),
        ("purpose", "gift", "purpose"),
        ("queue_if_low_balance", "yes", "queue_if_low_balance"),
        ("narration", "x" * 31, "narration"),
        ("narration", "Escrow-AMBER01", "narration"),
        ("reference_id", "r" * 41, "reference_id"),
        ("notes", {str(n): "v" for n in range(16)}, "notes"),
        ("notes", {"escrow": "v" * 257}, "notes"),
        ("notes", {"escrow": 1}, "notes"),
        ("fund_account", None, "fund_account_id"),
        ("fund_account_id", "fa_00000000000000", "fund_account"),
        ("fund_account.account_type", "bank_account", "fund_account.account_type"),
        ("fund_account.vpa.address", "ravi", "fund_account.vpa.address"),
        ("fund_account.vpa.address", "r@", "fund_account.vpa.address"),
        ("fund_account.vpa.address", "ravi@ok@axis", "fund_account.vpa.address"),
        ("fund_account.vpa.address", "ravi kumar@okaxis", "fund_account.vpa.address"),
        ("fund_account.vpa.address", "ravi_k@okaxis", "fund_account.vpa.address"),
        ("fund_account.vpa.address", "r" * 94 + "@okaxis", "fund_account.vpa.address"),
        ("fund_account.contact.name", "Al", "fund_account.contact.name"),
        ("fund_account.contact.name", "R" * 51, "fund_account.contact.name"),
        ("fund_account.contact.name", "Ravi!", "fund_account.contact.name"),
        ("fund_account.contact.name", "Ravi Kumar-", "fund_account.contact.name"),
        ("fund_account.contact.name", None, "fund_account.contact.name"),
        ("fund_account.contact.type", "friend", "fund_account.contact.type"),
        ("fund_account.contact.email", "not-an-email", "fund_account.contact.email"),
        ("fund_account.contact.reference_id", "p" * 41, "fund_account.contact.reference_id"),
        ("tip", 100, "tip"),
    ],
)
async def test_a_payout_body_that_breaks_a_rule_is_400_naming_the_field(
    rzp: RazorpayX, path: str, value: Any, field: str
) -> None:
    body = composite(**{path: value})
    if value is None and path == "amount":
        assert "amount" not in body
    error = await rzp.error(
        "POST", "/v1/payouts", body, headers={"X-Payout-Idempotency": "valid-1"}
    )
    assert (error["code"], error["field"]) == ("BAD_REQUEST_ERROR", field)
    assert (error["reason"], error["source"], error["step"]) == (
        "input_validation_failed",
        "business",
        "NA",
    )
    assert (rzp.sim.payouts(), rzp.sim.balance()) == ([], START)
    assert rzp.sim.state()["contacts"] == []


async def test_error_descriptions_speak_razorpays_words(rzp: RazorpayX) -> None:
    key = {"X-Payout-Idempotency": "words-1"}
    cases = {
        "account_number": "The account number field is required.",
        "tip": "tip is/are not required and should not be sent",
    }
    for path, description in cases.items():
        body = composite(**{path: None if path == "account_number" else 1})
        error = await rzp.error("POST", "/v1/payouts", body, headers=key)
        assert error["description"] == description
    error = await rzp.error("POST", "/v1/payouts", composite(amount=99), headers=key)
    assert error["description"] == "The amount must be at least 100."


async def test_another_account_number_is_invalid(rzp: RazorpayX) -> None:
    body = composite(account_number="2323230000000000")
    error = await rzp.error("POST", "/v1/payouts", body, headers={"X-Payout-Idempotency": "acct"})
    assert error["description"] == "The RazorpayX Account number is invalid."
    assert error["field"] == "account_number"


async def test_the_upi_limit_and_the_minimum_are_inclusive(rzp: RazorpayX) -> None:
    top = await rzp.payout(amount=CONFIG.upi_max_paise)
    least = await rzp.payout(amount=100)
    assert (top["status"], least["status"]) == ("processing", "processing")


@pytest.mark.parametrize("name", ["Ravi Kumar", "G. O’Brien-Smith Jr.", "A/B (Traders) Ltd."])
async def test_contact_names_with_the_allowed_marks_are_accepted(rzp: RazorpayX, name: str) -> None:
    payout = await rzp.payout(**{"fund_account.contact.name": name})
    assert payout["fund_account"]["contact"]["name"] == name


async def test_a_body_that_is_not_json_is_400(rzp: RazorpayX) -> None:
    headers = {"X-Payout-Idempotency": "not-json", "Content-Type": "application/json"}
    response = await rzp.http.post("/v1/payouts", content=b"{nope", headers=headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "BAD_REQUEST_ERROR"


# --- Composite payout, start to finish ------------------------------------------------------------


async def test_a_composite_payout_is_processed_with_a_utr_and_signed_webhooks(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    created = await rzp.payout()
    assert re.fullmatch(id_pattern("pout"), created["id"])
    assert set(created) == PAYOUT_FIELDS | {"fund_account"}
    assert created["entity"] == "payout"
    assert (created["status"], created["utr"], created["fee_type"]) == ("processing", None, "")
    assert (created["amount"], created["fees"], created["tax"]) == (150_000, FEES, 90)
    assert (created["currency"], created["mode"], created["purpose"]) == ("INR", "UPI", "payout")
    assert created["status_details"] == {
        "description": created["status_details"]["description"],
        "source": "gateway",
        "reason": "payout_bank_processing",
    }
    assert created["debit_account_number"] == ACCOUNT
    assert (created["reference_id"], created["narration"]) == (
        "escrow-payout-amber01",
        "Escrow release AMBER01",
    )
    assert created["notes"] == {"escrow": "AMBER01"}
    assert abs(created["created_at"] - time.time()) < 5
    assert rzp.sim.balance() == START - 150_000 - FEES

    fund_account = created["fund_account"]
    assert fund_account["id"] == created["fund_account_id"]
    assert re.fullmatch(id_pattern("fa"), fund_account["id"])
    assert fund_account["vpa"] == {
        "username": "ravi",
        "handle": "okaxis",
        "address": "ravi@okaxis",
    }
    contact = fund_account["contact"]
    assert re.fullmatch(id_pattern("cont"), contact["id"])
    assert contact["id"] == fund_account["contact_id"]
    assert (contact["name"], contact["type"], contact["reference_id"]) == (
        "Ravi Kumar",
        "vendor",
        "payee-1",
    )

    await eventually(lambda: len(receiver.deliveries) == 3)
    assert receiver.types() == ["payout.initiated", "payout.updated", "payout.processed"]
    initiated, updated, processed = receiver.payouts()
    assert initiated == created
    assert (updated["status"], updated["utr"]) == ("processing", processed["utr"])
    assert re.fullmatch(r"\d{12}", processed["utr"])
    assert processed["status_details"]["reason"] == "payout_processed"
    assert processed == await rzp.fetch(created)
    events = receiver.events()
    assert len({event["_event_id"] for event in events}) == 3
    assert len({event["account_id"] for event in events}) == 1
    assert rzp.sim.balance() == START - 150_000 - FEES


async def test_the_webhook_signature_is_hex_hmac_sha256_of_the_raw_body(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    await rzp.payout()
    await eventually(lambda: len(receiver.deliveries) == 3)
    delivery = receiver.deliveries[0]
    signature = delivery.headers["x-razorpay-signature"]
    assert re.fullmatch(r"[0-9a-f]{64}", signature)
    assert signature == sign(CONFIG.webhook_secret, delivery.body)
    assert signature != sign(CONFIG.webhook_secret, delivery.body + b" ")


async def test_a_payout_to_a_fund_account_id_is_shown_without_it_nested(rzp: RazorpayX) -> None:
    contact = await rzp.call("POST", "/v1/contacts", {"name": "Ravi Kumar", "type": "vendor"})
    fund_account = await rzp.call(
        "POST",
        "/v1/fund_accounts",
        {"account_type": "vpa", "contact_id": contact["id"], "vpa": {"address": "ravi@okaxis"}},
    )
    body = composite(fund_account=None, fund_account_id=fund_account["id"])
    payout = await rzp.pay(body)
    assert set(payout) == PAYOUT_FIELDS
    assert payout["fund_account_id"] == fund_account["id"]
    await eventually(status_is(rzp, "processed"))


async def test_contacts_and_fund_accounts_are_made_fetched_and_deduplicated(
    rzp: RazorpayX,
) -> None:
    details = {"name": "Ravi Kumar", "email": "ravi@example.com", "contact": "9876543210"}
    contact = await rzp.call("POST", "/v1/contacts", details | {"notes": {"a": "b"}})
    assert re.fullmatch(id_pattern("cont"), contact["id"])
    assert (contact["entity"], contact["active"], contact["batch_id"]) == ("contact", True, None)
    assert await rzp.call("GET", f"/v1/contacts/{contact['id']}") == contact
    assert (await rzp.call("POST", "/v1/contacts", details))["id"] == contact["id"]
    other = await rzp.call("POST", "/v1/contacts", details | {"email": "r@example.com"})
    assert other["id"] != contact["id"]

    vpa = {"account_type": "vpa", "contact_id": contact["id"], "vpa": {"address": "ravi@ybl"}}
    fund_account = await rzp.call("POST", "/v1/fund_accounts", vpa)
    assert re.fullmatch(id_pattern("fa"), fund_account["id"])
    assert fund_account["vpa"] == {"username": "ravi", "handle": "ybl", "address": "ravi@ybl"}
    assert "contact" not in fund_account
    assert await rzp.call("GET", f"/v1/fund_accounts/{fund_account['id']}") == fund_account
    assert (await rzp.call("POST", "/v1/fund_accounts", vpa))["id"] == fund_account["id"]
    again = vpa | {"contact_id": other["id"]}
    assert (await rzp.call("POST", "/v1/fund_accounts", again))["id"] != fund_account["id"]


async def test_composite_payouts_reuse_a_matching_contact_and_fund_account(
    rzp: RazorpayX,
) -> None:
    first, second = await rzp.payout(), await rzp.payout()
    assert first["fund_account_id"] == second["fund_account_id"]
    third = await rzp.payout(**{"fund_account.contact.reference_id": "payee-2"})
    assert third["fund_account"]["contact"]["id"] != first["fund_account"]["contact"]["id"]
    assert len(rzp.sim.state()["contacts"]) == 2


async def test_unknown_ids_are_400_the_id_provided_does_not_exist(rzp: RazorpayX) -> None:
    for path in (
        "/v1/payouts/pout_00000000000000",
        "/v1/contacts/cont_00000000000000",
        "/v1/fund_accounts/fa_00000000000000",
        "/v1/fund_accounts/validations/fav_00000000000000",
    ):
        assert (await rzp.error("GET", path))["description"] == NO_SUCH_ID
    vpa = {"account_type": "vpa", "contact_id": "cont_00000000000000", "vpa": {"address": "a@b"}}
    error = await rzp.error("POST", "/v1/fund_accounts", vpa)
    assert (error["description"], error["field"]) == (NO_SUCH_ID, "contact_id")
    body = composite(fund_account=None, fund_account_id="fa_00000000000000")
    headers = {"X-Payout-Idempotency": "unknown-fa"}
    error = await rzp.error("POST", "/v1/payouts", body, headers=headers)
    assert (error["description"], error["field"]) == (NO_SUCH_ID, "fund_account_id")


# --- Idempotency ---------------------------------------------------------------------------------


async def test_a_payout_without_an_idempotency_key_is_refused_as_documented(
    rzp: RazorpayX,
) -> None:
    answer = await rzp.call("POST", "/v1/payouts", composite(), status=400)
    assert answer == {
        "error": {
            "code": "BAD_REQUEST_ERROR",
            "description": (
                "Idempotency key is missing. Include idempotency header and key in the request."
            ),
            "source": "business",
            "step": None,
            "reason": "null",
            "metadata": {},
            "field": "X-Payout-Idempotency",
        }
    }
    assert rzp.sim.payouts() == []


@pytest.mark.parametrize("key", ["abc", "k" * 37, "key!1", "key.1234"])
async def test_a_malformed_idempotency_key_is_400(rzp: RazorpayX, key: str) -> None:
    headers = {"X-Payout-Idempotency": key}
    error = await rzp.error("POST", "/v1/payouts", composite(), headers=headers)
    assert error["field"] == "X-Payout-Idempotency"
    assert rzp.sim.payouts() == []


async def test_a_replay_with_the_same_body_returns_the_same_payout_and_debits_once(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    key = "escrow-AMBER01_release 1"
    first = await rzp.payout(key)
    reordered = json.dumps(dict(reversed(list(composite().items()))), indent=2).encode()
    headers = {"X-Payout-Idempotency": key, "Content-Type": "application/json"}
    response = await rzp.http.post("/v1/payouts", content=reordered, headers=headers)
    assert response.status_code == 200
    assert response.json()["id"] == first["id"]
    assert len(rzp.sim.payouts()) == 1
    assert rzp.sim.balance() == START - 150_000 - FEES
    await eventually(lambda: len(receiver.deliveries) == 3)
    assert receiver.types().count("payout.initiated") == 1


async def test_a_replay_after_processing_shows_the_current_state(rzp: RazorpayX) -> None:
    first = await rzp.payout("key-current")
    await eventually(status_is(rzp, "processed"))
    replay = await rzp.payout("key-current")
    assert (replay["id"], replay["status"]) == (first["id"], "processed")
    assert re.fullmatch(r"\d{12}", replay["utr"])


async def test_replay_first_returns_the_first_response_unchanged(rzp: RazorpayX) -> None:
    rzp.sim.config.replay = "first"
    first = await rzp.payout("key-first")
    await eventually(status_is(rzp, "processed"))
    assert await rzp.payout("key-first") == first


async def test_the_same_key_with_a_different_body_is_refused(rzp: RazorpayX) -> None:
    await rzp.payout("key-body")
    headers = {"X-Payout-Idempotency": "key-body"}
    error = await rzp.error("POST", "/v1/payouts", composite(amount=150_001), headers=headers)
    assert error["description"] == "Different request body sent for the same Idempotency Header"
    assert len(rzp.sim.payouts()) == 1
    assert rzp.sim.balance() == START - 150_000 - FEES


async def test_a_key_refused_for_a_bad_body_is_free_for_the_corrected_one(
    rzp: RazorpayX,
) -> None:
    headers = {"X-Payout-Idempotency": "key-fixed"}
    await rzp.error("POST", "/v1/payouts", composite(mode="upi"), headers=headers)
    assert (await rzp.payout("key-fixed"))["status"] == "processing"


async def test_a_key_is_forgotten_after_its_time_to_live(rzp: RazorpayX) -> None:
    first = await rzp.payout("key-ttl")
    rzp.clock.offset = timedelta(days=7, seconds=1)
    second = await rzp.payout("key-ttl")
    assert second["id"] != first["id"]
    assert len(rzp.sim.payouts()) == 2


# --- Balance and queueing -------------------------------------------------------------------------


async def test_a_short_balance_queues_payouts_and_a_top_up_releases_them_in_order(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    await rzp.control("/balance", {"set_paise": 100_000})
    first = await rzp.payout(amount=60_000)
    second, third = await rzp.payout(amount=60_000), await rzp.payout(amount=60_000)
    assert [p["status"] for p in (first, second, third)] == ["processing", "queued", "queued"]
    assert second["status_details"]["reason"] == "low_balance"
    assert (second["fees"], second["tax"]) == (0, 0)
    assert rzp.sim.balance() == 100_000 - 60_000 - FEES
    topped = await rzp.control("/balance", {"add_paise": 21_000})  # covers exactly one
    assert topped == {"balance_paise": 0}
    assert (await rzp.fetch(second))["fees"] == FEES
    assert (await rzp.fetch(third))["status"] == "queued"
    await eventually(lambda: receiver.types().count("payout.processed") == 2)
    its_events = [
        event["event"]
        for event in receiver.events()
        if event["payload"]["payout"]["entity"]["id"] == second["id"]
    ]
    assert its_events == ["payout.queued", "payout.initiated", "payout.updated", "payout.processed"]


async def test_a_top_up_skips_a_queued_payout_it_cannot_cover_for_a_later_one(
    rzp: RazorpayX,
) -> None:
    await rzp.sim.set_balance(0)
    big = await rzp.payout(amount=500_000)
    small = await rzp.payout(amount=5_000)
    assert rzp.sim.balance() == 0
    await rzp.sim.top_up(10_000)
    assert (await rzp.fetch(big))["status"] == "queued"
    assert (await rzp.fetch(small))["status"] == "processing"
    assert rzp.sim.balance() == 10_000 - 5_000 - FEES


async def test_a_reversal_credits_amount_and_fees_back_and_frees_the_queue(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.config.settle_seconds = 0.3  # long enough to look before the reversal
    await rzp.sim.set_balance(20_000)
    doomed = await rzp.payout(amount=15_000, **{"fund_account.vpa.address": "ravi@fail"})
    waiting = await rzp.payout(amount=10_000)
    assert (doomed["status"], waiting["status"]) == ("processing", "queued")
    assert rzp.sim.balance() == 20_000 - 15_000 - FEES
    await eventually(lambda: receiver.types().count("payout.processed") == 1)
    reversed_ = await rzp.fetch(doomed)
    assert reversed_["status"] == "reversed"
    assert reversed_["status_details"]["reason"] == "beneficiary_vpa_invalid"
    assert reversed_["status_details"]["source"] == "business"
    assert rzp.sim.balance() == 20_000 - 10_000 - FEES
    assert "payout.reversed" in receiver.types()


async def test_a_short_balance_without_queueing_fails_the_payout(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    await rzp.sim.set_balance(1_000)
    payout = await rzp.payout(queue_if_low_balance=False)
    assert (payout["status"], payout["status_details"]["reason"]) == (
        "failed",
        "insufficient_funds",
    )
    assert (payout["fees"], rzp.sim.balance()) == (0, 1_000)
    await eventually(lambda: receiver.types() == ["payout.failed"])
    body = composite(queue_if_low_balance=None)  # false is the default
    assert (await rzp.pay(body))["status"] == "failed"


async def test_reject_mode_answers_400_insufficient_funds_and_keeps_the_key_free(
    rzp: RazorpayX,
) -> None:
    rzp.sim.config.insufficient_balance = "reject"
    await rzp.sim.set_balance(1_000)
    headers = {"X-Payout-Idempotency": "key-short"}
    body = composite(queue_if_low_balance=False)
    error = await rzp.error("POST", "/v1/payouts", body, headers=headers)
    assert (error["reason"], error["code"]) == ("insufficient_funds", "BAD_REQUEST_ERROR")
    assert (rzp.sim.payouts(), rzp.sim.state()["contacts"]) == ([], [])
    await rzp.sim.top_up(1_000_000)
    assert (await rzp.pay(body, "key-short"))["status"] == "processing"


async def test_the_balance_control_takes_exactly_one_of_add_and_set(rzp: RazorpayX) -> None:
    for bad in ({}, {"add_paise": 1, "set_paise": 1}, {"add_paise": 0}, {"set_paise": -1}):
        await rzp.control("/balance", bad, status=400)
    assert rzp.sim.balance() == START
    assert await rzp.control("/balance", {"add_paise": 1}) == {"balance_paise": START + 1}


# --- Cancel --------------------------------------------------------------------------------------


async def test_a_queued_payout_is_cancelled_with_a_payout_updated_event(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    await rzp.sim.set_balance(0)
    queued = await rzp.payout()
    cancelled = await rzp.call("POST", f"/v1/payouts/{queued['id']}/cancel")
    assert (cancelled["id"], cancelled["status"]) == (queued["id"], "cancelled")
    assert rzp.sim.balance() == 0
    await eventually(lambda: len(receiver.deliveries) == 2)
    assert receiver.types() == ["payout.queued", "payout.updated"]
    assert receiver.payouts()[1]["status"] == "cancelled"
    await rzp.sim.top_up(1_000_000)
    assert (await rzp.fetch(queued))["status"] == "cancelled"


async def test_only_a_queued_payout_can_be_cancelled(rzp: RazorpayX) -> None:
    payout = await rzp.payout()
    error = await rzp.error("POST", f"/v1/payouts/{payout['id']}/cancel")
    assert error["code"] == "BAD_REQUEST_ERROR"
    await eventually(status_is(rzp, "processed"))
    await rzp.error("POST", f"/v1/payouts/{payout['id']}/cancel")
    assert (await rzp.fetch(payout))["status"] == "processed"
    error = await rzp.error("POST", "/v1/payouts/pout_00000000000000/cancel")
    assert error["description"] == NO_SUCH_ID


# --- Scenario VPAs and forced moves ---------------------------------------------------------------


async def test_a_psp_down_vpa_fails_and_gives_the_money_back(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    payout = await rzp.payout(**{"fund_account.vpa.address": "ravi@psp-down"})
    await eventually(lambda: receiver.types() == ["payout.initiated", "payout.failed"])
    failed = await rzp.fetch(payout)
    assert failed["status_details"]["reason"] == "beneficiary_psp_offline"
    assert failed["status_details"]["source"] == "beneficiary_bank"
    assert rzp.sim.balance() == START


async def test_a_late_reverse_vpa_is_processed_then_reversed(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.config.settle_seconds = 0.2  # time to look between processed and reversed
    payout = await rzp.payout(**{"fund_account.vpa.address": "ravi@late-reverse"})
    await eventually(lambda: "payout.processed" in receiver.types())
    assert rzp.sim.balance() == START - 150_000 - FEES
    await eventually(lambda: len(receiver.deliveries) == 4)
    assert receiver.types() == [
        "payout.initiated",
        "payout.updated",
        "payout.processed",
        "payout.reversed",
    ]
    reversed_ = await rzp.fetch(payout)
    assert reversed_["utr"] == receiver.payouts()[2]["utr"]
    assert rzp.sim.balance() == START


async def test_a_slow_vpa_waits_in_processing_until_settled_by_hand(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    payout = await rzp.payout(**{"fund_account.vpa.address": "ravi@slow"})
    await eventually(lambda: receiver.types() == ["payout.initiated", "payout.updated"])
    await asyncio.sleep(0.2)
    waiting = await rzp.fetch(payout)
    assert waiting["status"] == "processing"
    assert waiting["status_details"]["reason"] == "beneficiary_bank_confirmation_pending"
    settled = await rzp.control(f"/payouts/{payout['id']}/settle", {"to": "processed"})
    assert (settled["status"], len(settled["utr"])) == ("processed", 12)
    await eventually(lambda: len(receiver.deliveries) == 4)
    assert receiver.types()[2:] == ["payout.updated", "payout.processed"]


async def test_without_settle_seconds_payouts_move_only_by_hand(rzp: RazorpayX) -> None:
    rzp.sim.config.settle_seconds = None
    payout = await rzp.payout()
    await asyncio.sleep(0.2)
    assert (await rzp.fetch(payout))["status"] == "processing"
    failed = await rzp.sim.settle(payout["id"], "failed", "npci_beneficiary_timeout")
    assert (failed["status"], failed["status_details"]["reason"]) == (
        "failed",
        "npci_beneficiary_timeout",
    )
    assert rzp.sim.balance() == START
    reversed_ = await rzp.sim.settle(payout["id"], "reversed")
    assert reversed_["status"] == "reversed"
    assert rzp.sim.balance() == START  # the money came back once, not twice


async def test_forced_moves_follow_the_transition_table(rzp: RazorpayX) -> None:
    rzp.sim.config.settle_seconds = None
    payout = await rzp.payout()
    path = f"/payouts/{payout['id']}/settle"
    bad_reason = {"to": "reversed", "reason": "low_balance"}
    assert (await rzp.control(path, bad_reason, status=400))["error"]["field"] == "reason"
    await rzp.control(path, {"to": "processed"})
    refused = await rzp.control(path, {"to": "processing"}, status=400)
    assert refused["error"]["code"] == "BAD_REQUEST_ERROR"
    await rzp.control(path, {"to": "nowhere"}, status=400)
    unknown = await rzp.control("/payouts/pout_00000000000000/settle", {}, status=400)
    assert unknown["error"]["description"] == NO_SUCH_ID
    reversed_ = await rzp.control(path, {"to": "reversed", "reason": "beneficiary_bank_rejected"})
    assert reversed_["status"] == "reversed"


async def test_the_invalid_vpa_switch_reverses_every_payout(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.faults.invalid_vpa = True
    payout = await rzp.payout()
    await eventually(lambda: receiver.types() == ["payout.initiated", "payout.reversed"])
    reason = (await rzp.fetch(payout))["status_details"]["reason"]
    assert reason == "beneficiary_vpa_invalid"


# --- Listing -------------------------------------------------------------------------------------


async def test_payouts_are_listed_newest_first_by_reference_id_and_status(rzp: RazorpayX) -> None:
    rzp.sim.config.settle_seconds = None
    mine = [await rzp.payout(reference_id="escrow-A") for _ in range(3)]
    other = await rzp.payout(reference_id="escrow-B")
    listed = await rzp.listed(reference_id="escrow-A")
    assert listed["entity"] == "collection"
    assert [item["id"] for item in listed["items"]] == [p["id"] for p in reversed(mine)]
    assert listed["count"] == 3
    page = await rzp.listed(reference_id="escrow-A", count=1, skip=1)
    assert [item["id"] for item in page["items"]] == [mine[1]["id"]]
    await rzp.sim.settle(other["id"])
    processed = await rzp.listed(status="processed")
    assert [item["id"] for item in processed["items"]] == [other["id"]]
    assert (await rzp.listed(reference_id="escrow-C"))["items"] == []
    by_account = await rzp.listed(fund_account_id=other["fund_account_id"])
    assert by_account["count"] == 4


async def test_a_days_payouts_are_paged_by_from_to_count_skip_and_reference_id_together(
    rzp: RazorpayX,
) -> None:
    rzp.sim.config.settle_seconds = None
    days: list[list[dict[str, Any]]] = []
    others: list[dict[str, Any]] = []
    for day in range(3):
        rzp.clock.offset = timedelta(days=day)
        days.append([await rzp.payout(reference_id="escrow-A") for _ in range(3)])
        others.append(await rzp.payout(reference_id="escrow-B"))
    middle = days[1]
    since, until = middle[0]["created_at"], others[1]["created_at"]
    assert (days[0][-1]["created_at"] < since, until < days[2][0]["created_at"]) == (True, True)
    window = {"from": since, "to": until, "reference_id": "escrow-A"}  # Unix seconds, inclusive
    first = await rzp.listed(**window, count=2, skip=0)
    rest = await rzp.listed(**window, count=2, skip=2)
    beyond = await rzp.listed(**window, count=2, skip=4)
    paged = [item["id"] for page in (first, rest, beyond) for item in page["items"]]
    assert paged == [payout["id"] for payout in reversed(middle)]  # newest first, each once
    assert [page["count"] for page in (first, rest, beyond)] == [2, 1, 0]
    everything = await rzp.listed(**window, count=100)
    assert [item["id"] for item in everything["items"]] == paged
    whole_day = await rzp.listed(**{"from": since, "to": until, "count": 100})
    assert [item["id"] for item in whole_day["items"]] == [others[1]["id"], *paged]
    after = await rzp.listed(**window | {"from": until + 1, "to": until + 1})
    assert after["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"account_number": None}, "account_number"),
        ({"account_number": "2323230000000000"}, "account_number"),
        ({"count": 0}, "count"),
        ({"count": 101}, "count"),
        ({"skip": "minus"}, "skip"),
        ({"status": "done"}, "status"),
        ({"from": "yesterday"}, "from"),
        ({"to": "-1"}, "to"),
    ],
)
async def test_a_bad_list_query_is_400(rzp: RazorpayX, params: dict[str, Any], field: str) -> None:
    merged = {"account_number": ACCOUNT} | params
    query = {key: value for key, value in merged.items() if value is not None}
    error = await rzp.error("GET", "/v1/payouts", params=query)
    assert error["field"] == field


# --- Request faults ------------------------------------------------------------------------------


async def test_fail_next_answers_500_and_changes_nothing(rzp: RazorpayX) -> None:
    rzp.sim.faults.fail_next = 1
    headers = {"X-Payout-Idempotency": "key-500"}
    answer = await rzp.error("POST", "/v1/payouts", composite(), status=500, headers=headers)
    assert answer == {
        "code": "SERVER_ERROR",
        "description": SERVER_TROUBLE,
        "source": "internal",
        "step": "NA",
        "reason": "server_error",
        "metadata": {},
        "field": None,
    }
    assert (rzp.sim.payouts(), rzp.sim.balance(), rzp.sim.faults.fail_next) == ([], START, 0)
    assert (await rzp.payout("key-500"))["status"] == "processing"


async def test_a_failure_after_acceptance_made_the_payout_and_a_replay_finds_it(
    rzp: RazorpayX,
) -> None:
    rzp.sim.faults.fail_after_accept_next = 1
    await rzp.listed()  # only POST /v1/payouts uses this switch up
    headers = {"X-Payout-Idempotency": "key-accepted"}
    error = await rzp.error("POST", "/v1/payouts", composite(), status=500, headers=headers)
    assert error["code"] == "SERVER_ERROR"
    [made] = rzp.sim.payouts()
    assert rzp.sim.balance() == START - 150_000 - FEES
    assert (await rzp.payout("key-accepted"))["id"] == made["id"]
    listed = await rzp.listed(reference_id="escrow-payout-amber01")
    assert [p["id"] for p in listed["items"]] == [made["id"]]
    assert rzp.sim.balance() == START - 150_000 - FEES


async def test_rate_limit_next_answers_429_and_changes_nothing(rzp: RazorpayX) -> None:
    rzp.sim.faults.rate_limit_next = 2
    headers = {"X-Payout-Idempotency": "key-429"}
    for _ in range(2):
        error = await rzp.error("POST", "/v1/payouts", composite(), status=429, headers=headers)
        assert error["code"] == "BAD_REQUEST_ERROR"
    assert rzp.sim.payouts() == []
    await rzp.payout("key-429")


async def test_a_timeout_after_acceptance_still_makes_the_payout(rzp: RazorpayX) -> None:
    rzp.sim.faults.timeout_next, rzp.sim.faults.timeout_seconds = 1, 0.4
    headers = {"X-Payout-Idempotency": "key-timeout"}
    with pytest.raises(httpx.ReadTimeout):
        await rzp.http.post("/v1/payouts", json=composite(), headers=headers, timeout=0.1)
    [made] = rzp.sim.payouts()
    replay = await rzp.payout("key-timeout")
    assert replay["id"] == made["id"]
    assert len(rzp.sim.payouts()) == 1


async def test_only_path_contains_aims_request_faults_at_one_endpoint(rzp: RazorpayX) -> None:
    rzp.sim.faults.fail_next, rzp.sim.faults.only_path_contains = 1, "/contacts"
    payout = await rzp.payout()
    await rzp.fetch(payout)
    await rzp.error("POST", "/v1/contacts", {"name": "Ravi Kumar"}, status=500)
    await rzp.call("POST", "/v1/contacts", {"name": "Ravi Kumar"})


async def test_faults_are_set_read_and_reset_over_http_and_spare_the_control_api(
    rzp: RazorpayX,
) -> None:
    change = {"fail_next": 2, "drop_webhooks": True, "timeout_seconds": 0.5}
    answer = await rzp.control("/faults", change)
    assert (answer["fail_next"], answer["drop_webhooks"]) == (2, True)
    assert (rzp.sim.faults.fail_next, rzp.sim.faults.timeout_seconds) == (2, 0.5)
    assert (await rzp.http.get("/_control/faults")).json() == answer
    assert (await rzp.http.get("/_control/state")).status_code == 200
    for bad in ({"no_such_fault": 1}, {"fail_next": "two"}, {"fail_next": -1}):
        refused = await rzp.control("/faults", bad, status=400)
        assert refused["error"]["code"] == "BAD_REQUEST_ERROR"
    reset = await rzp.control("/reset")
    assert (reset["fail_next"], reset["drop_webhooks"], reset["timeout_seconds"]) == (0, False, 15)


async def test_the_state_view_shows_balance_payouts_contacts_and_webhooks(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    payout = await rzp.payout()
    await eventually(lambda: len(receiver.deliveries) == 3)
    state = (await rzp.http.get("/_control/state")).json()
    assert state["balance_paise"] == START - 150_000 - FEES
    assert [p["id"] for p in state["payouts"]] == [payout["id"]]
    assert [c["name"] for c in state["contacts"]] == ["Ravi Kumar"]
    assert [f["id"] for f in state["fund_accounts"]] == [payout["fund_account_id"]]
    first = state["webhooks"][0]
    assert (first["event"], first["attempt"], first["outcome"]) == (
        "payout.initiated",
        1,
        "delivered",
    )
    assert (first["url"], first["status_code"], first["error"]) == (receiver.url, 200, None)


# --- Webhook delivery and its faults -------------------------------------------------------------


async def test_a_failed_delivery_is_retried_with_backoff_under_the_same_event_id(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.config.settle_seconds = None
    receiver.replies = [500, 503]
    await rzp.payout()
    await eventually(lambda: len(rzp.sim.webhook_log()) == 3)
    first, second, third = (d.at for d in receiver.deliveries)
    assert second - first >= 0.05
    assert third - second >= 0.1
    assert len({d.body for d in receiver.deliveries}) == 1
    assert len({d.headers["x-razorpay-event-id"] for d in receiver.deliveries}) == 1
    assert [(w["attempt"], w["status_code"], w["outcome"]) for w in rzp.sim.webhook_log()] == [
        (1, 500, "failed"),
        (2, 503, "failed"),
        (3, 200, "delivered"),
    ]


async def test_delivery_gives_up_after_the_configured_retries(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.config.settle_seconds, rzp.sim.config.webhook_retries = None, 2
    receiver.replies = [500] * 10
    await rzp.payout()
    await eventually(lambda: len(receiver.deliveries) == 3)
    await asyncio.sleep(0.4)  # the last backoff was 0.1 s: a fourth attempt would be here by now
    assert [w["attempt"] for w in rzp.sim.webhook_log()] == [1, 2, 3]


async def test_a_receiver_slower_than_the_timeout_counts_as_a_failure(
    rzp: RazorpayX, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(simulator_webhooks, "SEND_TIMEOUT_SECONDS", 0.1)
    rzp.sim.config.settle_seconds = None
    receiver.stall_seconds = 0.3
    await rzp.payout()
    await eventually(lambda: len(rzp.sim.webhook_log()) >= 2)
    first = rzp.sim.webhook_log()[0]
    assert (first["outcome"], first["status_code"]) == ("error", None)
    assert "Timeout" in first["error"]
    receiver.stall_seconds = 0


async def test_retries_after_a_secret_rotation_keep_the_old_signature(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.config.settle_seconds = None
    receiver.replies = [500]
    await rzp.payout()
    await eventually(lambda: len(receiver.deliveries) == 1)
    rzp.sim.config.webhook_secret = "rotatedsecret"
    await eventually(lambda: len(receiver.deliveries) == 2)
    assert receiver.events()[0] == receiver.events()[1]  # both verify with the old secret


async def test_an_unreachable_webhook_url_is_logged_as_an_error(rzp: RazorpayX) -> None:
    rzp.sim.config.webhook_url = f"http://127.0.0.1:{free_port()}/hook"
    rzp.sim.config.webhook_retries, rzp.sim.config.settle_seconds = 1, None
    await rzp.payout()
    await eventually(lambda: len(rzp.sim.webhook_log()) == 2)
    assert {w["outcome"] for w in rzp.sim.webhook_log()} == {"error"}


async def test_no_webhook_url_sends_nothing(rzp: RazorpayX, receiver: Receiver) -> None:
    rzp.sim.config.webhook_url = ""
    await rzp.payout()
    await eventually(status_is(rzp, "processed"))
    await asyncio.sleep(0.05)
    assert (receiver.deliveries, rzp.sim.webhook_log()) == ([], [])


async def test_dropped_webhooks_are_never_sent_but_logged(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.faults.drop_webhooks = True
    await rzp.payout()
    await eventually(status_is(rzp, "processed"))
    await asyncio.sleep(0.05)
    assert receiver.deliveries == []
    log = rzp.sim.webhook_log()
    assert [(w["event"], w["outcome"], w["attempt"]) for w in log] == [
        ("payout.initiated", "dropped", 0),
        ("payout.updated", "dropped", 0),
        ("payout.processed", "dropped", 0),
    ]


async def test_duplicated_webhooks_arrive_twice_with_the_same_event_id(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.faults.duplicate_webhooks = True
    await rzp.payout()
    await eventually(lambda: len(receiver.deliveries) == 6)
    events = receiver.events()
    assert [e["event"] for e in events] == [
        *("payout.initiated", "payout.initiated", "payout.updated", "payout.updated"),
        *("payout.processed", "payout.processed"),
    ]
    for one, other in zip(events[::2], events[1::2], strict=True):
        assert one == other
        assert one["_event_id"] == other["_event_id"]


async def test_reordered_webhooks_deliver_a_payouts_events_newest_first(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    rzp.sim.faults.reorder_webhooks = True
    await rzp.payout()
    await eventually(lambda: len(receiver.deliveries) == 3)
    assert receiver.types() == ["payout.processed", "payout.updated", "payout.initiated"]


async def test_delayed_webhooks_arrive_late(rzp: RazorpayX, receiver: Receiver) -> None:
    rzp.sim.faults.webhook_delay_seconds = 0.3
    paid_at = time.monotonic()
    await rzp.payout()
    await asyncio.sleep(0.15)
    assert receiver.deliveries == []
    await eventually(lambda: len(receiver.deliveries) == 3)
    assert receiver.deliveries[0].at - paid_at >= 0.3
    assert receiver.types() == ["payout.initiated", "payout.updated", "payout.processed"]


# --- VPA validations ------------------------------------------------------------------------------


def validation_body(address: str = "ravi@okaxis", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source_account_number": ACCOUNT,
        "validation_type": "pennydrop",
        "reference_id": "vpa-check-1",
        "notes": {},
        "fund_account": {
            "account_type": "vpa",
            "vpa": {"address": address},
            "contact": {"name": "Ravi Kumar", "type": "vendor"},
        },
    }
    for path, value in changes.items():
        set_path(body, path, value)
    return body


async def test_a_vpa_validation_is_created_then_completed_with_a_webhook(
    rzp: RazorpayX, receiver: Receiver
) -> None:
    created = await rzp.call("POST", "/v1/fund_accounts/validations", validation_body())
    assert re.fullmatch(id_pattern("fav"), created["id"])
    assert (created["entity"], created["status"]) == ("fund_account.validation", "created")
    assert created["validation_results"]["account_status"] is None
    assert created["fund_account"]["vpa"]["address"] == "ravi@okaxis"
    await eventually(lambda: len(receiver.deliveries) == 1)
    [event] = receiver.events()
    assert event["event"] == "fund_account.validation.completed"
    entity = event["payload"]["fund_account.validation"]["entity"]
    assert entity["results"]["account_status"] == "active"
    assert entity["results"]["registered_name"] == "Ravi Kumar"
    fetched = await rzp.call("GET", f"/v1/fund_accounts/validations/{created['id']}")
    assert fetched["status"] == "completed"
    assert fetched["validation_results"] == entity["results"]
    listed = await rzp.call(
        "GET", "/v1/fund_accounts/validations", params={"account_number": ACCOUNT}
    )
    assert [item["id"] for item in listed["items"]] == [created["id"]]


@pytest.mark.parametrize(
    ("address", "event", "account_status"),
    [
        ("ravi@invalid", "fund_account.validation.completed", "invalid"),
        ("ravi@fail", "fund_account.validation.completed", "invalid"),
        ("ravi@psp-down", "fund_account.validation.failed", None),
    ],
)
async def test_a_validation_says_invalid_or_fails_by_the_vpa_handle(
    rzp: RazorpayX, receiver: Receiver, address: str, event: str, account_status: str | None
) -> None:
    created = await rzp.call("POST", "/v1/fund_accounts/validations", validation_body(address))
    await eventually(lambda: len(receiver.deliveries) == 1)
    assert receiver.types() == [event]
    fetched = await rzp.call("GET", f"/v1/fund_accounts/validations/{created['id']}")
    assert fetched["validation_results"]["account_status"] == account_status
    assert fetched["validation_results"]["registered_name"] is None


async def test_a_validation_may_name_an_existing_fund_account_by_id(rzp: RazorpayX) -> None:
    payout = await rzp.payout()
    body = {"account_number": ACCOUNT, "fund_account": {"id": payout["fund_account_id"]}}
    created = await rzp.call("POST", "/v1/fund_accounts/validations", body)
    assert created["fund_account"]["id"] == payout["fund_account_id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"source_account_number": "2323230000000000"}, "source_account_number"),
        ({"source_account_number": None}, "source_account_number"),
        ({"fund_account.vpa.address": "ravi"}, "fund_account.vpa.address"),
        ({"fund_account.contact": None}, "fund_account.contact"),
        ({"fund_account": {"id": "fa_00000000000000"}}, "fund_account.id"),
    ],
)
async def test_a_bad_validation_request_is_400(
    rzp: RazorpayX, changes: dict[str, Any], field: str
) -> None:
    error = await rzp.error("POST", "/v1/fund_accounts/validations", validation_body(**changes))
    assert error["field"] == field


# --- Mounted in another app ----------------------------------------------------------------------


async def test_the_router_works_mounted_under_sandbox_razorpayx(
    rzp: RazorpayX, servers: Servers
) -> None:
    product = FastAPI()
    product.include_router(rzp.sim.router(), prefix="/sandbox/razorpayx")
    servers.rzp.app = product
    assert (await rzp.http.get("/v1/payouts", params={"account_number": ACCOUNT})).status_code == (
        404
    )
    headers = {"X-Payout-Idempotency": "mounted"}
    response = await rzp.http.post(
        "/sandbox/razorpayx/v1/payouts", json=composite(), headers=headers
    )
    assert response.status_code == 200
    state = (await rzp.http.get("/sandbox/razorpayx/_control/state")).json()
    assert [p["id"] for p in state["payouts"]] == [response.json()["id"]]
    rzp.sim.faults.fail_after_accept_next = 1
    headers = {"X-Payout-Idempotency": "mounted-2"}
    failed = await rzp.http.post("/sandbox/razorpayx/v1/payouts", json=composite(), headers=headers)
    assert failed.status_code == 500
    assert len(rzp.sim.payouts()) == 2
