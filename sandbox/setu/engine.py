"""One simulated Setu merchant account: its records, tokens, webhooks and timers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx

from sandbox.setu import refunds, vpas
from sandbox.setu.auth import Tokens
from sandbox.setu.models import Refund, Verification
from sandbox.setu.runtime import Runtime
from sandbox.setu.store import Store
from sandbox.setu.views import Json, instance_view, payment_view, refund_view
from sandbox.setu.webhooks import WebhookDispatcher
from sandbox.webhooks import Event


class Engine:
    def __init__(self, runtime: Runtime, http: httpx.AsyncClient) -> None:
        self.runtime = runtime
        self.store = Store()
        self.tokens = Tokens(runtime)
        self.webhooks = WebhookDispatcher(runtime, http)

    @property
    def merchant_id(self) -> str:
        return self.runtime.config.merchant_id

    def now(self) -> datetime:
        return self.runtime.clock()

    def emit(self, events: Sequence[Event]) -> None:
        self.webhooks.emit(events)

    def settle_later(self, refund: Refund) -> None:
        """Complete a pending refund after `refund_settle_seconds`, unless switched off."""
        delay = self.runtime.config.refund_settle_seconds
        if delay is not None:
            self.runtime.tasks.spawn(self._settle_after(refund, delay))

    async def _settle_after(self, refund: Refund, delay: float) -> None:
        await asyncio.sleep(delay)
        if refund.status == "pending":
            self.emit(refunds.settle(refund, self.now()))

    @property
    def vpa_names_shown(self) -> bool:
        """Whether valid VPA checks carry `customerName` (the `vpa_name_style` switch)."""
        return self.runtime.faults.vpa_name_style == "docs"

    def verify_later(self, check: Verification) -> None:
        """Decide a pending VPA check after `vpa_verify_seconds`, unless switched off."""
        delay = self.runtime.config.vpa_verify_seconds
        if delay is not None:
            self.runtime.tasks.spawn(self._verify_after(check, delay))

    async def _verify_after(self, check: Verification, delay: float) -> None:
        await asyncio.sleep(delay)
        self.emit(vpas.auto_verify(self.store, check, self.now(), named=self.vpa_names_shown))

    def instances(self) -> list[Json]:
        return [
            instance_view(instance, details=self.store.last_payment(instance))
            | {"productInstanceType": instance.product_instance_type}
            for instance in self.store.all_instances(self.now())
        ]

    def payments(self) -> list[Json]:
        return [payment_view(payment) for payment in self.store.payments.values()]

    def refunds(self) -> list[Json]:
        return [refund_view(refund) for refund in self.store.refunds.values()]

    def state(self) -> dict[str, list[Any]]:
        return {
            "instances": self.instances(),
            "payments": self.payments(),
            "refunds": self.refunds(),
            "webhooks": self.webhooks.log(),
        }
