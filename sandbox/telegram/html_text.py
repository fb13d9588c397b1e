"""Telegram's HTML parse mode: its few supported tags, read into plain text plus entities.

Anything Telegram refuses is refused here with its words: an unsupported tag (`<br>`, `<div>`),
a bare `<`, a tag left open or closed out of order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.models import Json
from sandbox.telegram.units import byte_offset, utf16_len

KINDS = {
    **dict.fromkeys(("b", "strong"), "bold"),
    **dict.fromkeys(("i", "em"), "italic"),
    **dict.fromkeys(("u", "ins"), "underline"),
    **dict.fromkeys(("s", "strike", "del"), "strikethrough"),
    **dict.fromkeys(("tg-spoiler", "span"), "spoiler"),
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?>")
ATTRIBUTE = re.compile(r"""([A-Za-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+)))?""")
CHARREF = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def parse_html(source: str) -> tuple[str, list[Json]]:
    """The text as shown and its entities, or 400 "can't parse entities: ..."."""
    return _Reader(source).read()


@dataclass
class _Open:
    name: str
    entity: Json
    order: int


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # UTF-16 units of text so far
        self.open: list[_Open] = []
        self.done: list[tuple[int, Json]] = []
        self.opened = 0

    def read(self) -> tuple[str, list[Json]]:
        position = 0
        while (start := self.source.find("<", position)) != -1:
            self._text(self.source[position:start])
            position = self._tag(start)
        self._text(self.source[position:])
        if self.open:
            raise _error(f'Can\'t find end tag corresponding to start tag "{self.open[-1].name}"')
        ordered = sorted(self.done, key=lambda d: (d[1]["offset"], -d[1]["length"], d[0]))
        return "".join(self.parts), [entity for _, entity in ordered]

    def _text(self, raw: str) -> None:
        text = CHARREF.sub(_unescape, raw)
        self.parts.append(text)
        self.length += utf16_len(text)

    def _tag(self, start: int) -> int:
        match = TAG.match(self.source, start)
        at = byte_offset(self.source, start)
        if match is None:
            word = re.match(r"[^\s<>/]*", self.source[start + 1 :])
            name = word.group(0) if word else ""
            raise _error(f'Unsupported start tag "{name}" at byte offset {at}')
        name = match.group(2).lower()
        if match.group(1):
            self._close(name, at)
        else:
            self._open(name, _attributes(match.group(3) or ""), at)
        return match.end()

    def _open(self, name: str, attributes: dict[str, str], at: int) -> None:
        entity = _entity(name, attributes)
        if entity is None:
            raise _error(f'Unsupported start tag "{name}" at byte offset {at}')
        self.opened += 1
        self.open.append(_Open(name, entity | {"offset": self.length}, self.opened))

    def _close(self, name: str, at: int) -> None:
        if not self.open:
            raise _error(f"Unexpected end tag at byte offset {at}")
        top = self.open.pop()
        if top.name != name:
            raise _error(
                f'Unmatched end tag at byte offset {at}, expected "</{top.name}>", '
                f'found "</{name}>"'
            )
        entity = top.entity | {"length": self.length - top.entity["offset"]}
        if top.name == "code" and self.open and self.open[-1].name == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            if "language" in entity:
                self.open[-1].entity["language"] = entity["language"]
            return
        if entity["length"] > 0 and entity["type"]:
            self.done.append((top.order, entity))


def _entity(name: str, attributes: dict[str, str]) -> Json | None:
    kind = KINDS.get(name)
    if kind is None or (name == "span" and attributes.get("class") != "tg-spoiler"):
        return None
    if name == "a":
        href = attributes.get("href", "")
        return {"type": "text_link", "url": href} if href else {"type": ""}
    if name == "blockquote" and "expandable" in attributes:
        return {"type": "expandable_blockquote"}
    if name == "code" and attributes.get("class", "").startswith("language-"):
        return {"type": "code", "language": attributes["class"].removeprefix("language-")}
    if name == "tg-emoji":
        return {"type": "custom_emoji", "custom_emoji_id": attributes.get("emoji-id", "")}
    return {"type": kind}


def _attributes(raw: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in ATTRIBUTE.finditer(raw):
        value = next((group for group in match.groups()[1:] if group is not None), "")
        found[match.group(1).lower()] = CHARREF.sub(_unescape, value)
    return found


def _unescape(match: re.Match[str]) -> str:
    name = match.group(1)
    if not name.startswith("#"):
        return NAMED[name]
    code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
    surrogate = 0xD800 <= code <= 0xDFFF
    return chr(code) if 0 < code <= 0x10FFFF and not surrogate else match.group(0)


def _error(reason: str) -> BadRequestError:
    return BadRequestError(f"can't parse entities: {reason}")
