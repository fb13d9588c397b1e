"""The admin routes: sign in and out, the escrows list and one escrow; the books are in books.py.

Every page but the sign-in ones starts with `sessions.require`, which checks the cookie and
that the id is still an admin; without that the visitor gets a 401 page saying how to sign in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from admin_web import queries, render
from admin_web.auth import Sessions, SignInRequiredError, genuine_post, same_site
from admin_web.books import Books
from admin_web.deps import DepsDep
from core import people
from core.escrow.codes import looks_like_code
from core.escrow.queries import escrow_snapshot
from core.escrow.states import State
from core.logs import get_logger

log = get_logger("trustpay.admin")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")
MAX_FORM_BYTES = 4096
LINK_EXPIRED = (
    "This sign-in link has expired or was already used. Send /login to the bot for a new one."
)


class AdminRoute(APIRoute):
    """A route whose missing session becomes the 401 page, not an error."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequiredError:
                return render.sign_in_needed(request)

        return guarded


def router(secret_key: str, *, secure_cookies: bool) -> APIRouter:
    """The admin pages under /admin; cookies are `Secure` when the site is served over https."""
    sessions = Sessions(secret_key, secure=secure_cookies)
    pages, books = Pages(sessions), Books(sessions)
    admin = APIRouter(prefix="/admin", route_class=AdminRoute, include_in_schema=False)
    admin.add_api_route("/assets/admin.css", stylesheet, methods=["GET"])
    admin.add_api_route("/login/{token}", pages.login_page, methods=["GET"])
    admin.add_api_route("/login/{token}", pages.login, methods=["POST"])
    admin.add_api_route("/login", pages.sign_in, methods=["GET"])
    admin.add_api_route("/logout", pages.logout, methods=["POST"])
    admin.add_api_route("", pages.escrows, methods=["GET"])
    admin.add_api_route("/escrows/{code}", pages.escrow, methods=["GET"])
    admin.add_api_route("/reconciliation", books.page, methods=["GET"])
    admin.add_api_route("/reconciliation.csv", books.csv, methods=["GET"])
    admin.add_api_route("/{anything:path}", pages.no_such_page, methods=["GET"])
    return admin


async def stylesheet() -> FileResponse:
    return FileResponse(render.HERE / "static" / "admin.css", media_type="text/css")


class Pages:
    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    async def login_page(self, request: Request, token: str, deps: DepsDep) -> Response:
        """The one-time link from the bot's /login: a button that signs in. Opening the link
        does not use it up, so a link preview or a scanner cannot spend it."""
        telegram_id = await people.admin_token_holder(token, deps) if TOKEN.match(token) else None
        if telegram_id is None:
            return render.message(request, 403, "This link no longer works", LINK_EXPIRED)
        context = {"token": token, "telegram_id": telegram_id}
        return render.page(request, "sign_in.html", context, admin=None, status=200)

    async def login(self, request: Request, token: str, deps: DepsDep) -> Response:
        """The sign-in button: use up the link, sign in for 8 hours, then the escrows."""
        if not same_site(request):
            text = "Sign in from the button on the page the link opens."
            return render.message(request, 403, "Request refused", text)
        telegram_id = await people.redeem_admin_token(token, deps) if TOKEN.match(token) else None
        if telegram_id is None:
            return render.message(request, 403, "This link no longer works", LINK_EXPIRED)
        log.info("admin.signed_in", telegram_id=telegram_id)
        response = _redirect("/admin")
        self.sessions.start(response, telegram_id, deps.clock.now())
        return response

    async def sign_in(
        self, request: Request, deps: DepsDep, signed_out: str | None = None
    ) -> Response:
        """How to sign in (or, already signed in, the escrows)."""
        if self.sessions.current(request, deps) is not None:
            return _redirect("/admin")
        title = "You are signed out" if signed_out else "Sign in"
        return render.message(request, 200, title, render.SIGN_IN)

    async def logout(self, request: Request, deps: DepsDep) -> Response:
        """Forget the session (only when the form came from our own page)."""
        admin = self.sessions.current(request, deps)
        if admin is not None and not genuine_post(request, admin, await _form_field(request)):
            text = "Sign out from the button on an admin page."
            return render.message(request, 403, "Request refused", text, admin=admin)
        response = _redirect("/admin/login?signed_out=1")
        self.sessions.end(response)
        if admin is not None:
            log.info("admin.signed_out", telegram_id=admin.telegram_id)
        return response

    async def escrows(
        self,
        request: Request,
        deps: DepsDep,
        state: str | None = None,
        q: str | None = None,
        page: str | None = None,
    ) -> Response:
        """Escrows, newest first, 50 a page; by state (`?state=HELD`) or code (`?q=`)."""
        admin = self.sessions.require(request, deps)
        chosen = _state(state)
        error = f"There is no state called {state[:24]!r}." if state and chosen is None else None
        code = queries.code_search(q)
        async with deps.uow() as uow:
            found = await queries.list_escrows(
                uow.session, state=chosen, code=code, page=_number(page)
            )
            counts = await queries.count_by_state(uow.session)
            alerts = await queries.open_alerts(uow.session)
            alert_count = await queries.count_open_alerts(uow.session)
        filters = {"state": chosen.value if chosen else "", "q": code or ""}
        context = {
            "found": found,
            "counts": counts,
            "all_count": sum(counts.values()),
            "alerts": alerts,
            "alert_count": alert_count,
            "filters": filters,
            "error": error,
            "states": list(State),
            "page_url": lambda n: _list_url(filters, n),
        }
        status = 400 if error else 200
        return render.page(request, "escrows.html", context, admin=admin, status=status)

    async def escrow(self, request: Request, code: str, deps: DepsDep) -> Response:
        """One escrow as support sees it: parties (masked), money, ledger and audit log."""
        admin = self.sessions.require(request, deps)
        async with deps.uow() as uow:
            snapshot = await escrow_snapshot(uow, code) if looks_like_code(code) else None
            entries = await queries.log_entries(uow.session, snapshot["id"]) if snapshot else []
        if snapshot is None:
            text = f"No escrow has the code {code[:20]!r}. Codes are 6 letters and digits."
            return render.message(request, 404, "No such escrow", text, admin=admin)
        context = {"e": snapshot, "entries": entries}
        return render.page(request, "escrow.html", context, admin=admin)

    async def no_such_page(self, request: Request, anything: str, deps: DepsDep) -> Response:
        if not anything:
            return _redirect("/admin")
        admin = self.sessions.current(request, deps)
        text = "There is no admin page at this address."
        return render.message(request, 404, "Page not found", text, admin=admin)


def _redirect(url: str) -> Response:
    return RedirectResponse(url, status_code=303, headers=render.HEADERS)


def _state(text: str | None) -> State | None:
    try:
        return State((text or "").strip().upper())
    except ValueError:
        return None


def _number(text: str | None) -> int:
    digits = (text or "").strip()
    return int(digits) if digits.isdigit() and len(digits) < 7 else 1


def _list_url(filters: dict[str, str], page: int) -> str:
    query = {name: value for name, value in filters.items() if value}
    if page > 1:
        query["page"] = str(page)
    return f"/admin?{urlencode(query)}" if query else "/admin"


async def _form_field(request: Request, name: str = "csrf") -> str | None:
    """One field of a small url-encoded form (no multipart parser needed for a token)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    values = parse_qs(body.decode("utf-8", "replace")).get(name)
    return values[0] if values else None
