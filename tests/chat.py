"""Driving the real bot as people do: through the sandbox Bot API's chat control side.

chat = Chat(app)
await chat.say(ALICE, "/create 1500 Phone case")
code = chat.last(ALICE).text ...
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from core import jobs
from core.outbox_drain import pending_count
from sandbox.telegram import TelegramSandbox
from tests.running import App


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str
    username: str | None = None


ALICE = Person(1001, "Asha", "asha")
BOB = Person(2002, "Bilal", "bilal")
CAROL = Person(3003, "Chen", "chen")
SUPPORT = Person(9009, "Support", "support")


class Chat:
    def __init__(self, app: App) -> None:
        assert app.runtime.telegram.sandbox is not None
        self.app = app
        self.sandbox: TelegramSandbox = app.runtime.telegram.sandbox
        self.sandbox.config.enforce_limits = False  # pacing is the outbox's job, tested apart
        app.runtime.bot.drain.per_chat_gap = timedelta(0)

    def messages(self, person: Person) -> list[dict[str, Any]]:
        return self.sandbox.messages(person.id)

    def from_bot(self, person: Person) -> list[dict[str, Any]]:
        return [m for m in self.messages(person) if m["from_bot"]]

    def last(self, person: Person) -> dict[str, Any]:
        return self.from_bot(person)[-1]

    def message(self, person: Person, message_id: int) -> dict[str, Any]:
        """A message as it is now (buttons edit messages in place)."""
        return next(m for m in self.messages(person) if m["message_id"] == message_id)

    def texts(self, person: Person) -> list[str]:
        return [str(m["text"] or m["caption"] or "") for m in self.from_bot(person)]

    async def say(
        self, person: Person, text: str, photo: bytes | None = None
    ) -> list[dict[str, Any]]:
        """Send a message; returns what the bot said back (once it has gone quiet)."""
        before = len(self.from_bot(person))
        await self.sandbox.user_sends(person.id, text, person.first_name, person.username, photo)
        await self.settle()
        return self.from_bot(person)[before:]

    async def click(self, person: Person, message: dict[str, Any], label: str) -> str | None:
        """Tap the button whose text contains `label`; returns the toast text, if any."""
        data = button(message, label)
        query = await self.sandbox.user_clicks(person.id, int(message["message_id"]), data)
        await self.settle()
        answer = self.sandbox.callback(query["callback_query_id"])["answer"] or {}
        return str(answer.get("text") or "") or None

    async def press(self, person: Person, message_id: int, data: str) -> dict[str, Any]:
        """Send raw callback data from a message (as a forged client could)."""
        query = await self.sandbox.user_clicks(person.id, message_id, data)
        await self.settle()
        return self.sandbox.callback(query["callback_query_id"])

    async def settle(self, quiet: float = 0.25, within: float = 15.0) -> None:
        """Let the bot answer and the outbox drain until nothing moves for `quiet` seconds."""
        deadline = asyncio.get_running_loop().time() + within
        last, still = -1, 0.0
        while asyncio.get_running_loop().time() < deadline:
            await self.app.runtime.bot.drain.tick(self.app.runtime.deps)
            total = sum(len(self.sandbox.messages(u["id"])) for u in self.sandbox.users())
            edits = sum(
                1
                for u in self.sandbox.users()
                for m in self.sandbox.messages(u["id"])
                if m["edit_date"]
            )
            marker = total * 1000 + edits
            if marker == last and await pending_count(self.app.runtime.deps) == 0:
                still += 0.05
                if still >= quiet:
                    return
            else:
                last, still = marker, 0.0
            await asyncio.sleep(0.05)

    async def run_jobs(self) -> None:
        for job in (
            jobs.process_inbox,
            jobs.poll_payments,
            jobs.expire_escrows,
            jobs.retry_transfers,
        ):
            await job(self.app.runtime.deps)
        await self.settle()


def button(message: dict[str, Any], label: str) -> str:
    """The callback data of the button labelled (in part) `label`."""
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for key in row:
            if label in key.get("text", "") and "callback_data" in key:
                return str(key["callback_data"])
    raise AssertionError(f"no button {label!r} on: {message.get('text')!r}")


def buttons(message: dict[str, Any]) -> list[str]:
    return [
        key.get("text", "")
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
        for key in row
    ]


def code_in(text: str) -> str:
    match = re.search(r"Code: ([A-Z0-9]{6})", text) or re.search(r"कोड: ([A-Z0-9]{6})", text)
    assert match, text
    return match.group(1)


def card(chat: Chat, person: Person, code: str) -> dict[str, Any]:
    """The newest deal card for `code` in the person's chat."""
    cards = [m for m in chat.from_bot(person) if f"· {code}" in (m["text"] or "")]
    assert cards, f"no card for {code}"
    return cards[-1]
