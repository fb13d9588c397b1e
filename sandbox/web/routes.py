"""The `/sandbox` web chat's routes: the page, its two static files and the pay button.

Everything else the page does goes straight to the sandboxes' own APIs (the chat control
API, `_control/faults`), so the page shows exactly what a test or a curl user would see.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from sandbox.razorpayx import RazorpayXSimulator
from sandbox.setu import SetuSimulator
from sandbox.telegram import TelegramSandbox
from sandbox.web import people as people_module
from sandbox.web.page import FaultPanel, render_page
from sandbox.web.payments import Paid, Payer, PayError, SetuPayer, payer_vpa
from sandbox.web.people import SandboxPerson
from sandbox.web.upi import UpiLinkError, parse_upi_link

STATIC = resources.files("sandbox.web") / "static"
STATIC_TYPES = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
# The page loads nothing from elsewhere; a stray injected tag could not either.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)
NO_SIMULATOR = "The Setu simulator is not running here (real Setu is configured): nothing to pay."
NO_LINK = "There is no upi://pay link in this chat to pay yet."


class PayBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    user_id: int = Field(gt=0)
    upi_link: str = ""


@dataclass(frozen=True)
class Chat:
    """What the routes share: the sandboxes and the people shown."""

    telegram: TelegramSandbox
    payer: SetuPayer | None
    bot_username: str
    people: list[SandboxPerson]
    panels: list[FaultPanel]


def router(
    *,
    telegram: TelegramSandbox,
    setu: SetuSimulator | None,
    razorpayx: RazorpayXSimulator | None,
    bot_username: str,
    people: list[SandboxPerson],
) -> APIRouter:
    """The web chat, to be mounted at `/sandbox` next to the sandboxes it drives: it expects
    them as its siblings `telegram`, `setu` and `razorpayx` (so `/sandbox/telegram`, ...).
    Raises ValueError for people the page could not tell apart."""
    people_module.check(people)
    panels = [
        FaultPanel(name, type(sim.faults)())
        for name, sim in (("setu", setu), ("razorpayx", razorpayx), ("telegram", telegram))
        if sim is not None
    ]
    payer = SetuPayer(setu) if setu is not None else None
    chat = Chat(telegram, payer, bot_username, list(people), panels)
    r = APIRouter()
    _page(r, chat)
    _static(r)
    _payments(r, chat)
    return r


def _page(r: APIRouter, chat: Chat) -> None:
    async def page(request: Request) -> Response:
        base = request.url.path.rstrip("/")  # links on the page are relative to where it is
        docs_url = request.app.docs_url
        docs = docs_url and request.scope.get("root_path", "") + docs_url
        html = render_page(
            base=base,
            bot=chat.bot_username,
            docs=docs,
            columns=people_module.columns(chat.people, chat.telegram.users()),
            faults=chat.panels,
        )
        headers = {"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-store"}
        return HTMLResponse(html, headers=headers)

    r.add_api_route("", page, methods=["GET"], response_class=HTMLResponse)
    r.add_api_route("/", page, methods=["GET"], response_class=HTMLResponse)


def _static(r: APIRouter) -> None:
    files = {name: (STATIC / name).read_bytes() for name in STATIC_TYPES}

    @r.get("/static/{name}")
    async def static_file(name: str) -> Response:
        if name not in files:
            return _error(404, f"no static file {name}")
        headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
        return Response(files[name], media_type=STATIC_TYPES[name], headers=headers)


def _payments(r: APIRouter, chat: Chat) -> None:
    @r.get("/api/payable")
    async def payable(link: str = "") -> Response:
        """Whether "Pay with UPI" would work for `link`, so the page shows it only then."""
        try:
            _setu(chat).check(parse_upi_link(link))
        except (UpiLinkError, PayError) as exc:
            return JSONResponse({"payable": False, "reason": str(exc)})
        return JSONResponse({"payable": True, "reason": None})

    @r.post("/api/pay")
    async def pay(request: Request) -> Response:
        """Pay a chat's UPI link in the Setu simulator: 200 with a sentence to show, or a
        4xx (5xx for a simulated outage) `{"error"}` saying why not."""
        try:
            body = PayBody.model_validate_json(await request.body() or b"null")
            payer = _setu(chat)
            if not body.upi_link.strip():
                raise PayError(400, NO_LINK)
            paid = await payer.pay(parse_upi_link(body.upi_link), _payer(body.user_id, chat))
        except ValidationError as exc:
            return _error(400, f"Send JSON {{user_id, upi_link}}: {exc.errors()[0]['msg']}")
        except UpiLinkError as exc:
            return _error(400, f"That is not a payable link: {exc}.")
        except PayError as exc:
            return _error(exc.status, exc.message)
        return JSONResponse(_paid_view(paid))


def _setu(chat: Chat) -> SetuPayer:
    if chat.payer is None:
        raise PayError(404, NO_SIMULATOR)
    return chat.payer


def _payer(user_id: int, chat: Chat) -> Payer:
    """Who pays: a configured person, else whoever the Telegram sandbox knows by that id."""
    person = next((p for p in chat.people if p.user_id == user_id), None)
    if person is None:
        user = next((u for u in chat.telegram.users() if u["id"] == user_id), None)
        if user is not None:
            person = SandboxPerson(user_id, user["first_name"], user.get("username") or "")
    name = person.first_name if person else f"User {user_id}"
    return Payer(payer_vpa(people_module.handle(person, user_id)), name)


def _paid_view(paid: Paid) -> dict[str, object]:
    return {
        "message": paid.message,
        "ref_id": paid.ref_id,
        "amount_paise": paid.amount_paise,
        "payer_vpa": paid.payer_vpa,
    }


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
