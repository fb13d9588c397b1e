"""Setu's signed webhooks (`x-setu-signature`), delivered by the shared dispatcher with Setu's
retries and the network's faults (see sandbox/webhooks.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx

from sandbox.setu.runtime import Runtime
from sandbox.setu.timestamps import rfc3339
from sandbox.webhooks import Event
from sandbox.webhooks import WebhookDispatcher as Dispatcher


def sign(secret: str, body: bytes) -> str:
    """`x-setu-signature`: base64 of HMAC-SHA256 over the raw body."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class WebhookDispatcher(Dispatcher):
    def __init__(self, runtime: Runtime, http: httpx.AsyncClient) -> None:
        super().__init__(runtime, http)
        self._setu = runtime

    def headers(self, event: Event) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "x-setu-signature": sign(self._setu.config.webhook_secret, event.body),
        }

    def timestamp(self) -> str:
        return rfc3339(self._setu.clock())
