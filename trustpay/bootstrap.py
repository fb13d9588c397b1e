"""Composition root: settings in, a wired application out. The only place that knows everything."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from core import jobs
from core.config import Settings
from core.db.engine import make_engine, make_session_factory
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import GatewayUnavailableError
from core.escrow.policy import Policy
from core.escrow.ports import (
    Clock,
    PayoutRail,
    SystemClock,
    TransferRequest,
    TransferStatus,
)
from core.logs import get_logger
from trustpay import providers
from webhooks import health, metrics
from webhooks import setu as setu_webhooks

log = get_logger("trustpay")


class UnavailableRail:
    """A payout rail with no client yet: every call fails as "unavailable", so payouts wait.

    Stands in until the payout rails are wired; payout intents stay queued and are retried,
    never lost, and nothing pretends to have moved money.
    """

    name = "payouts"

    async def send_payout(self, request: TransferRequest) -> TransferStatus:
        raise GatewayUnavailableError("no payout rail is connected", provider=self.name)

    async def find_payout(self, request: TransferRequest) -> TransferStatus | None:
        return await self.send_payout(request)


@dataclass
class Runtime:
    """Everything one process runs, built once."""

    settings: Settings
    base_url: str
    engine: AsyncEngine
    http: httpx.AsyncClient
    deps: Deps
    setu: providers.SetuSide

    async def aclose(self) -> None:
        if self.setu.simulator is not None:
            await self.setu.simulator.aclose()
        await self.http.aclose()
        await self.engine.dispose()


def build_runtime(
    settings: Settings,
    *,
    base_url: str | None = None,
    rail: PayoutRail | None = None,
    clock: Clock | None = None,
) -> Runtime:
    """Wire one process. `base_url` is where this process itself listens (sandboxes live there)."""
    base = (base_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    engine = make_engine(
        settings.database_url, pool_size=settings.database_pool_size, echo=settings.database_echo
    )
    sessions = make_session_factory(engine)
    http = httpx.AsyncClient()
    setu = providers.setu(settings, base, http)
    deps = Deps(
        uow=lambda: UnitOfWork(sessions),
        clock=clock or SystemClock(),
        gateway=setu.gateway,
        rail=rail or UnavailableRail(),
        policy=Policy.from_settings(settings),
        rng=random.SystemRandom(),
    )
    return Runtime(settings, base, engine, http, deps, setu)


def build_scheduler(runtime: Runtime) -> AsyncIOScheduler:
    """Every periodic job, each safe to run in many processes at once."""
    settings, deps = runtime.settings, runtime.deps
    scheduler = AsyncIOScheduler(
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
    )
    every: list[tuple[Callable[[Deps], Awaitable[Any]], float]] = [
        (jobs.expire_escrows, settings.expiry_job_interval.total_seconds()),
        (jobs.retry_transfers, settings.retry_job_interval.total_seconds()),
        (jobs.process_inbox, settings.retry_job_interval.total_seconds()),
        (jobs.poll_payments, settings.reconcile_job_interval.total_seconds()),
    ]
    for job, seconds in every:
        scheduler.add_job(
            _logged(job),
            "interval",
            seconds=seconds,
            args=[deps],
            id=job.__name__,
            name=job.__name__,
        )
    return scheduler


def _logged(job: Callable[[Deps], Awaitable[Any]]) -> Callable[[Deps], Awaitable[None]]:
    async def run(deps: Deps) -> None:
        try:
            await job(deps)
        except Exception:  # a failing job must not kill the scheduler; it runs again next tick
            log.exception("job.failed", job=job.__name__)

    run.__name__ = job.__name__
    return run


def build_app(runtime: Runtime, *, scheduler: bool = True) -> FastAPI:
    """The one HTTP app: health now; webhooks, bot, admin and sandboxes mount here."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs_scheduler = build_scheduler(runtime) if scheduler else None
        if jobs_scheduler is not None:
            jobs_scheduler.start()
        try:
            yield
        finally:
            if jobs_scheduler is not None:
                jobs_scheduler.shutdown(wait=False)
            await runtime.aclose()

    app = FastAPI(
        title="TrustPay",
        version="0.1.0",
        summary="UPI escrow for trades between strangers on Telegram",
        lifespan=lifespan,
    )
    app.state.deps = runtime.deps
    app.state.setu_webhook_secrets = runtime.setu.webhook_secrets
    for router in (health.router, metrics.router, setu_webhooks.router):
        app.include_router(router)
    if runtime.setu.simulator is not None:
        app.include_router(
            runtime.setu.simulator.router(), prefix="/sandbox/setu", include_in_schema=False
        )
    return app


def describe_services(settings: Settings, base: str) -> list[str]:
    """One line per outside service: real or sandbox, and where (`base`: where we listen)."""
    database = "SQLite (embedded)" if settings.database_url.startswith("sqlite") else "PostgreSQL"
    return [
        f"Database: {database}",
        "Setu UPI: "
        + (
            f"sandbox simulator, {base}/sandbox/setu"
            if settings.setu_is_sandbox
            else f"real, {settings.setu_base_url}"
        ),
        "Payouts: "
        + (
            "sandbox, not connected yet"
            if settings.payouts_are_sandbox
            else f"real, {settings.payout_provider}"
        ),
        "Telegram: "
        + (
            "sandbox, not connected yet"
            if settings.telegram_is_sandbox
            else "real, api.telegram.org"
        ),
        "Audit chain: "
        + (
            "in-process EVM, not connected yet"
            if settings.chain_is_sandbox
            else f"real, {settings.chain_rpc_url}"
        ),
        f"Health: {base}/healthz",
    ]
