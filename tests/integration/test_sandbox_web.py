"""The `/sandbox` web chat over real HTTP: the page and its files, the pay button's endpoint
against a real Setu simulator, and the fault panels; plus the UPI-link helpers it relies on.

One uvicorn server serves the module; each test swaps in a fresh app built the way the lead
wires the product: the sandboxes at `/sandbox/{telegram,setu,razorpayx}`, the chat at `/sandbox`.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from sandbox import web
from sandbox.razorpayx import RazorpayXSimulator
from sandbox.razorpayx import SimulatorConfig as RazorpayXConfig
from sandbox.setu import SetuSimulator
from sandbox.setu import SimulatorConfig as SetuConfig
from sandbox.telegram import SandboxConfig, TelegramSandbox
from sandbox.web import DEFAULT_PEOPLE, SandboxPerson
from sandbox.web.routes import NO_SIMULATOR
from sandbox.web.upi import UpiLink, UpiLinkError, parse_upi_link, rupees
from tests.servers import Swap, serving

ON_SERVER = pytest.mark.asyncio(loop_scope="module")  # the plain tests below need no loop

MERCHANTS = "/sandbox/setu/api/v1/merchants"
HOOKS = [
    "data-person",
    "data-role=messages",
    "data-role=message",
    "data-from",
    "data-message-id",
    "data-role=input",
    "data-role=send",
    "data-role=pay",
    "data-role=toast",
    "data-role=faults",
]


@dataclass
class Stack:
    """One app as the product mounts it, and a client for the server it is swapped into."""

    http: httpx.AsyncClient
    telegram: TelegramSandbox
    setu: SetuSimulator | None
    razorpayx: RazorpayXSimulator | None

    @property
    def sim(self) -> SetuSimulator:
        assert self.setu is not None
        return self.setu

    async def page(self, path: str = "/sandbox") -> str:
        response = await self.http.get(path)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        return response.text

    async def dqr(self, amount: int = 150_000) -> dict[str, Any]:
        """A dynamic QR made through the simulator's own merchant API, as TrustPay makes one."""
        config = self.sim.config
        login = {
            "clientID": config.client_id,
            "secret": config.client_secret,
            "grant_type": "client_credentials",
        }
        token = await self.http.post(
            "/sandbox/setu/v1/users/login", json=login, headers={"client": "bridge"}
        )
        headers = {
            "Authorization": f"Bearer {token.json()['access_token']}",
            "merchantId": config.merchant_id,
        }
        body = {"merchantVpa": config.merchant_vpa, "amount": amount, "referenceId": "TPAMBER01"}
        created = await self.http.post(f"{MERCHANTS}/dqr", json=body, headers=headers)
        assert created.status_code == 201, created.text
        return dict(created.json())

    async def pay(self, upi_link: str, user_id: int = 1001) -> httpx.Response:
        return await self.http.post(
            "/sandbox/api/pay", json={"user_id": user_id, "upi_link": upi_link}
        )


def build_app(stack: Stack, people: list[SandboxPerson]) -> FastAPI:
    app = FastAPI()
    app.include_router(stack.telegram.router(), prefix="/sandbox/telegram", include_in_schema=False)
    if stack.setu is not None:
        app.include_router(stack.setu.router(), prefix="/sandbox/setu", include_in_schema=False)
    if stack.razorpayx is not None:
        app.include_router(
            stack.razorpayx.router(), prefix="/sandbox/razorpayx", include_in_schema=False
        )
    chat = web.router(
        telegram=stack.telegram,
        setu=stack.setu,
        razorpayx=stack.razorpayx,
        bot_username=stack.telegram.config.bot_username,
        people=people,
    )
    app.include_router(chat, prefix="/sandbox", include_in_schema=False)
    return app


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server() -> AsyncIterator[tuple[Swap, str]]:
    swap = Swap()
    async with serving(swap) as url:
        yield swap, url


