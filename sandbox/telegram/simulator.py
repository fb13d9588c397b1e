"""A local Telegram Bot API server for one bot, plus a control API acting as its users."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, FastAPI

from sandbox.background import Clock, system_clock
from sandbox.telegram import incoming
from sandbox.telegram.chat_api import chat_router, user_list
from sandbox.telegram.config import SandboxConfig
from sandbox.telegram.control import control_router
from sandbox.telegram.control_views import callback_entry, chat_entry
from sandbox.telegram.engine import Engine
from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.faults import Faults
from sandbox.telegram.incoming import Typed
from sandbox.telegram.routes import bot_router
from sandbox.telegram.runtime import Runtime

MOUNT = "/sandbox/telegram"  # where the product mounts the router


class TelegramSandbox:
    """Telegram's Bot API for the bot, and the users' side for tests and the web chat.

    `router()` mounts it in another app (the product mounts it at `/sandbox/telegram`); `app()`
    is a standalone app for tests. The Python methods below do what the control API does.
    Call `aclose()` to end waiting long polls and stop webhook deliveries.
    `clock` (tests only) moves time for dates and flood limits; it must return aware datetimes.
    """

    def __init__(
        self,
        config: SandboxConfig,
        *,
        http: httpx.AsyncClient | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self._own_http = http is None
        self._http = http or httpx.AsyncClient()
        self._engine = Engine(Runtime(config=config, clock=clock), self._http)

    @property
    def config(self) -> SandboxConfig:
        return self._engine.runtime.config

    @config.setter
    def config(self, config: SandboxConfig) -> None:
        self._engine.runtime.config = config

    @property
    def faults(self) -> Faults:
        return self._engine.runtime.faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._engine.runtime.faults = faults

    def router(self) -> APIRouter:
        router = APIRouter()
        for part in (bot_router, chat_router, control_router):
            router.include_router(part(self._engine))
        return router

    def app(self) -> FastAPI:
        app = FastAPI(title="Telegram Bot API sandbox")
        app.include_router(self.router())
        return app

    async def aclose(self) -> None:
        await self._engine.close()
        if self._own_http:
            await self._http.aclose()

    async def user_sends(
        self,
        user_id: int,
        text: str,
        first_name: str | None = None,
        username: str | None = None,
        photo: bytes | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """The user writes `text` (the caption, with `photo`); returns the message as stored.
        Raises BadRequestError for an empty text, a bad photo or a non-positive id."""
        typed = Typed(user_id, text, first_name, username, language_code, photo)
        return chat_entry(incoming.user_sends(self._engine, typed), f"{MOUNT}/api/files")

    async def user_clicks(
        self, user_id: int, message_id: int, callback_data: str
    ) -> dict[str, Any]:
        """Click a button of the bot's message; BadRequestError if it has no such button."""
        query = incoming.user_clicks(self._engine, user_id, message_id, callback_data)
        return {"callback_query_id": query.id, "answer": None}

    def callback(self, callback_query_id: str) -> dict[str, Any]:
        """A click and, once the bot answered it, the answer."""
        query = self._engine.store.callbacks.get(callback_query_id)
        if query is None:
            raise BadRequestError("no such callback query")
        return callback_entry(query)

    def messages(self, user_id: int) -> list[dict[str, Any]]:
        """The private chat, oldest first, as `GET /api/users/{user_id}/messages` shows it."""
        files = f"{MOUNT}/api/files"
        return [chat_entry(message, files) for message in self._engine.store.history(user_id)]

    def users(self) -> list[dict[str, Any]]:
        return user_list(self._engine)

    def file(self, file_id: str) -> bytes:
        """The bytes behind a file_id (a photo or document either side sent)."""
        stored = self._engine.store.files.get(file_id)
        if stored is None:
            raise BadRequestError("no such file")
        return stored.content

    def reset(self) -> None:
        """As `POST /_control/reset`: a fresh set of users, chats and faults."""
        self._engine.reset()

    def webhook_log(self) -> list[dict[str, Any]]:
        """Every delivery attempt: update_id, url, attempt, outcome, status_code, error."""
        return self._engine.webhook.log()
