"""One simulated RazorpayX account: its records, balance, idempotency keys, webhooks and the
timers that play each payout's script."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from sandbox.razorpayx import idempotency, scenarios, states
from sandbox.razorpayx.bodies import PayoutBody, ValidationBody, parse
from sandbox.razorpayx.idempotency import Binding, Keys
from sandbox.razorpayx.models import Json, Payout, Validation
from sandbox.razorpayx.payouts import Payouts
from sandbox.razorpayx.runtime import Runtime
from sandbox.razorpayx.store import Store
from sandbox.razorpayx.validations import Validations
from sandbox.razorpayx.views import (
    contact_view,
    fund_account_view,
    payout_view,
    validation_view,
)
from sandbox.razorpayx.webhooks import WebhookDispatcher


class Engine:
    def __init__(self, runtime: Runtime, http: httpx.AsyncClient) -> None:
        self.runtime = runtime
        self.store = Store(runtime.config.balance_paise)
        self.keys = Keys()
        self.webhooks = WebhookDispatcher(runtime, http)
        self.payouts = Payouts(self.store, runtime, self.webhooks.emit, self._play_later)
        self.validations = Validations(self.store, runtime, self.webhooks.emit)

    def create_payout(self, key: str, raw: bytes) -> Json:
        """POST /v1/payouts under idempotency key `key`: a new payout, or the one this key
        already made with this body. Raises BadRequestError (see Payouts.create, Keys.find)."""
        config, now = self.runtime.config, self.runtime.now()
        fingerprint = idempotency.fingerprint(raw)
        bound = self.keys.find(key, fingerprint, now, config.idempotency_ttl_seconds)
        if bound is not None:
            if config.replay == "first":
                return dict(bound.first_response)
            return payout_view(self.store.payout(bound.payout_id))
        payout = self.payouts.create(parse(PayoutBody, raw))
        view = payout_view(payout)
        self.keys.bind(key, Binding(fingerprint, payout.id, view, now))
        return view

    def validate(self, raw: bytes) -> Validation:
        """A created VPA validation, decided after `settle_seconds` (at once if None)."""
        check = self.validations.create(parse(ValidationBody, raw))
        delay = self.runtime.config.settle_seconds or 0.0
        self.runtime.tasks.spawn(self._decide_after(check, delay))
        return check

    def settle(self, payout_id: str, to: str, reason: str | None = None) -> Json:
        """Force a move, as the test-mode dashboard does. Raises BadRequestError."""
        payout = self.store.payout(payout_id)
        self.payouts.move(payout, to, reason)
        return payout_view(payout)

    def _play_later(self, payout: Payout) -> None:
        delay = self.runtime.config.settle_seconds
        if delay is not None:
            script = scenarios.payout_script(payout.fund_account.address, self.runtime.faults)
            self.runtime.tasks.spawn(self._play(payout, script, delay))

    async def _play(self, payout: Payout, script: tuple[scenarios.Step, ...], delay: float) -> None:
        for step in script:
            await asyncio.sleep(delay)
            if step.to not in states.TRANSITIONS.get(payout.status, frozenset()):
                return  # moved by hand meanwhile: the script is over
            self.payouts.move(payout, step.to, step.reason)

    async def _decide_after(self, check: Validation, delay: float) -> None:
        await asyncio.sleep(delay)
        self.validations.decide(check)

    def state(self) -> dict[str, Any]:
        store = self.store
        return {
            "balance_paise": store.balance_paise,
            "payouts": [payout_view(payout) for payout in store.payouts.values()],
            "contacts": [contact_view(contact) for contact in store.contacts.values()],
            "fund_accounts": [fund_account_view(fa) for fa in store.fund_accounts.values()],
            "validations": [validation_view(check) for check in store.validations.values()],
            "webhooks": self.webhooks.log(),
        }