async def open_stack(
    server: tuple[Swap, str], *, simulators: bool, people: list[SandboxPerson] | None = None
) -> AsyncIterator[Stack]:
    swap, url = server
    telegram = TelegramSandbox(SandboxConfig(enforce_limits=False))
    setu = SetuSimulator(SetuConfig()) if simulators else None
    razorpayx = RazorpayXSimulator(RazorpayXConfig()) if simulators else None
    async with httpx.AsyncClient(base_url=url) as http:
        stack = Stack(http, telegram, setu, razorpayx)
        swap.app = build_app(stack, list(DEFAULT_PEOPLE) if people is None else people)
        try:
            yield stack
        finally:
            swap.app = None
            for sandbox in (telegram, setu, razorpayx):
                if sandbox is not None:
                    await sandbox.aclose()


@pytest_asyncio.fixture(loop_scope="module")
async def stack(server: tuple[Swap, str]) -> AsyncIterator[Stack]:
    async for opened in open_stack(server, simulators=True):
        yield opened


@pytest_asyncio.fixture(loop_scope="module")
async def bare(server: tuple[Swap, str]) -> AsyncIterator[Stack]:
    """Only the Telegram sandbox: Setu and payouts are real services in this app."""
    async for opened in open_stack(server, simulators=False):
        yield opened


class Tags(HTMLParser):
    """Every start tag with its attributes, to look at the page as a browser would."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def having(self, **wanted: str) -> list[dict[str, str | None]]:
        key = {name.rstrip("_").replace("_", "-"): value for name, value in wanted.items()}
        return [
            attrs
            for _, attrs in self.found
            if all(attrs.get(name) == value for name, value in key.items())
        ]


# --- The page and its files ----------------------------------------------------------------------


@ON_SERVER
async def test_the_page_shows_a_column_per_person_with_the_test_hooks(stack: Stack) -> None:
    tags = Tags(await stack.page())
    people = {attrs["data-person"]: attrs["data-user-id"] for attrs in tags.having(class_="person")}
    assert people == {"alice": "1001", "bob": "2002", "support": "9009", "": ""}  # "": template
    for role in ("messages", "toast", "pay", "input", "send", "photo"):
        assert len(tags.having(data_role=role)) == 4, role
    (messages, *_) = tags.having(data_role="messages")
    assert messages["aria-live"] == "polite"
    assert [attrs.get("type") for attrs in tags.having(data_role="send")] == ["submit"] * 4
    assert tags.having(data_role="faults")
    assert tags.having(name="viewport", content="width=device-width, initial-scale=1")


@ON_SERVER
async def test_the_page_answers_with_or_without_a_trailing_slash(stack: Stack) -> None:
    response = await stack.http.get("/sandbox/")
    assert response.status_code == 200
    assert 'src="/sandbox/static/app.js"' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


@ON_SERVER
async def test_static_files_are_served_with_their_content_types(stack: Stack) -> None:
    script = await stack.http.get("/sandbox/static/app.js")
    style = await stack.http.get("/sandbox/static/app.css")
    assert script.status_code == style.status_code == 200
    assert script.headers["content-type"] == "text/javascript; charset=utf-8"
    assert style.headers["content-type"] == "text/css; charset=utf-8"
    assert "use strict" in script.text
    assert ".person" in style.text
    page = await stack.page()
    assert 'href="/sandbox/static/app.css"' in page


@pytest.mark.parametrize("name", ["app.py", "..%2F__init__.py", "people.py", "index.html"])
@ON_SERVER
async def test_only_the_two_static_files_are_served(stack: Stack, name: str) -> None:
    response = await stack.http.get(f"/sandbox/static/{name}")
    assert response.status_code == 404


@ON_SERVER
async def test_nothing_is_loaded_from_another_host(stack: Stack) -> None:
    names = ("app.js", "app.css")
    assets = [(await stack.http.get(f"/sandbox/static/{name}")).text for name in names]
    for text in [await stack.page(), *assets]:
        assert re.findall(r"https?://", text) == []
        assert re.findall(r"""(?:src|href)\s*=\s*["']//""", text) == []
        assert "@import" not in text
    assert sum(len(text.encode()) for text in assets) < 32_000  # well under 40 KB


