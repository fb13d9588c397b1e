"""A local stand-in for RazorpayX Payouts to UPI VPAs, served over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, FastAPI

from sandbox.background import Clock, system_clock
from sandbox.razorpayx.config import SimulatorConfig
from sandbox.razorpayx.control import control_router
from sandbox.razorpayx.engine import Engine
from sandbox.razorpayx.faults import Faults
from sandbox.razorpayx.routes import api_router
from sandbox.razorpayx.runtime import Runtime
from sandbox.razorpayx.views import payout_view


class RazorpayXSimulator:
    """RazorpayX's payout, contact, fund-account and VPA-validation APIs, with a balance,
    idempotency keys, signed webhooks and fault switches.

    `router()` mounts it in another app (the product mounts it at `/sandbox/razorpayx`, so
    paths are `/sandbox/razorpayx/v1/...`); `app()` is a standalone app for tests. Call
    `aclose()` to stop background deliveries and timers. `clock` (tests only) must return
    timezone-aware datetimes.
    """

    def __init__(
        self,
        config: SimulatorConfig,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self._own_http = http is None
        self._http = http or httpx.AsyncClient()
        self._engine = Engine(Runtime(config=config, clock=clock), self._http)

    @property
    def config(self) -> SimulatorConfig:
        return self._engine.runtime.config

    @config.setter
    def config(self, config: SimulatorConfig) -> None:
        self._engine.runtime.config = config

    @property
    def faults(self) -> Faults:
        return self._engine.runtime.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._engine.runtime.faults = faults

    def router(self) -> APIRouter:
        router = APIRouter()
        for part in (api_router, control_router):
            router.include_router(part(self._engine))
        return router

    def app(self) -> FastAPI:
        app = FastAPI(title="RazorpayX Payouts simulator")
        app.include_router(self.router())
        return app

    async def aclose(self) -> None:
        """Cancel webhook deliveries and payout timers; close the HTTP client if it is ours."""
        await self._engine.runtime.tasks.cancel_all()
        if self._own_http:
            await self._http.aclose()

    def payouts(self) -> list[dict[str, Any]]:
        """Every payout as the API shows it, oldest first."""
        return [payout_view(payout) for payout in self._engine.store.payouts.values()]

    def balance(self) -> int:
        """Our account's balance in paise."""
        return self._engine.store.balance_paise

    def webhook_log(self) -> list[dict[str, Any]]:
        """Every delivery attempt: event_id, event, entity, url, attempt, outcome,
        status_code, error, at. Dropped events appear with attempt 0 and outcome "dropped"."""
        return self._engine.webhooks.log()

    def state(self) -> dict[str, Any]:
        """Balance, payouts, contacts, fund accounts, validations and the webhook log."""
        return self._engine.state()

    async def top_up(self, paise: int) -> int:
        """Add money to our balance (queued payouts it covers start); returns the balance."""
        self._engine.payouts.top_up(paise)
        return self.balance()

    async def set_balance(self, paise: int) -> None:
        """Make our balance exactly `paise` (queued payouts it covers start)."""
        self._engine.payouts.set_balance(paise)

    async def settle(
        self, payout_id: str, to: str = "processed", reason: str | None = None
    ) -> dict[str, Any]:
        """Force a payout to `to` (webhooks follow), as the test-mode dashboard does.

        Raises sandbox.razorpayx.errors.BadRequestError for an unknown payout, a move its
        status does not allow, or a reason that status cannot have.
        """
        return self._engine.settle(payout_id, to, reason)
