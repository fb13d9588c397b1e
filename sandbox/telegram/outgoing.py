"""What the bot does to a chat: send, edit and delete messages.

Each operation checks first (403 for a user who never wrote or blocked the bot, 400 for a
missing or foreign message), then counts against the flood limits, then changes the chat.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.telegram.engine import Engine
from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.keyboards import inline_only
from sandbox.telegram.models import Formatted, Json, Message, StoredFile

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)


@dataclass(frozen=True)
class Draft:
    """A message the bot asked to send."""

    chat_id: int
    text: Formatted | None = None
    caption: Formatted | None = None
    photo: StoredFile | None = None
    document: StoredFile | None = None
    reply_markup: Json | None = None
    reply_to_message_id: int | None = None
    allow_without_reply: bool = False
    protect_content: bool = False
    link_preview_options: Json | None = None


def send(engine: Engine, draft: Draft) -> Message:
    engine.store.recipient(draft.chat_id)
    reply_to = draft.reply_to_message_id
    if reply_to is not None and engine.store.message(draft.chat_id, reply_to) is None:
        if not draft.allow_without_reply:
            raise BadRequestError("message to be replied not found")
        reply_to = None
    engine.limits.spend(draft.chat_id)
    message = Message(
        message_id=engine.store.next_message_id(draft.chat_id),
        chat_id=draft.chat_id,
        from_bot=True,
        date=engine.now(),
        text=draft.text,
        caption=draft.caption,
        photo=draft.photo,
        document=draft.document,
        reply_markup=draft.reply_markup,
        reply_to_message_id=reply_to,
        protect_content=draft.protect_content,
        link_preview_options=draft.link_preview_options,
    )
    engine.store.add(message)
    engine.publish(draft.chat_id, "message", message.message_id)
    return message


def edit_text(
    engine: Engine, chat_id: int, message_id: int, text: Formatted, markup: Json | None
) -> Message:
    """Replace the text; the inline keyboard becomes `markup` (none: removed, as on Telegram)."""
    message = _own(engine, chat_id, message_id)
    if message.text is None:
        raise BadRequestError("there is no text in the message to edit")
    _check_modified(_content(message.text), _content(text), message.reply_markup, markup)
    engine.limits.spend(chat_id)
    message.text = text
    return _edited(engine, message, markup)


def edit_caption(
    engine: Engine, chat_id: int, message_id: int, caption: Formatted | None, markup: Json | None
) -> Message:
    message = _own(engine, chat_id, message_id)
    if message.photo is None and message.document is None:
        raise BadRequestError("there is no caption in the message to edit")
    _check_modified(_content(message.caption), _content(caption), message.reply_markup, markup)
    engine.limits.spend(chat_id)
    message.caption = caption
    return _edited(engine, message, markup)


def edit_markup(engine: Engine, chat_id: int, message_id: int, markup: Json | None) -> Message:
    message = _own(engine, chat_id, message_id)
    _check_modified(None, None, message.reply_markup, markup)
    engine.limits.spend(chat_id)
    return _edited(engine, message, markup)


def delete(engine: Engine, chat_id: int, message_id: int) -> None:
    """Bots may delete any message of a private chat: theirs and the user's."""
    engine.store.recipient(chat_id)
    if engine.store.message(chat_id, message_id) is None:
        raise BadRequestError("message to delete not found")
    engine.store.remove(chat_id, message_id)
    engine.publish(chat_id, "deleted", message_id)


def _own(engine: Engine, chat_id: int, message_id: int) -> Message:
    engine.store.recipient(chat_id)
    message = engine.store.message(chat_id, message_id)
    if message is None:
        raise BadRequestError("message to edit not found")
    if not message.from_bot:
        raise BadRequestError("message can't be edited")
    return message


def _content(formatted: Formatted | None) -> object:
    return None if formatted is None else (formatted.text, formatted.entities)


def _check_modified(old: object, new: object, old_markup: Json | None, markup: Json | None) -> None:
    if old == new and inline_only(old_markup) == inline_only(markup):
        raise BadRequestError(NOT_MODIFIED)


def _edited(engine: Engine, message: Message, markup: Json | None) -> Message:
    message.reply_markup = markup
    message.edit_date = engine.now()
    engine.publish(message.chat_id, "edited", message.message_id)
    return message