@ON_SERVER
async def test_the_script_documents_every_hook_at_its_top(stack: Stack) -> None:
    script = (await stack.http.get("/sandbox/static/app.js")).text
    header = script[: script.index("*/")]
    for hook in HOOKS:
        assert hook in header, hook
    assert "innerHTML" not in script.replace("never innerHTML", "")


@ON_SERVER
async def test_the_docs_link_and_bot_name_are_on_the_page(stack: Stack) -> None:
    tags = Tags(await stack.page())
    assert tags.having(href="/docs")
    assert tags.having(data_bot=stack.telegram.config.bot_username)


@ON_SERVER
async def test_people_already_chatting_with_the_bot_get_a_column_too(stack: Stack) -> None:
    await stack.telegram.user_sends(3001, "hi", first_name="Carol", username="carol_k")
    await stack.telegram.user_sends(5005, "hello", first_name="Alice")
    tags = Tags(await stack.page())
    people = {attrs["data-person"]: attrs["data-user-id"] for attrs in tags.having(class_="person")}
    assert people["carol"] == "3001"
    assert people["alice-5005"] == "5005"
    assert people["alice"] == "1001"


@ON_SERVER
async def test_names_are_escaped_on_the_page(stack: Stack) -> None:
    await stack.telegram.user_sends(3002, "hi", first_name='<img src=x onerror="alert(1)">')
    page = await stack.page()
    assert "<img" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_the_router_refuses_people_it_could_not_tell_apart() -> None:
    telegram = TelegramSandbox(SandboxConfig())
    twins = [SandboxPerson(1, "Asha", "asha", ""), SandboxPerson(2, "asha", "asha2", "")]
    same_id = [SandboxPerson(1, "Asha", "asha", ""), SandboxPerson(1, "Ravi", "ravi", "")]
    for people in (twins, same_id):
        with pytest.raises(ValueError, match="distinct"):
            web.router(
                telegram=telegram, setu=None, razorpayx=None, bot_username="b", people=people
            )


# --- Faults panel --------------------------------------------------------------------------------


@ON_SERVER
async def test_each_mounted_sandbox_has_a_faults_section_matching_its_control_api(
    stack: Stack,
) -> None:
    tags = Tags(await stack.page())
    sections = {attrs["data-sandbox"]: attrs for attrs in tags.having(class_="sandbox")}
    assert list(sections) == ["setu", "razorpayx", "telegram"]
    for name, attrs in sections.items():
        fields = json.loads(attrs["data-fields"] or "")
        live = (await stack.http.get(f"/sandbox/{name}/_control/faults")).json()
        assert set(fields) == set(live), name
        assert {field: spec["default"] for field, spec in fields.items()} == live
    setu = json.loads(sections["setu"]["data-fields"] or "")
    assert setu["drop_webhooks"] == {"kind": "bool", "default": False}
    assert setu["fail_next"] == {"kind": "int", "default": 0}
    assert setu["timeout_seconds"] == {"kind": "float", "default": 15.0}
    assert setu["only_path_contains"] == {"kind": "text", "default": ""}


@ON_SERVER
async def test_a_reset_posts_defaults_the_control_api_accepts(stack: Stack) -> None:
    tags = Tags(await stack.page())
    for attrs in tags.having(class_="sandbox"):
        name, fields = attrs["data-sandbox"], json.loads(attrs["data-fields"] or "")
        url = f"/sandbox/{name}/_control/faults"
        first_bool = next(field for field, spec in fields.items() if spec["kind"] == "bool")
        assert (await stack.http.post(url, json={first_bool: True})).json()[first_bool] is True
        defaults = {field: spec["default"] for field, spec in fields.items()}
        reset = await stack.http.post(url, json=defaults)
        assert reset.status_code == 200, reset.text
        assert reset.json() == defaults


