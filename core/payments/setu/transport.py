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
    GatewayTimeoutError,
    GatewayUnavailableError,
)
from core.logs import get_logger

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
        self._clock, self._sleep = clock, sleep
        self._rng = rng or random.Random()  # noqa: S311 -- jitter, not secrets
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
                retry_after=_retry_after(response),
            )
        token = _json(response).get("access_token")
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
        reads = method == "GET"
        reauthenticated = False
        attempt = 0
        while True:
            attempt += 1
            token = await self.token()
            try:
                response = await self._send(method, path, body, token)
            except httpx.ConnectError as exc:  # nothing reached Setu: safe to try again
                error: GatewayUnavailableError = GatewayUnavailableError(
                    f"{method} {path}: cannot connect", provider=PROVIDER
                )
                error.__cause__ = exc
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if not reads:
                    raise GatewayTimeoutError(
                        f"{method} {path}: {type(exc).__name__}", provider=PROVIDER
                    ) from exc
                error = GatewayUnavailableError(
                    f"{method} {path}: {type(exc).__name__}", provider=PROVIDER
                )
            else:
                if response.status_code == 401 and not reauthenticated:
                    self.forget_token(token)
                    reauthenticated, attempt = True, attempt - 1
                    continue
                result = self._outcome(method, path, response, reads)
                if not isinstance(result, GatewayUnavailableError):
                    if cache:
                        self._cache[path] = (
                            self._clock() + self.config.status_cache_seconds,
                            result,
                        )
                    return result
                error = result
            if attempt >= self.config.max_attempts:
                raise error
            await self._sleep(self._delay(attempt, error.retry_after))

    async def _send(
        self, method: str, path: str, body: dict[str, Any] | None, token: str
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "merchantId": self.config.merchant_id}
        return await self._http.request(
            method,
            f"{self.config.base_url.rstrip('/')}{path}",
            json=body,
            headers=headers,
            timeout=self.config.timeout_seconds,
        )

    def _outcome(
        self, method: str, path: str, response: httpx.Response, reads: bool
    ) -> Any | GatewayUnavailableError:
        """The parsed answer, a retryable error to return, or a final error raised."""
        status = response.status_code
        request_id = response.headers.get("requestId", "")
        if status == 401:
            raise GatewayAuthError(
                f"{method} {path}: token refused", provider=PROVIDER, status_code=401
            )
        if status == 429 or (status >= 500 and reads):
            return GatewayUnavailableError(
                f"{method} {path}: {status} (request {request_id})",
                provider=PROVIDER,
                status_code=status,
                retry_after=_retry_after(response),
            )
        if status >= 500:  # a write that failed on Setu's side may still have happened
            raise GatewayUnavailableError(
                f"{method} {path}: {status} (request {request_id})",
                provider=PROVIDER,
                status_code=status,
            )
        if status >= 400:
            error = _json(response) if response.content else {}
            code = str(error.get("code") or status) if isinstance(error, dict) else str(status)
            detail = str(error.get("detail") or code) if isinstance(error, dict) else code
            raise GatewayRejectedError(
                f"{method} {path}: {detail}", provider=PROVIDER, code=code, status_code=status
            )
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            if reads:
                return GatewayUnavailableError(
                    f"{method} {path}: unreadable body", provider=PROVIDER
                )
            raise GatewayTimeoutError(
                f"{method} {path}: unreadable body", provider=PROVIDER
            ) from None

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        base = min(
            self.config.backoff_cap_seconds, self.config.backoff_base_seconds * 2.0 ** (attempt - 1)
        )
        jittered = base * self._rng.uniform(0.5, 1.0)
        return max(jittered, min(retry_after or 0.0, self.config.backoff_cap_seconds * 4))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
