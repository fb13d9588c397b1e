"""Composition root: settings in, a wired application out. The only place that knows everything."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

import admin_web
from bot import web as bot_web
from core import jobs
from core.chain import Anchors, Web3Anchors, redacted_url
from core.config import Settings
from core.db.engine import make_engine, make_session_factory
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.escrow.policy import Policy
from core.escrow.ports import (
    Clock,
    PayoutRail,
    SystemClock,
)
from core.logs import get_logger
from sandbox import web as sandbox_web
from trustpay import providers
from trustpay import telegram as bot_runtime
from webhooks import health, metrics, status_page
from webhooks import razorpayx as razorpayx_webhooks
from webhooks import setu as setu_webhooks

log = get_logger("trustpay")


@dataclass
class Runtime:
    """Everything one process runs, built once."""

    settings: Settings
    base_url: str
    engine: AsyncEngine
    http: httpx.AsyncClient
    deps: Deps
    setu: providers.SetuSide
    payouts: providers.RailSide
    telegram: providers.TelegramSide
    bot: bot_runtime.BotRuntime
    chain: providers.ChainSide

    async def anchors(self) -> Anchors:
        """The audit chain, connected (or its contract deployed) on first use. Raises ChainError."""
        return await self.chain.anchors_factory()

    async def chain_facts(self) -> dict[str, Any]:
        """Which chain and contract hold the roots, for people checking a proof."""
        anchors = await self.chain.anchors_factory()
        facts: dict[str, Any] = {"description": anchors.description}
        if isinstance(anchors, Web3Anchors):
            facts |= {
                "chain_id": anchors.chain_id,
                "contract": anchors.contract_address,
                "lookup": "lookup(bytes32 root) -> (first_entry, entry_count, block_number)",
            }
        return facts

    async def aclose(self) -> None:
        await self.bot.stop()
        await self.chain.anchors_factory.aclose()
        for simulator in (self.setu.simulator, self.payouts.simulator, self.telegram.sandbox):
            if simulator is not None:
                await simulator.aclose()
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
    if base_url and "public_base_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"public_base_url": base})  # links lead here
    if settings.telegram_is_sandbox and not settings.admin_telegram_ids:
        # The sandbox web chat's "Support" person may use the support commands.
        settings = settings.model_copy(
            update={"admin_telegram_ids": [providers.SANDBOX_SUPPORT_TELEGRAM_ID]}
        )
    engine = make_engine(
        settings.database_url, pool_size=settings.database_pool_size, echo=settings.database_echo
    )
    sessions = make_session_factory(engine)
    http = httpx.AsyncClient()
    setu = providers.setu(settings, base, http)
    payouts = providers.rail(settings, base, http)
    telegram = providers.telegram(settings, base, http)
    deps = Deps(
        uow=lambda: UnitOfWork(sessions),
        clock=clock or SystemClock(),
        gateway=setu.gateway,
        rail=rail or payouts.rail,
        policy=Policy.from_settings(settings),
        rng=random.SystemRandom(),
    )
    bot = bot_runtime.build(settings, telegram, deps)
    chain = providers.chain(settings, base)
    return Runtime(settings, base, engine, http, deps, setu, payouts, telegram, bot, chain)


@asynccontextmanager
async def opened(settings: Settings) -> AsyncIterator[Runtime]:
    """A runtime for one command (no server, no jobs), closed when the block ends."""
    runtime = build_runtime(settings)
    try:
        yield runtime
    finally:
        await runtime.aclose()


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
        (jobs.reconcile_providers, settings.reconcile_providers_interval.total_seconds()),
    ]
    drain = runtime.bot.drain

    async def drain_outbox(deps: Deps) -> int:
        return await drain.tick(deps)

    every.append((drain_outbox, 1.0))  # Telegram's pace is per second: see core.outbox_drain

    async def anchor_audit_log(deps: Deps) -> None:
        run = await jobs.anchor_audit_log(deps, runtime.anchors)
        if run.error:  # recorded on the batch and alerted there; money is not affected
            log.warning("job.anchor_audit_log.chain_error", error=run.error)

    every.append((anchor_audit_log, settings.anchor_interval.total_seconds()))
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


def build_app(runtime: Runtime, *, scheduler: bool = True, bot: bool = True) -> FastAPI:
    """The one HTTP app: health, webhooks, the bot, admin and the sandboxes all mount here.

    With `bot`, the bot starts once this server answers (in sandbox mode its Bot API is this
    very server); without `scheduler`, tests run the jobs themselves.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        jobs_scheduler = build_scheduler(runtime) if scheduler else None
        if jobs_scheduler is not None:
            jobs_scheduler.start()
        if bot:
            await runtime.bot.start_when_ready(f"{runtime.base_url}/healthz")
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
    app.state.razorpayx_webhook_secrets = runtime.payouts.webhook_secrets
    for router in (
        health.router,
        metrics.router,
        setu_webhooks.router,
        razorpayx_webhooks.router,
        status_page.router,
    ):
        app.include_router(router)
    app.include_router(
        admin_web.router(
            runtime.settings.secret_key.get_secret_value(),
            secure_cookies=runtime.settings.public_base_url.startswith("https://"),
        )
    )
    if runtime.setu.simulator is not None:
        app.include_router(
            runtime.setu.simulator.router(), prefix="/sandbox/setu", include_in_schema=False
        )
    if runtime.payouts.simulator is not None:
        app.include_router(
            runtime.payouts.simulator.router(), prefix="/sandbox/razorpayx", include_in_schema=False
        )
    if runtime.telegram.sandbox is not None:
        app.include_router(
            runtime.telegram.sandbox.router(), prefix="/sandbox/telegram", include_in_schema=False
        )
    if runtime.chain.sandbox is not None:
        app.include_router(
            runtime.chain.sandbox.router(), prefix="/sandbox/chain", include_in_schema=False
        )
    if runtime.telegram.sandbox is not None:
        app.include_router(
            sandbox_web.router(
                telegram=runtime.telegram.sandbox,
                setu=runtime.setu.simulator,
                razorpayx=runtime.payouts.simulator,
                bot_username=runtime.telegram.sandbox.config.bot_username,
                people=sandbox_web.DEFAULT_PEOPLE,
            ),
            prefix="/sandbox",
            include_in_schema=False,
        )
    if not runtime.bot.polling:
        app.include_router(bot_web.router(runtime.bot.application, runtime.telegram.webhook_secret))
    return app


