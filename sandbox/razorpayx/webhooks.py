"""Signed webhook delivery with retries, and the faults a real network adds
(razorpayx-payouts.md §5.3, §5.4).

Each `emit` is one background task that sends its events in order (first attempts only); a
failed attempt (non-2xx, an error, or no answer within 5 s) gets its own retry task with
exponential backoff and jitter. Every attempt, and every dropped event, lands in the log.
An event is signed once, when it happens: as at Razorpay, retries after a secret rotation still
carry the old secret's signature.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import Any

import httpx

from sandbox.razorpayx.events import Event
from sandbox.razorpayx.runtime import Runtime, unix

REORDER_HOLD_SECONDS = 5.0  # how long an early event waits for its entity's last one
SEND_TIMEOUT_SECONDS = 5.0  # Razorpay counts no answer within 5 s as a failure
USER_AGENT = "Razorpay-Webhook/v1"


def sign(secret: str, body: bytes) -> str:
    """`X-Razorpay-Signature`: hex HMAC-SHA256 of the exact body bytes."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(base_seconds: float, retry: int) -> float:
    """Wait before retry number `retry` (0-based): base * 2**retry, plus up to 10% jitter."""
    delay = base_seconds * 2.0**retry
    return delay + delay * secrets.randbelow(1000) / 10_000


class WebhookDispatcher:
    def __init__(self, runtime: Runtime, http: httpx.AsyncClient) -> None:
        self._runtime = runtime
        self._http = http
        self._held: dict[str, list[Event]] = {}
        self._signatures: dict[str, str] = {}  # event id -> signature
        self._log: list[dict[str, Any]] = []

    def log(self) -> list[dict[str, Any]]:
        return [dict(entry) for entry in self._log]

    def emit(self, events: Sequence[Event]) -> None:
        """Deliver `events` in the background, in order, unless a fault switch says otherwise."""
        url, faults = self._runtime.config.webhook_url, self._runtime.faults
        if not url or not events:
            return
        secret = self._runtime.config.webhook_secret
        for event in events:
            self._signatures[event.event_id] = sign(secret, event.body)
        if faults.drop_webhooks:
            for event in events:
                self._record(event, url, 0, "dropped")
            return
        batch = self._hold_back(events) if faults.reorder_webhooks else list(events)
        self._send_later(batch)

    def _send_later(self, batch: list[Event]) -> None:
        if batch:
            url, faults = self._runtime.config.webhook_url, self._runtime.faults
            copies = 2 if faults.duplicate_webhooks else 1
            delay = faults.webhook_delay_seconds
            self._runtime.tasks.spawn(self._send(batch, url, copies, delay))

    def _hold_back(self, events: Sequence[Event]) -> list[Event]:
        """Keep an entity's events until its last one, then give them back newest first."""
        ready: list[Event] = []
        for event in events:
            held = self._held.setdefault(event.resource_key, [])
            held.append(event)
            if event.terminal:
                ready.extend(reversed(self._held.pop(event.resource_key)))
            elif len(held) == 1:
                self._runtime.tasks.spawn(self._release_later(event.resource_key, held))
        return ready

    async def _release_later(self, key: str, held: list[Event]) -> None:
        await asyncio.sleep(REORDER_HOLD_SECONDS)
        if self._held.get(key) is held:
            del self._held[key]
            self._send_later(list(reversed(held)))

    async def _send(self, batch: list[Event], url: str, copies: int, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        for event in batch:
            for _ in range(copies):
                if not await self._attempt(event, url, 1):
                    self._runtime.tasks.spawn(self._retry(event, url))

    async def _retry(self, event: Event, url: str) -> None:
        config = self._runtime.config
        for retry in range(config.webhook_retries):
            await asyncio.sleep(backoff(config.webhook_retry_base_seconds, retry))
            if await self._attempt(event, url, retry + 2):
                return

    async def _attempt(self, event: Event, url: str, attempt: int) -> bool:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Razorpay-Event-Id": event.event_id,
            "X-Razorpay-Signature": self._signatures[event.event_id],
        }
        try:
            response = await self._http.post(
                url, content=event.body, headers=headers, timeout=SEND_TIMEOUT_SECONDS
            )
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            self._record(event, url, attempt, "error", error=f"{type(exc).__name__}: {exc}")
            return False
        delivered = response.is_success
        outcome = "delivered" if delivered else "failed"
        self._record(event, url, attempt, outcome, status_code=response.status_code)
        return delivered

    def _record(
        self,
        event: Event,
        url: str,
        attempt: int,
        outcome: str,
        *,
        status_code: int | None = None,
        error: str | None = None,
    ) -> None:
        self._log.append(
            {
                "event_id": event.event_id,
                "event": event.event_type,
                "entity": event.resource_key,
                "url": url,
                "attempt": attempt,
                "outcome": outcome,
                "status_code": status_code,
                "error": error,
                "at": unix(self._runtime.now()),
            }
        )
