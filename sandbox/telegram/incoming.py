"""What users do: write (text or a photo), click inline buttons, block the bot; and the bot's
answers to their clicks. Each user action becomes an update for the bot."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sandbox.telegram.engine import Engine
from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.formatting import MAX_CAPTION, MAX_TEXT, typed_by_user
from sandbox.telegram.keyboards import has_callback
from sandbox.telegram.models import CallbackQuery, Formatted, Message
from sandbox.telegram.units import utf16_len
from sandbox.telegram.views import callback_json, user_json

STALE_QUERY = "query is too old and response timeout expired or query ID is invalid"
MAX_ANSWER = 200


@dataclass(frozen=True)
class Typed:
    """What a user sends: text (the caption, with a photo), and who they say they are."""

    user_id: int
    text: str
    first_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    photo: bytes | None = None
    reply_to_message_id: int | None = None


def user_sends(engine: Engine, typed: Typed) -> Message:
    """Store the user's message and queue it for the bot. Writing starts (or restarts) the
    chat: the bot may write to this user from now on."""
    _check(engine, typed)
    photo = engine.media.store_photo(typed.photo) if typed.photo is not None else None
    user = engine.store.meet(typed.user_id, typed.first_name, typed.username, typed.language_code)
    user.blocked = False
    caption = Formatted(typed.text, (), typed.text) if photo and typed.text else None
    message = Message(
        message_id=engine.store.next_message_id(user.id),
        chat_id=user.id,
        from_bot=False,
        date=engine.now(),
        text=None if photo else typed_by_user(typed.text),
        caption=caption,
        photo=photo,
        reply_to_message_id=typed.reply_to_message_id,
    )
    engine.store.add(message)
    engine.updates.push("message", engine.message_json(message))
    engine.publish(user.id, "message", message.message_id)
    return message


def user_clicks(engine: Engine, user_id: int, message_id: int, data: str) -> CallbackQuery:
    """Click the button carrying `data` on one of the bot's messages to this user."""
    user = engine.store.users.get(user_id)
    message = engine.store.message(user_id, message_id) if user else None
    if user is None or message is None:
        raise BadRequestError(f"message {message_id} not found in the chat with user {user_id}")
    if not message.from_bot or not has_callback(message.reply_markup, data):
        raise BadRequestError(f"message {message_id} has no button with callback_data {data!r}")
    query = CallbackQuery(str(secrets.randbits(63)), user_id, message_id, data)
    engine.store.callbacks[query.id] = query
    body = engine.message_json(message)
    engine.updates.push(
        "callback_query", callback_json(query, user_json(user), body, engine.chat_instance(user_id))
    )
    return query


def answer(
    engine: Engine, query_id: str, text: str | None, show_alert: bool, url: str | None
) -> None:
    """The bot answers a click once; the answer shows on the clicked message as a toast."""
    query = engine.store.callbacks.get(query_id)
    if query is None or query.answer is not None:
        raise BadRequestError(STALE_QUERY)
    if text and utf16_len(text) > MAX_ANSWER:
        raise BadRequestError("MESSAGE_TOO_LONG")
    query.answer = {"text": text, "show_alert": show_alert, "url": url}
    message = engine.store.message(query.user_id, query.message_id)
    if message is not None:
        entry = {"callback_query_id": query.id, "callback_data": query.data}
        message.answers.append(entry | query.answer)
    engine.publish(query.user_id, "answer", query.message_id)


def block(engine: Engine, user_id: int, blocked: bool) -> None:
    """The user blocks (or unblocks) the bot: sends to them become 403."""
    user = engine.store.users.get(user_id)
    if user is None:
        raise BadRequestError(f"user {user_id} never wrote to the bot")
    user.blocked = blocked
    engine.publish(user_id, "user")


def _check(engine: Engine, typed: Typed) -> None:
    if typed.user_id <= 0:
        raise BadRequestError("user ids are positive integers")
    if typed.photo is None and not typed.text.strip():
        raise BadRequestError("message text is empty")
    if utf16_len(typed.text) > (MAX_TEXT if typed.photo is None else MAX_CAPTION):
        raise BadRequestError("message is too long")
    replied = typed.reply_to_message_id
    if replied is not None and engine.store.message(typed.user_id, replied) is None:
        raise BadRequestError("message to be replied not found")