@ON_SERVER
async def test_sandboxes_that_are_not_mounted_have_no_faults_section(bare: Stack) -> None:
    tags = Tags(await bare.page())
    assert [attrs["data-sandbox"] for attrs in tags.having(class_="sandbox")] == ["telegram"]


# --- Pay with UPI --------------------------------------------------------------------------------


@ON_SERVER
async def test_pay_makes_a_real_payment_in_the_setu_simulator(stack: Stack) -> None:
    dqr = await stack.dqr(amount=150_000)
    response = await stack.pay(dqr["intentLink"], user_id=1001)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "message": "Paid ₹1,500 from alice@okhdfc",
        "ref_id": dqr["refId"],
        "amount_paise": 150_000,
        "payer_vpa": "alice@okhdfc",
    }
    (payment,) = stack.sim.payments()
    assert (payment["refId"], payment["amount"], payment["status"]) == (
        dqr["refId"],
        150_000,
        "success",
    )
    assert payment["customerVpa"] == "alice@okhdfc"
    (instance,) = stack.sim.instances()
    assert instance["status"] == "paid"


@ON_SERVER
async def test_someone_the_telegram_sandbox_knows_pays_from_their_own_upi_id(
    stack: Stack,
) -> None:
    await stack.telegram.user_sends(3001, "hi", first_name="Carol", username="carol_k")
    dqr = await stack.dqr(amount=50_050)
    response = await stack.pay(dqr["intentLink"], user_id=3001)
    assert response.json()["message"] == "Paid ₹500.50 from carolk@okhdfc"
    assert stack.sim.payments()[0]["customerVpa"] == "carolk@okhdfc"


@ON_SERVER
async def test_paying_a_paid_link_again_is_409_and_pays_nothing(stack: Stack) -> None:
    dqr = await stack.dqr()
    assert (await stack.pay(dqr["intentLink"])).status_code == 200
    again = await stack.pay(dqr["intentLink"])
    assert again.status_code == 409
    assert again.json() == {"error": "This payment request is already paid."}
    assert len(stack.sim.payments()) == 1


@ON_SERVER
async def test_an_unknown_ref_id_is_404(stack: Stack) -> None:
    link = "upi://pay?pa=trustpay@setu&pn=TrustPay&am=1500.00&tr=1234567890123456789&cu=INR"
    response = await stack.pay(link)
    assert response.status_code == 404
    assert "1234567890123456789" in response.json()["error"]
    assert stack.sim.payments() == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"user_id": 1001, "upi_link": ""}, "no upi://pay link"),
        ({"user_id": 1001}, "no upi://pay link"),
        ({"user_id": 1001, "upi_link": "hello"}, "must start with upi://pay"),
        ({"user_id": 1001, "upi_link": "https://example.org/pay?tr=1"}, "must start with upi"),
        ({"user_id": 1001, "upi_link": "upi://pay?pa=trustpay@setu&am=10"}, "no tr"),
        ({"user_id": 1001, "upi_link": "upi://pay?pa=a@b&tr=1&am=1,500"}, "not rupees"),
        ({"user_id": 1001, "upi_link": "upi://pay?pa=a@b&tr=1&am=0.00"}, "more than zero"),
        ({"user_id": "1001", "upi_link": "upi://pay?pa=a@b&tr=1"}, "user_id, upi_link"),
        ({"upi_link": "upi://pay?pa=a@b&tr=1"}, "user_id, upi_link"),
        ([1, 2], "user_id, upi_link"),
    ],
)
@ON_SERVER
async def test_a_bad_pay_request_is_400_saying_why(stack: Stack, body: Any, words: str) -> None:
    response = await stack.http.post("/sandbox/api/pay", json=body)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert words in response.json()["error"]
    assert stack.sim.payments() == []


@ON_SERVER
async def test_a_body_that_is_not_json_is_400(stack: Stack) -> None:
    response = await stack.http.post("/sandbox/api/pay", content=b"{nope")
    assert response.status_code == 400
    assert response.json()["error"]


