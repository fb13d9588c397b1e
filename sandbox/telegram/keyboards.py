"""Reply markup as Telegram accepts it. Only inline keyboards stay on a message; the others
(reply keyboard, keyboard removal, force reply) change the user's input field."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.models import Json

MAX_CALLBACK_DATA_BYTES = 64
ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "web_app",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
URL_SCHEMES = ("http://", "https://", "tg://")


def parse_markup(value: Any) -> Json | None:
    """The markup as given (inline buttons checked), or None; 400 when Telegram would refuse."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequestError("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in value:
        return _inline(value["inline_keyboard"])
    if isinstance(value.get("keyboard"), list) or value.get("remove_keyboard") is True:
        return dict(value)
    if value.get("force_reply") is True:
        return dict(value)
    raise BadRequestError("can't parse reply keyboard markup JSON object")


def inline_only(markup: Json | None) -> Json | None:
    """What a message keeps: its inline keyboard, if it has buttons."""
    if markup is None or not markup.get("inline_keyboard"):
        return None
    return markup


def has_callback(markup: Json | None, data: str) -> bool:
    rows = (inline_only(markup) or {}).get("inline_keyboard", [])
    return any(button.get("callback_data") == data for row in rows for button in row)


def _inline(rows: Any) -> Json:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise BadRequestError(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    return {"inline_keyboard": [[_button(button) for button in row] for row in rows]}


def _button(button: Any) -> Json:
    if not isinstance(button, dict):
        raise _button_error("InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str) or not button["text"]:
        raise _button_error("Text must be non-empty")
    actions = [name for name in ACTIONS if name in button]
    if len(actions) != 1:
        raise _button_error("Text buttons are unallowed in the inline keyboard")
    data = button.get("callback_data")
    if "callback_data" in button and not _fits(data):
        raise BadRequestError("BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).startswith(URL_SCHEMES):
        raise BadRequestError("BUTTON_URL_INVALID")
    return dict(button)


def _fits(data: Any) -> bool:
    return isinstance(data, str) and 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES


def _button_error(reason: str) -> BadRequestError:
    return BadRequestError(f"can't parse inline keyboard button: {reason}")
