"""What every handler shares: who is asking, in which language, and how to answer."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.context import BotContext
from bot.i18n import error_text, t
from core import people
from core.errors import ServiceError
from core.escrow.commands import Actor

Handler = Callable[[Update, BotContext], Awaitable[None]]
H = TypeVar("H", bound=Handler)


def actor_of(update: Update) -> Actor:
    user = update.effective_user
    assert user is not None
    language = "hi" if (user.language_code or "").lower().startswith("hi") else "en"
    return Actor(user.id, user.first_name or "", user.username, language)


async def language(update: Update, context: BotContext) -> str:
    return await people.language_of(actor_of(update), context.services.deps)


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer in the chat the update came from (a message or a button press)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


def args_of(context: BotContext) -> list[str]:
    return list(context.args or [])


def handler(fn: H) -> H:
    """Rate-limit, then run; a refusal from the core becomes a clear reply in their language."""

    @wraps(fn)
    async def wrapped(update: Update, context: BotContext) -> None:
        user = update.effective_user
        if user is None:
            return
        if not context.services.limiter.allow(user.id):
            await _answer(update, t(await language(update, context), "slow_down"))
            return
        try:
            await fn(update, context)
        except ServiceError as exc:
            await _answer(update, error_text(await language(update, context), exc))

    return wrapped  # type: ignore[return-value]


async def _answer(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(_plain(text)[:190], show_alert=True)
    else:
        await reply(update, text)


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)
