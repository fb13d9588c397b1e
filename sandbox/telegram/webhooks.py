"""Webhook mode: setWebhook's settings, and delivery of queued updates to the bot's URL.

One worker delivers updates in order, one at a time, as JSON POSTs carrying
`X-Telegram-Bot-Api-Secret-Token` when a secret was set. A failed attempt is retried with
doubling waits; after the last retry the update is given up and the error shows in
getWebhookInfo. While Telegram is "down" (a fault), deliveries wait.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

import httpx

from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.models import Json
from sandbox.telegram.runtime import Runtime
from sandbox.telegram.updates import Update, UpdateQueue

SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
SEND_TIMEOUT_SECONDS = 10.0
IDLE_SECONDS = 1.0
DOWN_RECHECK_SECONDS = 0.1


@dataclass
class Webhook:
    url: str = ""
    secret_token: str = ""
    max_connections: int = 40
    allowed_updates: list[str] = field(default_factory=list)
    last_error_date: int | None = None
    last_error_message: str | None = None


class WebhookDelivery:
    def __init__(self, runtime: Runtime, updates: UpdateQueue, http: httpx.AsyncClient) -> None:
        self.settings = Webhook()
        self._runtime = runtime
        self._updates = updates
        self._http = http
        self._running = False
        self._log: list[Json] = []

    def log(self) -> list[Json]:
        return [dict(entry) for entry in self._log]

    def set(self, settings: Webhook) -> None:
        if not settings.url:
            self.settings = Webhook()
            return
        if not settings.url.startswith(("http://", "https://")):
            raise BadRequestError("bad webhook: An HTTPS URL must be provided for webhook")
        if settings.secret_token and not SECRET.fullmatch(settings.secret_token):
            raise BadRequestError("secret token contains unallowed characters")
        self.settings = settings
        self._updates.terminate_polls("setWebhook request")
        if not self._running:
            self._running = True
            self._runtime.tasks.spawn(self._work())

    def info(self) -> Json:
        """WebhookInfo; with no webhook, just the getUpdates queue length."""
        settings = self.settings
        info: Json = {
            "url": settings.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates.pending),
        }
        if settings.url:
            info |= {"max_connections": settings.max_connections, "ip_address": "127.0.0.1"}
        if settings.allowed_updates:
            info["allowed_updates"] = list(settings.allowed_updates)
        if settings.last_error_date is not None:
            info["last_error_date"] = settings.last_error_date
            info["last_error_message"] = settings.last_error_message
        return info

    async def _work(self) -> None:
        try:
            while self.settings.url and not self._updates.closed:
                if self._runtime.faults.down:
                    await asyncio.sleep(DOWN_RECHECK_SECONDS)
                elif self._updates.pending:
                    await self._deliver(self._updates.pending[0], self.settings)
                else:
                    await self._updates.changed.wait(IDLE_SECONDS)
        finally:
            self._running = False

    async def _deliver(self, update: Update, settings: Webhook) -> None:
        config = self._runtime.config
        for attempt in range(config.webhook_retries + 1):
            if attempt:
                await asyncio.sleep(config.webhook_retry_base_seconds * 2 ** (attempt - 1))
            if self.settings is not settings:
                return  # the webhook changed: the update stays queued for what comes next
            if await self._attempt(update, settings, attempt + 1):
                break
        self._updates.forget(update)

    async def _attempt(self, update: Update, settings: Webhook, attempt: int) -> bool:
        headers = {SECRET_HEADER: settings.secret_token} if settings.secret_token else {}
        try:
            response = await self._http.post(
                settings.url, json=update.json(), headers=headers, timeout=SEND_TIMEOUT_SECONDS
            )
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            return self._record(update, settings, attempt, None, f"{type(exc).__name__}: {exc}")
        error = None
        if not response.is_success:
            error = (
                f"Wrong response from the webhook: {response.status_code} {response.reason_phrase}"
            )
        return self._record(update, settings, attempt, response.status_code, error)

    def _record(
        self, update: Update, settings: Webhook, attempt: int, status: int | None, error: str | None
    ) -> bool:
        self._log.append(
            {
                "update_id": update.update_id,
                "url": settings.url,
                "attempt": attempt,
                "outcome": "failed" if error else "delivered",
                "status_code": status,
                "error": error,
            }
        )
        if error:
            settings.last_error_date = self._runtime.unix()
            settings.last_error_message = error
        return error is None
