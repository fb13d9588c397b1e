"""Message text as Telegram reads it: markup parsed into plain text plus entities."""

from __future__ import annotations

from typing import Any

from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.html_text import parse_html
from sandbox.telegram.markdown_text import parse_markdown
from sandbox.telegram.models import Formatted, Json
from sandbox.telegram.units import utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024


def format_text(source: str, parse_mode: str | None, entities: Any = None) -> Formatted:
    """`source` as shown: parsed in `parse_mode` (any case), or with explicit `entities`."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        text, found = parse_html(source)
    elif mode in ("markdownv2", "markdown"):
        text, found = parse_markdown(source, v2=mode == "markdownv2")
    elif mode:
        raise BadRequestError("unsupported parse_mode")
    else:
        text, found = source, _explicit(entities)
    return Formatted(text, tuple(found), source, parse_mode or None)


def message_text(source: str | None, parse_mode: str | None, entities: Any = None) -> Formatted:
    """A message's text: present, not blank once parsed, and at most 4096 characters."""
    formatted = format_text(source or "", parse_mode, entities)
    if not formatted.text.strip():
        raise BadRequestError("message text is empty")
    if utf16_len(formatted.text) > MAX_TEXT:
        raise BadRequestError("message is too long")
    return formatted


def caption(source: str | None, parse_mode: str | None, entities: Any = None) -> Formatted | None:
    """A media caption, or None when there is none; at most 1024 characters."""
    if not source:
        return None
    formatted = format_text(source, parse_mode, entities)
    if utf16_len(formatted.text) > MAX_CAPTION:
        raise BadRequestError("message caption is too long")
    return formatted


def typed_by_user(text: str) -> Formatted:
    """What a user types: a leading /command becomes a bot_command entity, as clients do."""
    if not text.startswith("/"):
        return Formatted(text, (), text)
    command = text.split(maxsplit=1)[0]
    entity = {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
    return Formatted(text, (entity,), text)


def _explicit(entities: Any) -> list[Json]:
    if entities is None:
        return []
    if not isinstance(entities, list) or not all(_is_entity(item) for item in entities):
        raise BadRequestError("can't parse entities JSON object")
    return [dict(item) for item in entities]


def _is_entity(item: Any) -> bool:
    return isinstance(item, dict) and {"type", "offset", "length"} <= item.keys()
