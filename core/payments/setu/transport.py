"""Talking to Setu UMAP over HTTP: login, the token cache, retries and error mapping.

Errors (see core.errors):
    GatewayAuthError          login refused, or a fresh token refused again
    GatewayRejectedError      4xx with Setu's {code, detail}: do not retry
    GatewayUnavailableError   5xx, 429, refused connections, after our retries (GETs only)
    GatewayTimeoutError       a POST/PUT sent without a readable answer: it may have happened

Reads (GET) are retried with exponential backoff and jitter, honouring Retry-After. Writes are
retried only when the request surely did not happen (connection refused, 429): Setu has no
idempotency keys, so a write that may have happened is the caller's to resolve by reading.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from core.errors import (
    GatewayAuthError,
    GatewayRejectedError,
    GatewayUnavailableError,
)
from core.logs import get_logger
from core.payments.http import Caller, RetryPolicy, json_object, retry_after

PROVIDER = "setu"
TOKEN_LIFETIME = 300.0  # seconds, per Setu's docs
log = get_logger("trustpay.setu")


@dataclass(frozen=True, slots=True)
class SetuConfig:
    auth_url: str  # https://accountservice.setu.co (we append /v1/users/login)
    base_url: str  # https://umap.setu.co (we append /api/v1/merchants/...)
    client_id: str
    client_secret: str
    merchant_id: str
    merchant_vpa: str
    timeout_seconds: float = 10.0
    max_attempts: int = 3
    refresh_margin_seconds: float = 60.0  # re-login in the token's 4th minute
    backoff_base_seconds: float = 0.5
    backoff_cap_seconds: float = 8.0
    status_cache_seconds: float = 2.0


class SetuTransport:
    def __init__(
        self,
        config: SetuConfig,
        http: httpx.AsyncClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self._http = http
        self._clock = clock
        policy = RetryPolicy(
            config.max_attempts, config.backoff_base_seconds, config.backoff_cap_seconds
        )
        self._caller = Caller(PROVIDER, policy, sleep, rng or random.Random())  # noqa: S311
        self._token: str | None = None
        self._token_expires = 0.0
        self._login_lock = asyncio.Lock()
        self._cache: dict[str, tuple[float, Any]] = {}

    async def token(self) -> str:
        """A valid access token, logging in at most once at a time however many callers wait."""
        if self._token and self._clock() < self._token_expires - self.config.refresh_margin_seconds:
            return self._token
        async with self._login_lock:
            if (
                self._token
                and self._clock() < self._token_expires - self.config.refresh_margin_seconds
            ):
                return self._token
            self._token = await self._login()
            self._token_expires = self._clock() + TOKEN_LIFETIME
            return self._token

    def forget_token(self, token: str) -> None:
        if self._token == token:
            self._token = None

    async def _login(self) -> str:
        body = {
            "clientID": self.config.client_id,
            "secret": self.config.client_secret,
            "grant_type": "client_credentials",
        }
        url = f"{self.config.auth_url.rstrip('/')}/v1/users/login"
        try:
            response = await self._http.post(
                url, json=body, headers={"client": "bridge"}, timeout=self.config.timeout_seconds
            )
        except httpx.HTTPError as exc:
            raise GatewayUnavailableError(
                f"login: {type(exc).__name__}", provider=PROVIDER
            ) from exc
        if response.status_code in (400, 401, 403):
            raise GatewayAuthError(
                "login refused", provider=PROVIDER, status_code=response.status_code
            )
        if response.status_code != 200:
            raise GatewayUnavailableError(
                f"login answered {response.status_code}",
                provider=PROVIDER,
                status_code=response.status_code,
                retry_after=retry_after(response),
            )
        token = json_object(response).get("access_token")
        if not isinstance(token, str) or not token:
            raise GatewayUnavailableError("login answered without a token", provider=PROVIDER)
        log.info("setu.logged_in")
        return token

    async def call(
        self, method: str, path: str, *, body: dict[str, Any] | None = None, cache: bool = False
    ) -> Any:
        """Send one API request and return its JSON (None for an empty body); see module doc."""
        if cache and (hit := self._cache.get(path)) and self._clock() < hit[0]:
            return hit[1]
        used: list[str] = []

        async def send() -> httpx.Response:
            used.append(await self.token())
            headers = {"Authorization": f"Bearer {used[-1]}", "merchantId": self.config.merchant_id}
            return await self._http.request(
                method,
                f"{self.config.base_url.rstrip('/')}{path}",
                json=body,
                headers=headers,
                timeout=self.config.timeout_seconds,
            )

        def renew() -> bool:
            self.forget_token(used[-1])
            return True

        result = await self._caller.call(
            send,
            label=f"{method} {path}",
            replayable=method == "GET",
            reject=_rejection,
            reauthenticate=renew,
        )
        if cache:
            self._cache[path] = (self._clock() + self.config.status_cache_seconds, result)
        return result


def _rejection(response: httpx.Response) -> GatewayRejectedError:
    """Setu's {code, detail, docUrl} error, as a rejection."""
    error = json_object(response)
    code = str(error.get("code") or response.status_code)
    detail = str(error.get("detail") or code)
    request = response.request
    return GatewayRejectedError(
        f"{request.method} {request.url.path}: {detail}",
        provider=PROVIDER,
        code=code,
        status_code=response.status_code,
    )
