"""One simulated bot account: its users and chats, update queue, webhook, limits and feed."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from sandbox.telegram.config import SandboxConfig
from sandbox.telegram.events import EventLog
from sandbox.telegram.limits import RateLimits
from sandbox.telegram.media import Media
from sandbox.telegram.models import Json, Message, Profile
from sandbox.telegram.params import Params
from sandbox.telegram.runtime import Runtime
from sandbox.telegram.store import Store
from sandbox.telegram.updates import UpdateQueue
from sandbox.telegram.views import bot_user, chat_json, message_json, user_json
from sandbox.telegram.webhooks import WebhookDelivery

Method = Callable[["Engine", Params], Awaitable[Any]]  # one Bot API method


class Engine:
    def __init__(self, runtime: Runtime, http: httpx.AsyncClient) -> None:
        self.runtime = runtime
        self.store = Store()
        self.updates = UpdateQueue()
        self.webhook = WebhookDelivery(runtime, self.updates, http)
        self.limits = RateLimits(runtime)
        self.events = EventLog()
        self.media = Media(self.store, http)
        self.profile = Profile()
        self._chat_instances: dict[int, str] = {}

    @property
    def config(self) -> SandboxConfig:
        return self.runtime.config

    def now(self) -> int:
        return self.runtime.unix()

    def message_json(self, message: Message, *, nested: bool = False) -> Json:
        """The message as the Bot API shows it (a replied-to message is shown one level deep)."""
        user = self.store.users[message.chat_id]
        sender = bot_user(self.config) if message.from_bot else user_json(user)
        replied = None
        if message.reply_to_message_id is not None and not nested:
            original = self.store.message(message.chat_id, message.reply_to_message_id)
            replied = self.message_json(original, nested=True) if original else None
        return message_json(message, sender, chat_json(user), replied)

    def chat_instance(self, chat_id: int) -> str:
        """A stable id for the chat a button was clicked in (CallbackQuery.chat_instance)."""
        return self._chat_instances.setdefault(chat_id, str(secrets.randbits(63)))

    def publish(self, user_id: int | None, kind: str, message_id: int | None = None) -> None:
        self.events.add(user_id, kind, message_id)

    def reset(self) -> None:
        """Forget users, chats, files, clicks, queued updates, limits and faults. The bot's own
        settings (webhook, commands) and the update and message counters carry on."""
        self.store.clear()
        self.updates.drop_pending()
        self.limits.clear()
        self.runtime.faults.reset()
        self.publish(None, "reset")

    async def close(self) -> None:
        """End waiting long polls and stop webhook delivery."""
        self.updates.close()
        self.events.close()
        await self.runtime.tasks.cancel_all()

    def state(self) -> Json:
        return {
            "users": len(self.store.users),
            "pending_updates": [update.json() for update in self.updates.pending],
            "webhook": self.webhook.info(),
            "webhook_log": self.webhook.log(),
            "events_last": self.events.last,
        }
