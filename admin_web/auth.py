"""Admin sessions: a signed, expiring cookie after a one-time link; CSRF checks for POSTs.

The cookie is `<telegram id>.<expiry in unix seconds>.<signature>`, the signature a base64url
HMAC-SHA256 of the first two parts under a key derived from SECRET_KEY. Nothing is stored on
the server, so any process behind the load balancer can check it. Every page also re-checks
that the id is still in ADMIN_TELEGRAM_IDS: removing an admin ends their sessions at once.
Signing out deletes the cookie; a copy taken before then stays valid until it expires.

State-changing requests (POST) need three things: the cookie (SameSite=Strict, so other sites
never send it), a form token derived from that cookie, and no Origin from another host.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from fastapi import Request, Response

from core.deps import Deps
from core.escrow.commands import Actor

COOKIE = "trustpay_admin"
COOKIE_PATH = "/admin"
SESSION_TTL = timedelta(hours=8)
_SHAPE = re.compile(r"^([0-9]{1,19})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")


class SignInRequiredError(Exception):
    """No valid admin session: the page explains how to sign in."""


@dataclass(frozen=True, slots=True)
class Admin:
    """The signed-in admin, and the token their forms must send back."""

    telegram_id: int
    csrf_token: str

    @property
    def actor(self) -> Actor:
        return Actor(telegram_id=self.telegram_id, first_name="Admin (web)")


class Sessions:
    def __init__(self, secret_key: str, *, secure: bool, ttl: timedelta = SESSION_TTL) -> None:
        # A key of its own: a signature made here means nothing anywhere else SECRET_KEY is used.
        self._key = hmac.new(
            secret_key.encode(), b"trustpay/admin-session/v1", hashlib.sha256
        ).digest()
        self.secure = secure
        self.ttl = ttl

    def issue(self, telegram_id: int, now: datetime) -> str:
        body = f"{telegram_id}.{int((now + self.ttl).timestamp())}"
        return f"{body}.{self._sign('session', body)}"

    def read(self, value: str | None, now: datetime) -> int | None:
        """The Telegram id in a cookie that is well-formed, genuine and unexpired, else None."""
        found = _SHAPE.fullmatch(value or "")
        if found is None:
            return None
        telegram_id, expires, signature = found.groups()
        expected = self._sign("session", f"{telegram_id}.{expires}")
        if not hmac.compare_digest(signature, expected):
            return None
        if int(expires) <= now.timestamp():
            return None
        return int(telegram_id)

    def current(self, request: Request, deps: Deps) -> Admin | None:
        """The signed-in admin, if the cookie holds and the id is still an admin."""
        cookie = request.cookies.get(COOKIE)
        telegram_id = self.read(cookie, deps.clock.now())
        if cookie is None or telegram_id is None or not deps.policy.is_admin(telegram_id):
            return None
        return Admin(telegram_id, self._sign("csrf", cookie))

    def require(self, request: Request, deps: Deps) -> Admin:
        """Like `current`; raises SignInRequiredError (the 401 page) when nobody is signed in."""
        admin = self.current(request, deps)
        if admin is None:
            raise SignInRequiredError
        return admin

    def start(self, response: Response, telegram_id: int, now: datetime) -> None:
        response.set_cookie(
            COOKIE,
            self.issue(telegram_id, now),
            max_age=int(self.ttl.total_seconds()),
            path=COOKIE_PATH,
            secure=self.secure,
            httponly=True,
            samesite="strict",
        )

    def end(self, response: Response) -> None:
        response.delete_cookie(
            COOKIE, path=COOKIE_PATH, secure=self.secure, httponly=True, samesite="strict"
        )

    def _sign(self, purpose: str, body: str) -> str:
        mac = hmac.new(self._key, f"{purpose}:{body}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def genuine_post(request: Request, admin: Admin, form_token: str | None) -> bool:
    """A POST from our own page: the form token matches and the browser says same origin.

    Our pages send no referrer, so browsers send `Origin: null` with their forms: the token,
    not the Origin, is what proves the form is ours. A named other origin is refused outright.
    """
    if not hmac.compare_digest(form_token or "", admin.csrf_token):
        return False
    return same_site(request)


def same_site(request: Request) -> bool:
    """The browser does not say the request came from another site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return urlsplit(origin).netloc == request.headers.get("host")
