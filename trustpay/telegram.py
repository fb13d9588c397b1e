"""Running the bot inside the web app's event loop: start it once the server answers, drain the
outbox on a timer, stop it with the app."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from dataclasses import dataclass

from telegram import Bot, Update
from telegram.error import TelegramError

from bot import app as bot_app
from bot.context import BotApplication, BotServices
from bot.notifier import TelegramNotifier
from core.config import Settings
from core.deps import Deps
from core.logs import get_logger
from core.outbox_drain import Drain
from trustpay.providers import TelegramSide

log = get_logger("trustpay.telegram")


@dataclass
class BotRuntime:
    side: TelegramSide
    application: BotApplication
    drain: Drain
    outbox: Bot  # the drain's own bot (no rate limiter: it paces itself)
    task: asyncio.Task[None] | None = None

    @property
    def polling(self) -> bool:
        return not self.side.webhook_url

    async def start_when_ready(self, health_url: str) -> None:
        """Initialise (getMe) once the Bot API answers — it may be this very server."""
        self.task = asyncio.create_task(self._start(health_url))

    async def _start(self, health_url: str) -> None:
        for attempt in range(600):
            try:
                await self.application.initialize()
                break
            except TelegramError as exc:
                if attempt % 50 == 0:
                    log.warning("bot.waiting_for_bot_api", error=str(exc)[:120])
                await asyncio.sleep(0.1)
        else:
            log.error("bot.never_started")
            return
        await self.outbox.initialize()
        await self.application.start()
        await _quietly(bot_app.commands_menu(self.application))
        if self.polling:
            assert self.application.updater is not None
            # Against the local sandbox a short poll keeps shutdown quick; Telegram gets 10 s.
            timeout = 1 if self.side.api_base else 10
            await self.application.updater.start_polling(
                timeout=timeout, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
            )
        else:
            await self.application.bot.set_webhook(
                f"{self.side.webhook_url.rstrip('/')}/telegram/webhook",
                secret_token=self.side.webhook_secret or None,
                allowed_updates=Update.ALL_TYPES,
            )
        log.info("bot.started", mode="polling" if self.polling else "webhook")

    async def stop(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        if self.application.bot_data.get("services") is not None:
            with contextlib.suppress(Exception):
                await self.application.shutdown()
        with contextlib.suppress(Exception):
            await self.outbox.shutdown()


async def _quietly(step: Awaitable[None]) -> None:
    try:
        await step
    except TelegramError as exc:
        log.warning("bot.setup_step_failed", error=str(exc)[:120])


def build(settings: Settings, side: TelegramSide, deps: Deps) -> BotRuntime:
    services = BotServices(
        deps=deps,
        bot_username=settings.telegram_bot_username,
        public_base_url=settings.public_base_url,
    )
    application = bot_app.build(
        services, side.token, base_url=side.api_base, polling=not side.webhook_url
    )
    outbox = bot_app.outbox_bot(side.token, base_url=side.api_base)
    drain = Drain(TelegramNotifier(outbox, services))
    return BotRuntime(side, application, drain, outbox)
