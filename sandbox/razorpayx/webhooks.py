"""RazorpayX's signed webhooks (razorpayx-payouts.md §5.3, §5.4), delivered by the shared
dispatcher with retries and the network's faults (see sandbox/webhooks.py).

An event is signed once, when it happens: as at Razorpay, retries after a secret rotation still
carry the old secret's signature.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import httpx

from sandbox.razorpayx.runtime import Runtime, unix
from sandbox.webhooks import Event
from sandbox.webhooks import WebhookDispatcher as Dispatcher

USER_AGENT = "Razorpay-Webhook/v1"


def sign(secret: str, body: bytes) -> str:
    """`X-Razorpay-Signature`: hex HMAC-SHA256 of the exact body bytes."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookDispatcher(Dispatcher):
    resource_field = "entity"

    def __init__(self, runtime: Runtime, http: httpx.AsyncClient) -> None:
        super().__init__(runtime, http)
        self._razorpay = runtime
        self._signatures: dict[str, str] = {}  # event id -> signature

    def accepted(self, events: Sequence[Event]) -> None:
        secret = self._razorpay.config.webhook_secret
        for event in events:
            self._signatures[event.event_id] = sign(secret, event.body)

    def headers(self, event: Event) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Razorpay-Event-Id": event.event_id,
            "X-Razorpay-Signature": self._signatures[event.event_id],
        }

    def timestamp(self) -> int:
        return unix(self._razorpay.now())
