"""Webhook delivery the payment sandboxes share: signed POSTs with retries, and the faults a
real network adds (dropped, duplicated, reordered and delayed deliveries).

Each `emit` is one background task that sends its events in order (first attempts only); a
failed attempt (non-2xx, an error, or no answer in time) gets its own retry task with
exponential backoff and jitter. Every attempt, and every dropped event, lands in the log.
A provider's dispatcher says only what differs: its headers and how its log tells time.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from sandbox.background import Tasks

REORDER_HOLD_SECONDS = 5.0  # how long an early event waits for its resource's last one
SEND_TIMEOUT_SECONDS = 5.0  # no answer within 5 s counts as a failed attempt


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    resource_key: str  # events of one resource share it (reordering works within one)
    terminal: bool  # the resource will not change again
    body: bytes


class WebhookConfig(Protocol):
    webhook_url: str
    webhook_retries: int
    webhook_retry_base_seconds: float


class WebhookFaults(Protocol):
    drop_webhooks: bool
    duplicate_webhooks: bool
    reorder_webhooks: bool
    webhook_delay_seconds: float


class WebhookRuntime(Protocol):
    @property
    def config(self) -> WebhookConfig: ...

    @property
    def faults(self) -> WebhookFaults: ...

    @property
    def tasks(self) -> Tasks: ...


def backoff(base_seconds: float, retry: int) -> float:
    """Wait before retry number `retry` (0-based): base * 2**retry, plus up to 10% jitter."""
    delay = base_seconds * 2.0**retry
    return delay + delay * secrets.randbelow(1000) / 10_000


class WebhookDispatcher:
    resource_field = "resource"  # what the log calls an event's resource

    def __init__(self, runtime: WebhookRuntime, http: httpx.AsyncClient) -> None:
        self._runtime = runtime
        self._http = http
        self._held: dict[str, list[Event]] = {}
        self._log: list[dict[str, Any]] = []

    def headers(self, event: Event) -> dict[str, str]:
        """The provider's headers for one delivery (signature included)."""
        raise NotImplementedError

    def timestamp(self) -> Any:
        """Now, as the provider writes times (for the log)."""
        raise NotImplementedError

    def log(self) -> list[dict[str, Any]]:
        return [dict(entry) for entry in self._log]

    def emit(self, events: Sequence[Event]) -> None:
        """Deliver `events` in the background, in order, unless a fault switch says otherwise."""
        url, faults = self._runtime.config.webhook_url, self._runtime.faults
        if not url or not events:
            return
        self.accepted(events)
        if faults.drop_webhooks:
            for event in events:
                self._record(event, url, 0, "dropped")
            return
        batch = self._hold_back(events) if faults.reorder_webhooks else list(events)
        self._send_later(batch)

    def accepted(self, events: Sequence[Event]) -> None:
        """Called once for events about to be delivered (or dropped)."""

    def _send_later(self, batch: list[Event]) -> None:
        if batch:
            url, faults = self._runtime.config.webhook_url, self._runtime.faults
            copies = 2 if faults.duplicate_webhooks else 1
            delay = faults.webhook_delay_seconds
            self._runtime.tasks.spawn(self._send(batch, url, copies, delay))

    def _hold_back(self, events: Sequence[Event]) -> list[Event]:
        """Keep a resource's events until its last one, then give them back newest first."""
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
        try:
            response = await self._http.post(
                url, content=event.body, headers=self.headers(event), timeout=SEND_TIMEOUT_SECONDS
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
                self.resource_field: event.resource_key,
                "url": url,
                "attempt": attempt,
                "outcome": outcome,
                "status_code": status_code,
                "error": error,
                "at": self.timestamp(),
            }
        )
