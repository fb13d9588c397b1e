"""The chat control API's shapes: a private chat as the web chat and tests see it."""

from __future__ import annotations

from sandbox.telegram.models import CallbackQuery, Json, Message, User


def chat_entry(message: Message, files: str) -> Json:
    """One message: the fixed keys of DESIGN.md section 6, then `date`, `html` (the raw text
    of an HTML-formatted text or caption) and `answers` (callback answers shown as toasts).
    `files` is the URL path that file ids are appended to."""
    formatted = message.text or message.caption
    document = message.document
    return {
        "message_id": message.message_id,
        "from_bot": message.from_bot,
        "text": message.text.text if message.text else None,
        "caption": message.caption.text if message.caption else None,
        "photo": f"{files}/{message.photo.file_id}" if message.photo else None,
        "document": {
            "file_name": document.file_name,
            "url": f"{files}/{document.file_id}",
            "mime_type": document.mime_type,
        }
        if document
        else None,
        "reply_markup": message.reply_markup,
        "edit_date": message.edit_date,
        "date": message.date,
        "html": formatted.source if formatted and formatted.is_html else None,
        "answers": [dict(answer) for answer in message.answers],
    }


def user_entry(user: User, messages: int) -> Json:
    return {
        "id": user.id,
        "first_name": user.first_name,
        "username": user.username,
        "language_code": user.language_code,
        "blocked": user.blocked,
        "messages": messages,
    }


def callback_entry(query: CallbackQuery) -> Json:
    return {
        "callback_query_id": query.id,
        "user_id": query.user_id,
        "message_id": query.message_id,
        "callback_data": query.data,
        "answer": dict(query.answer) if query.answer else None,
    }
