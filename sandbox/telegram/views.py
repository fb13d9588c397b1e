"""Telegram's object shapes, as the Bot API returns them and PTB parses them."""

from __future__ import annotations

from sandbox.telegram.config import SandboxConfig
from sandbox.telegram.keyboards import inline_only
from sandbox.telegram.models import CallbackQuery, Formatted, Json, Message, StoredFile, User

NO_GIFTS = dict.fromkeys(
    ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), False
) | {"gifts_from_channels": False}


def bot_user(config: SandboxConfig) -> Json:
    return {
        "id": config.bot_id,
        "is_bot": True,
        "first_name": config.bot_first_name,
        "username": config.bot_username,
    }


def me(config: SandboxConfig) -> Json:
    """getMe: the bot, with the capabilities a private-chat bot has."""
    return bot_user(config) | {
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def user_json(user: User) -> Json:
    found: Json = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    return found | _present(username=user.username, language_code=user.language_code)


def chat_json(user: User) -> Json:
    chat: Json = {"id": user.id, "type": "private", "first_name": user.first_name}
    return chat | _present(username=user.username)


def chat_full_info(user: User) -> Json:
    """getChat's ChatFullInfo for a private chat."""
    return chat_json(user) | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": dict(NO_GIFTS),
    }


def message_json(message: Message, sender: Json, chat: Json, reply_to: Json | None) -> Json:
    body: Json = {"message_id": message.message_id, "from": sender, "chat": chat}
    body["date"] = message.date
    if message.text is not None:
        body |= _formatted("text", "entities", message.text)
    if message.photo is not None:
        body["photo"] = photo_sizes(message.photo)
    if message.document is not None:
        body["document"] = document_json(message.document)
    if message.caption is not None:
        body |= _formatted("caption", "caption_entities", message.caption)
    return body | _present(
        reply_to_message=reply_to,
        reply_markup=inline_only(message.reply_markup),
        edit_date=message.edit_date,
        has_protected_content=message.protect_content or None,
        link_preview_options=message.link_preview_options,
    )


def callback_json(query: CallbackQuery, sender: Json, message: Json, chat_instance: str) -> Json:
    return {
        "id": query.id,
        "from": sender,
        "message": message,
        "chat_instance": chat_instance,
        "data": query.data,
    }


def photo_sizes(photo: StoredFile) -> list[Json]:
    size = {"width": photo.width, "height": photo.height, "file_size": photo.size}
    return [_file_ids(photo) | size]


def document_json(document: StoredFile) -> Json:
    return _file_ids(document) | {
        "file_name": document.file_name,
        "mime_type": document.mime_type,
        "file_size": document.size,
    }


def file_json(stored: StoredFile) -> Json:
    return _file_ids(stored) | {"file_size": stored.size, "file_path": stored.file_path}


def _file_ids(stored: StoredFile) -> Json:
    return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}


def _formatted(key: str, entities_key: str, formatted: Formatted) -> Json:
    found: Json = {key: formatted.text}
    if formatted.entities:
        found[entities_key] = [dict(entity) for entity in formatted.entities]
    return found


def _present(**values: object) -> Json:
    return {key: value for key, value in values.items() if value is not None}
