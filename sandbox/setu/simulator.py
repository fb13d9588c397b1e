"""A local stand-in for Setu's UPI Setu (UMAP) APIs, served over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, FastAPI

from sandbox.background import Clock, system_clock
from sandbox.setu import vpas
from sandbox.setu.config import SimulatorConfig
from sandbox.setu.control import control_router
from sandbox.setu.engine import Engine
from sandbox.setu.faults import Faults
from sandbox.setu.models import VpaOutcome, VpaVerdict
from sandbox.setu.routes import login_router, merchant_router
from sandbox.setu.runtime import Runtime


class SetuSimulator:
    """Setu's login, collect, DQR, payment, refund and VPA APIs, with signed webhooks.

    `router()` mounts it in another app (the product mounts it at `/sandbox/setu`); `app()` is
    a standalone app for tests. Call `aclose()` to stop background deliveries and timers.
    `clock` (tests only) moves time for expiry; it must return timezone-aware datetimes.
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
        self._runtime = Runtime(config=config, clock=clock)
        self._engine = Engine(self._runtime, self._http)

    @property
    def config(self) -> SimulatorConfig:
        return self._runtime.config

    @config.setter
    def config(self, config: SimulatorConfig) -> None:
        self._runtime.config = config

    @property
    def faults(self) -> Faults:
        return self._runtime.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._runtime.faults = faults

    def router(self) -> APIRouter:
        router = APIRouter()
        for part in (login_router, merchant_router, control_router):
            router.include_router(part(self._engine))
        return router

    def app(self) -> FastAPI:
        app = FastAPI(title="Setu UMAP simulator")
        app.include_router(self.router())
        return app

    async def aclose(self) -> None:
        """Cancel webhook deliveries, refund and VPA timers; close the HTTP client if it is ours."""
        await self._runtime.tasks.cancel_all()
        if self._own_http:
            await self._http.aclose()

    def payments(self) -> list[dict[str, Any]]:
        return self._engine.payments()

    def refunds(self) -> list[dict[str, Any]]:
        return self._engine.refunds()

    def instances(self) -> list[dict[str, Any]]:
        """Collect requests and DQRs as their GET endpoints show them, plus productInstanceType."""
        return self._engine.instances()

    def preset_vpa(self, vpa: str, status: VpaVerdict, customer_name: str | None = None) -> None:
        """Make the timer (`vpa_verify_seconds`) decide checks of `vpa` this way, as
        `POST /_control/vpa-outcomes` does; a valid one without a name gets a made-up name."""
        vpas.preset_outcome(self._engine.store, vpa, VpaOutcome(status, customer_name))

    def webhook_log(self) -> list[dict[str, Any]]:
        """Every delivery attempt: event_id, event, resource, url, attempt, outcome,
        status_code, error, at. Dropped events appear with attempt 0 and outcome "dropped"."""
        return self._engine.webhooks.log()
