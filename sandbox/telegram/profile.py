"""Bot API methods about the bot and its chats: getMe, getChat, commands, menu button, name
and descriptions. Commands and texts are kept per scope and language, as Telegram keeps them."""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.telegram.engine import Engine, Method
from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.models import Json
from sandbox.telegram.params import Params
from sandbox.telegram.views import chat_full_info, me

COMMAND = re.compile(r"[a-z0-9_]{1,32}")
MAX_COMMANDS = 100
MAX_DESCRIPTION = 256
MENU_BUTTONS = ("commands", "web_app", "default")
TEXT_LIMITS = {"name": 64, "description": 512, "short_description": 120}
DEFAULT_SCOPE = (json.dumps({"type": "default"}), "")  # every chat, every language


async def get_me(engine: Engine, params: Params) -> Json:
    return me(engine.config)


async def get_chat(engine: Engine, params: Params) -> Json:
    return chat_full_info(engine.store.known(params.chat_id()))


async def set_my_commands(engine: Engine, params: Params) -> bool:
    engine.profile.commands[_scope(params)] = _commands(params.json("commands"))
    return True


async def get_my_commands(engine: Engine, params: Params) -> list[Json]:
    return [dict(command) for command in engine.profile.commands.get(_scope(params), [])]


async def delete_my_commands(engine: Engine, params: Params) -> bool:
    engine.profile.commands.pop(_scope(params), None)
    return True


async def set_chat_menu_button(engine: Engine, params: Params) -> bool:
    button = params.json("menu_button") or {"type": "default"}
    if not isinstance(button, dict) or button.get("type") not in MENU_BUTTONS:
        raise BadRequestError("can't parse menu button JSON object")
    chat_id = params.integer("chat_id")
    if chat_id is not None:
        engine.store.known(chat_id)
    engine.profile.menu_buttons[chat_id] = dict(button)
    return True


async def get_chat_menu_button(engine: Engine, params: Params) -> Json:
    buttons = engine.profile.menu_buttons
    chosen = buttons.get(params.integer("chat_id")) or buttons.get(None)
    return dict(chosen or {"type": "default"})


def _text_methods(field: str) -> tuple[Method, Method]:
    """set/get for the bot's name, description or short description, per language."""

    async def set_text(engine: Engine, params: Params) -> bool:
        value = params.text(field) or ""
        if len(value) > TEXT_LIMITS[field]:
            raise BadRequestError(f"{field.upper()}_INVALID")
        engine.profile.texts[(field, params.text("language_code") or "")] = value
        return True

    async def get_text(engine: Engine, params: Params) -> Json:
        texts = engine.profile.texts
        value = texts.get((field, params.text("language_code") or ""), texts.get((field, "")))
        fallback = engine.config.bot_first_name if field == "name" else ""
        return {field: value if value is not None else fallback}

    return set_text, get_text


def _commands(given: Any) -> list[Json]:
    if not isinstance(given, list) or len(given) > MAX_COMMANDS:
        raise BadRequestError("can't parse commands JSON object")
    commands = []
    for item in given:
        command = item.get("command") if isinstance(item, dict) else None
        description = item.get("description") if isinstance(item, dict) else None
        if not isinstance(command, str) or not COMMAND.fullmatch(command):
            raise BadRequestError("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description) <= MAX_DESCRIPTION:
            raise BadRequestError("command description must be 1-256 characters long")
        commands.append({"command": command, "description": description})
    return commands


def _scope(params: Params) -> tuple[str, str]:
    scope = params.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or "type" not in scope:
        raise BadRequestError("can't parse BotCommandScope JSON object")
    return json.dumps(scope, sort_keys=True), params.text("language_code") or ""


set_my_name, get_my_name = _text_methods("name")
set_my_description, get_my_description = _text_methods("description")
set_my_short_description, get_my_short_description = _text_methods("short_description")

METHODS: dict[str, Method] = {
    "getme": get_me,
    "getchat": get_chat,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "setchatmenubutton": set_chat_menu_button,
    "getchatmenubutton": get_chat_menu_button,
    "setmyname": set_my_name,
    "getmyname": get_my_name,
    "setmydescription": set_my_description,
    "getmydescription": get_my_description,
    "setmyshortdescription": set_my_short_description,
    "getmyshortdescription": get_my_short_description,
}
