"""The HTTP plumbing both gateway clients share: what one answer means, and the retry loop.

A request is `replayable` when sending it twice cannot do twice: reads, and writes carrying
an idempotency key the provider honours (RazorpayX payouts). Only replayable requests are
retried after a 5xx, a timeout or an unreadable body; for the others those mean "it may have
happened" (GatewayTimeoutError, or GatewayUnavailableError for a 5xx) and the caller decides.
A 429 and a refused connection never reached the provider, so they are always retried.
"""

from __future__ import annotations

import asyncio
import random
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

Send = Callable[[], Awaitable[httpx.Response]]
Reject = Callable[[httpx.Response], GatewayRejectedError]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    base_seconds: float = 0.5
    cap_seconds: float = 8.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Exponential, capped, half-jittered; not sooner than the server asked (within reason)."""
        base = min(self.cap_seconds, self.base_seconds * 2.0 ** (attempt - 1))
        return max(base * rng.uniform(0.5, 1.0), min(retry_after or 0.0, self.cap_seconds * 4))


@dataclass
class Caller:
    """Sends requests for one provider with its retry policy (sleep and rng injectable)."""

    provider: str
    policy: RetryPolicy
    sleep: Sleep = asyncio.sleep
    rng: random.Random = random.Random()  # noqa: RUF009, S311 -- jitter, not secrets

    async def call(
        self,
        send: Send,
        *,
        label: str,
        replayable: bool,
        reject: Reject,
        reauthenticate: Callable[[], bool] | None = None,
    ) -> Any:
        """Send until there is an answer; its JSON (None when empty), or a typed error.

        `reauthenticate` is called once on a 401; if it returns True the request is sent again.
        """
        attempt, renewed = 0, False
        while True:
            attempt += 1
            try:
                response = await send()
            except httpx.ConnectError as exc:
                error = GatewayUnavailableError(f"{label}: cannot connect", provider=self.provider)
                error.__cause__ = exc
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if not replayable:
                    raise GatewayTimeoutError(
                        f"{label}: {type(exc).__name__}", provider=self.provider
                    ) from exc
                error = GatewayUnavailableError(
                    f"{label}: {type(exc).__name__}", provider=self.provider
                )
            else:
                if (
                    response.status_code == 401
                    and not renewed
                    and reauthenticate
                    and reauthenticate()
                ):
                    renewed, attempt = True, attempt - 1
                    continue
                result = self._outcome(label, response, replayable, reject)
                if not isinstance(result, GatewayUnavailableError):
                    return result
                error = result
            if attempt >= self.policy.attempts:
                raise error
            await self.sleep(self.policy.delay(attempt, error.retry_after, self.rng))

    def _outcome(
        self, label: str, response: httpx.Response, replayable: bool, reject: Reject
    ) -> Any | GatewayUnavailableError:
        """The parsed answer, a retryable error to return, or a final error raised."""
        status = response.status_code
        if status == 401:
            raise GatewayAuthError(
                f"{label}: credentials refused", provider=self.provider, status_code=401
            )
        if status == 429 or (status >= 500 and replayable):
            return GatewayUnavailableError(
                f"{label}: {status}",
                provider=self.provider,
                status_code=status,
                retry_after=retry_after(response),
            )
        if status >= 500:  # a write without idempotency may still have happened
            raise GatewayUnavailableError(
                f"{label}: {status}", provider=self.provider, status_code=status
            )
        if status >= 400:
            raise reject(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            if replayable:
                return GatewayUnavailableError(f"{label}: unreadable body", provider=self.provider)
            raise GatewayTimeoutError(f"{label}: unreadable body", provider=self.provider) from None


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The body as a JSON object, or {} when it is anything else."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
