"""What every handler is given: the core's dependencies and the bot's own settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from telegram.ext import Application, CallbackContext, ExtBot

from bot.limits import CommandLimiter
from core.deps import Deps


@dataclass
class BotServices:
    deps: Deps
    bot_username: str
    public_base_url: str
    limiter: CommandLimiter = field(default_factory=CommandLimiter)

    def deep_link(self, code: str) -> str:
        return f"https://t.me/{self.bot_username}?start=join_{code}"

    def share_url(self, code: str, text: str) -> str:
        return f"https://t.me/share/url?url={quote(self.deep_link(code))}&text={quote(text)}"

    def status_url(self, token: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/e/{token}"


class BotContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """PTB's context with typed access to the services."""

    @property
    def services(self) -> BotServices:
        services: BotServices = self.bot_data["services"]
        return services


BotApplication = Application[
    ExtBot[Any], BotContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