class Server(uvicorn.Server):
    """uvicorn, but the bot stops first: its long poll (and the sandbox's waiting side of it)
    would otherwise keep a connection open and hold up a graceful shutdown."""

    def __init__(self, config: uvicorn.Config, runtime: Runtime) -> None:
        super().__init__(config)
        self.runtime = runtime

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        await self.runtime.bot.stop()
        if self.runtime.telegram.sandbox is not None:
            await self.runtime.telegram.sandbox.aclose()
        await super().shutdown(sockets)


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
            f"sandbox RazorpayX simulator, {base}/sandbox/razorpayx"
            if settings.payouts_are_sandbox
            else f"real, {settings.payout_provider}"
        ),
        "Telegram: "
        + (
            f"sandbox Bot API, {base}/sandbox/telegram"
            if settings.telegram_is_sandbox
            else "real, api.telegram.org"
        ),
        "Audit chain: "
        + (
            f"sandbox in-process EVM (journal {settings.chain_sandbox_file}), "
            f"JSON-RPC at {base}/sandbox/chain"
            if settings.chain_is_sandbox
            else f"real, {redacted_url(settings.chain_rpc_url)}"
        ),
        f"Health: {base}/healthz · API docs: {base}/docs",
    ]


def sandbox_hint(settings: Settings, base: str) -> list[str]:
    """What a newcomer should try first, when everything is a local stand-in."""
    if not (settings.telegram_is_sandbox and settings.setu_is_sandbox):
        return []
    return [
        f"Try it: open {base}/sandbox in a browser. Alice, Bob and Support chat with the bot:",
        "  1. Alice: /create 1500 Phone case    (she pays; the bot answers with a code)",
        "  2. Bob:   /join CODE bob@okaxis      (he receives, at that UPI id)",
        "  3. Alice: press 'Pay with UPI'       (the Setu simulator pays)",
        "  4. Bob:   press 'Delivered'; Alice: 'Release money' (the payout reaches Bob)",
    ]
