"""Bot API methods that write to chats: send, edit, delete, chat actions, click answers, files.

Handlers only translate: read the parameters, call one operation, render the result.
"""

from __future__ import annotations

from typing import Any

from sandbox.telegram import incoming, outgoing
from sandbox.telegram.engine import Engine, Method
from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.formatting import caption, message_text
from sandbox.telegram.keyboards import parse_markup
from sandbox.telegram.models import Formatted, Json
from sandbox.telegram.outgoing import Draft
from sandbox.telegram.params import Params
from sandbox.telegram.views import file_json

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile serves files up to 20 MB
CHAT_ACTIONS = frozenset(
    (
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    )
)


async def send_message(engine: Engine, params: Params) -> Json:
    text = message_text(params.text("text"), params.text("parse_mode"), params.json("entities"))
    draft = _draft(params, text=text, link_preview_options=_link_preview(params))
    return engine.message_json(outgoing.send(engine, draft))


async def send_photo(engine: Engine, params: Params) -> Json:
    engine.store.recipient(params.chat_id())
    photo = await engine.media.photo(params.input_file("photo"))
    draft = _draft(params, photo=photo, caption=_caption(params))
    return engine.message_json(outgoing.send(engine, draft))


async def send_document(engine: Engine, params: Params) -> Json:
    engine.store.recipient(params.chat_id())
    document = await engine.media.document(params.input_file("document"))
    draft = _draft(params, document=document, caption=_caption(params))
    return engine.message_json(outgoing.send(engine, draft))


async def edit_message_text(engine: Engine, params: Params) -> Json:
    chat_id, message_id = _target(params)
    text = message_text(params.text("text"), params.text("parse_mode"), params.json("entities"))
    markup = parse_markup(params.json("reply_markup"))
    return engine.message_json(outgoing.edit_text(engine, chat_id, message_id, text, markup))


async def edit_message_caption(engine: Engine, params: Params) -> Json:
    chat_id, message_id = _target(params)
    markup = parse_markup(params.json("reply_markup"))
    edited = outgoing.edit_caption(engine, chat_id, message_id, _caption(params), markup)
    return engine.message_json(edited)


async def edit_message_reply_markup(engine: Engine, params: Params) -> Json:
    chat_id, message_id = _target(params)
    markup = parse_markup(params.json("reply_markup"))
    return engine.message_json(outgoing.edit_markup(engine, chat_id, message_id, markup))


async def delete_message(engine: Engine, params: Params) -> bool:
    outgoing.delete(engine, params.chat_id(), params.message_id())
    return True


async def send_chat_action(engine: Engine, params: Params) -> bool:
    chat_id = params.chat_id()
    engine.store.recipient(chat_id)
    if params.text("action") not in CHAT_ACTIONS:
        raise BadRequestError("wrong parameter action in request")
    engine.publish(chat_id, "action")
    return True


async def answer_callback_query(engine: Engine, params: Params) -> bool:
    query_id = params.text("callback_query_id") or ""
    text, url = params.text("text"), params.text("url")
    incoming.answer(engine, query_id, text, params.flag("show_alert"), url)
    return True


async def get_file(engine: Engine, params: Params) -> Json:
    stored = engine.store.files.get(params.text("file_id") or "")
    if stored is None:
        raise BadRequestError("wrong file_id or the file is temporarily unavailable")
    if stored.size > MAX_DOWNLOAD_BYTES:
        raise BadRequestError("file is too big")
    return file_json(stored)


def _draft(params: Params, **content: Any) -> Draft:
    reply_to, allow_without = _reply(params)
    return Draft(
        chat_id=params.chat_id(),
        reply_markup=parse_markup(params.json("reply_markup")),
        reply_to_message_id=reply_to,
        allow_without_reply=allow_without,
        protect_content=params.flag("protect_content"),
        **content,
    )


def _caption(params: Params) -> Formatted | None:
    parse_mode, entities = params.text("parse_mode"), params.json("caption_entities")
    return caption(params.text("caption"), parse_mode, entities)


def _target(params: Params) -> tuple[int, int]:
    if params.text("inline_message_id"):
        raise BadRequestError("MESSAGE_ID_INVALID")  # the sandbox has no inline messages
    return params.chat_id(), params.message_id()


def _reply(params: Params) -> tuple[int | None, bool]:
    given = params.json("reply_parameters")
    if isinstance(given, dict):
        message_id = given.get("message_id")
        allow = given.get("allow_sending_without_reply") is True
        return (message_id if isinstance(message_id, int) else None), allow
    return params.integer("reply_to_message_id"), params.flag("allow_sending_without_reply")


def _link_preview(params: Params) -> Json | None:
    given = params.json("link_preview_options")
    if isinstance(given, dict):
        return given
    return {"is_disabled": True} if params.flag("disable_web_page_preview") else None


METHODS: dict[str, Method] = {
    "sendmessage": send_message,
    "sendphoto": send_photo,
    "senddocument": send_document,
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "sendchataction": send_chat_action,
    "answercallbackquery": answer_callback_query,
    "getfile": get_file,
}
