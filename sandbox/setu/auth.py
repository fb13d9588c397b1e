"""Setu's account service login, and the bearer tokens it hands out."""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from starlette.requests import Request

from sandbox.setu import ids
from sandbox.setu.bodies import LoginBody
from sandbox.setu.errors import (
    BadRequestError,
    ForbiddenError,
    InvalidCredentialsError,
    InvalidTokenError,
)
from sandbox.setu.runtime import Runtime


class Tokens:
    """Opaque access tokens, each good for `token_ttl_seconds` from its login."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._expiry: dict[str, datetime] = {}

    def login(self, client_header: str | None, body: LoginBody) -> str:
        """A new token for the configured client.

        Raises BadRequestError (no `client: bridge` header), InvalidCredentialsError.
        """
        if client_header != "bridge":
            raise BadRequestError("header client: must be `bridge`")
        config = self._runtime.config
        good_id = hmac.compare_digest(body.client_id.encode(), config.client_id.encode())
        good_secret = hmac.compare_digest(body.secret.encode(), config.client_secret.encode())
        if not (good_id and good_secret):
            raise InvalidCredentialsError("clientID or secret is wrong")
        now = self._runtime.clock()
        self._expiry = {token: at for token, at in self._expiry.items() if at > now}
        token = ids.access_token()
        self._expiry[token] = now + timedelta(seconds=config.token_ttl_seconds)
        return token

    def authorise(self, request: Request) -> None:
        """Check the bearer token, then the merchantId header.

        Raises InvalidTokenError (missing, unknown or expired token), ForbiddenError.
        """
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        expires_at = self._expiry.get(token.strip())
        if scheme.lower() != "bearer" or expires_at is None:
            raise InvalidTokenError("missing or unknown bearer token")
        if self._runtime.clock() >= expires_at:
            raise InvalidTokenError("the access token has expired; log in again")
        if request.headers.get("merchantId") != self._runtime.config.merchant_id:
            raise ForbiddenError("merchantId header does not name this merchant")