@ON_SERVER
async def test_the_wrong_payee_is_refused_by_setu_with_its_reason(stack: Stack) -> None:
    dqr = await stack.dqr()
    link = dqr["intentLink"].replace("pa=trustpay@setu", "pa=someone@okaxis")
    response = await stack.pay(link)
    assert response.status_code == 400
    assert "payeeVpa" in response.json()["error"]
    assert stack.sim.payments() == []


@ON_SERVER
async def test_a_setu_fault_switch_turns_pay_into_a_502(stack: Stack) -> None:
    dqr = await stack.dqr()
    stack.sim.faults.fail_next = 1
    response = await stack.pay(dqr["intentLink"])
    assert response.status_code == 502
    assert "500" in response.json()["error"]
    assert stack.sim.payments() == []
    assert (await stack.pay(dqr["intentLink"])).status_code == 200


@ON_SERVER
async def test_a_link_is_payable_until_it_is_paid(stack: Stack) -> None:
    dqr = await stack.dqr()
    url = "/sandbox/api/payable"
    before = await stack.http.get(url, params={"link": dqr["intentLink"]})
    assert before.json() == {"payable": True, "reason": None}
    await stack.pay(dqr["intentLink"])
    after = (await stack.http.get(url, params={"link": dqr["intentLink"]})).json()
    assert after == {"payable": False, "reason": "This payment request is already paid."}
    garbage = (await stack.http.get(url, params={"link": "upi://pay?pa=x@y"})).json()
    assert garbage["payable"] is False
    assert "no tr" in garbage["reason"]


@ON_SERVER
async def test_no_link_is_payable_without_a_setu_simulator(bare: Stack) -> None:
    link = "upi://pay?pa=trustpay@setu&am=1500.00&tr=1234567890123456789"
    answer = await bare.http.get("/sandbox/api/payable", params={"link": link})
    assert answer.json() == {"payable": False, "reason": NO_SIMULATOR}


@ON_SERVER
async def test_pay_without_a_setu_simulator_is_404_saying_so(bare: Stack) -> None:
    link = "upi://pay?pa=trustpay@setu&am=1500.00&tr=1234567890123456789"
    response = await bare.pay(link)
    assert response.status_code == 404
    assert "Setu simulator is not running" in response.json()["error"]


# --- UPI links and rupees (pure helpers) --------------------------------------------------------


def test_a_setu_intent_link_gives_payee_ref_id_and_amount_in_paise() -> None:
    link = (
        "upi://pay?pa=trustpay@setu&pn=TrustPay&am=1500.50&tr=5335814231876480026"
        "&tn=TrustPay%20SFCQ3B%20%E2%82%B91%2C500&cu=INR"
    )
    assert parse_upi_link(link) == UpiLink("trustpay@setu", "5335814231876480026", 150_050)


def test_a_link_without_an_amount_leaves_it_to_the_payer() -> None:
    assert parse_upi_link(" UPI://pay?tr=42&pa=x@y ") == UpiLink("x@y", "42", None)


@pytest.mark.parametrize(
    "link",
    [
        "",
        "upi://mandate?pa=x@y&tr=1",
        "upi:pay?pa=x@y&tr=1",
        "upi://pay?pa=&tr=1",
        "upi://pay?pa=x@y&tr=",
        "upi://pay?pa=x@y&tr=1&am=-5",
        "upi://pay?pa=x@y&tr=1&am=1.234",
        "upi://pay?pa=x@y&tr=1&am=1e3",
    ],
)
def test_links_that_cannot_be_paid_are_refused(link: str) -> None:
    with pytest.raises(UpiLinkError):
        parse_upi_link(link)


@pytest.mark.parametrize(
    ("paise", "text"),
    [
        (5, "₹0.05"),
        (150_000, "₹1,500"),
        (150_050, "₹1,500.50"),
        (99_999_00, "₹99,999"),
        (1_00_000_00, "₹1,00,000"),
        (12_34_56_789_00, "₹12,34,56,789"),
    ],
)
def test_rupees_are_grouped_the_indian_way(paise: int, text: str) -> None:
    assert rupees(paise) == text
