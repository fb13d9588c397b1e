"""Telegram's MarkdownV2 and legacy Markdown parse modes, read into plain text plus entities.

MarkdownV2 refuses what Telegram refuses: any of _*[]()~`>#+-=|{}.! outside an entity and not
escaped with a backslash ("Character '.' is reserved ..."), and an entity left open.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.telegram.errors import BadRequestError
from sandbox.telegram.models import Json
from sandbox.telegram.units import byte_offset, utf16_len

RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
V2_MARKERS = {"__": "underline", "||": "spoiler", "*": "bold", "_": "italic", "~": "strikethrough"}
V1_MARKERS = {"*": "bold", "_": "italic"}
V1_ESCAPABLE = frozenset("_*`[")
NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
}


def parse_markdown(source: str, *, v2: bool) -> tuple[str, list[Json]]:
    """The text as shown and its entities, or 400 "can't parse entities: ..."."""
    return _Reader(source, v2).read()


@dataclass
class _Open:
    kind: str
    marker: str
    offset: int  # UTF-16 units into the text as shown
    at: int  # index into the source, for errors
    order: int


class _Reader:
    def __init__(self, source: str, v2: bool) -> None:
        self.source, self.v2 = source, v2
        self.markers = V2_MARKERS if v2 else V1_MARKERS
        self.parts: list[str] = []
        self.length = 0
        self.open: list[_Open] = []
        self.done: list[tuple[int, Json]] = []
        self.quote: int | None = None  # where the current block quotation began
        self.count = 0  # entities in the order they open: the outer one first on ties

    def read(self) -> tuple[str, list[Json]]:
        index = 0
        while index < len(self.source):
            index = self._step(index)
        self._end_quote()
        if self.open:
            raise self._unclosed(self.open[-1].kind, self.open[-1].at)
        ordered = sorted(self.done, key=lambda d: (d[1]["offset"], -d[1]["length"], d[0]))
        return "".join(self.parts), [entity for _, entity in ordered]

    def _step(self, index: int) -> int:
        char = self.source[index]
        if char == "\\" and self._escapable(index):
            self._emit(self.source[index + 1])
            return index + 2
        if char == "`":
            return self._code(index)
        if char == "[":
            self._push("text_link", "[", index)
            return index + 1
        if char == "]" and any(item.marker == "[" for item in self.open):
            return self._link(index)
        if char == ">" and self.v2 and (index == 0 or self.source[index - 1] == "\n"):
            self.quote = self.length if self.quote is None else self.quote
            return index + 1
        if char == "\n" and not self.source.startswith(">", index + 1):
            self._end_quote()
        marker = self._marker(index)
        if marker:
            self._toggle(marker, index)
            return index + len(marker)
        if self.v2 and char in RESERVED:
            raise _error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        self._emit(char)
        return index + 1

    def _escapable(self, index: int) -> bool:
        if index + 1 >= len(self.source):
            return False
        following = self.source[index + 1]
        return 0 < ord(following) < 127 if self.v2 else following in V1_ESCAPABLE

    def _marker(self, index: int) -> str | None:
        # Two-character markers first: Telegram reads "__" greedily, even after an "_".
        return next((m for m in self.markers if self.source.startswith(m, index)), None)

    def _toggle(self, marker: str, index: int) -> None:
        if self.open and self.open[-1].marker == marker:
            self._close(self.open.pop())
        elif any(item.marker == marker for item in self.open):
            raise self._unclosed(self.open[-1].kind, self.open[-1].at)
        else:
            self._push(self.markers[marker], marker, index)

    def _code(self, index: int) -> int:
        fence = "```" if self.source.startswith("```", index) else "`"
        start = index + len(fence)
        end = self._closing(fence, start)
        kind = "pre" if fence == "```" else "code"
        if end == -1:
            raise self._unclosed(kind, index)
        body, extra = self._unescape(self.source[start:end]), {}
        first, newline, rest = body.partition("\n")
        if kind == "pre" and newline and " " not in first:
            body, extra = rest, ({"language": first} if first else {})
        self._add(kind, self.length, utf16_len(body), extra, self._order())
        self._emit(body)
        return end + len(fence)

    def _closing(self, fence: str, start: int) -> int:
        index = start
        while index < len(self.source):
            if self.v2 and self.source[index] == "\\":
                index += 2
            elif self.source.startswith(fence, index):
                return index
            else:
                index += 1
        return -1

    def _link(self, index: int) -> int:
        if self.open[-1].marker != "[":
            raise self._unclosed(self.open[-1].kind, self.open[-1].at)
        opened = self.open.pop()
        end = self._closing(")", index + 2) if self.source.startswith("(", index + 1) else -1
        if end == -1:
            raise self._unclosed("text_link", opened.at)
        self._close(opened, {"url": self._unescape(self.source[index + 2 : end])})
        return end + 1

    def _unescape(self, raw: str) -> str:
        if not self.v2:
            return raw
        out, index = [], 0
        while index < len(raw):
            step = 2 if raw[index] == "\\" and index + 1 < len(raw) else 1
            out.append(raw[index + step - 1])
            index += step
        return "".join(out)

    def _push(self, kind: str, marker: str, index: int) -> None:
        self.open.append(_Open(kind, marker, self.length, index, self._order()))

    def _order(self) -> int:
        self.count += 1
        return self.count

    def _close(self, opened: _Open, extra: Json | None = None) -> None:
        length = self.length - opened.offset
        self._add(opened.kind, opened.offset, length, extra or {}, opened.order)

    def _end_quote(self) -> None:
        if self.quote is not None:
            self._add("blockquote", self.quote, self.length - self.quote, {}, 0)
            self.quote = None

    def _add(self, kind: str, offset: int, length: int, extra: Json, order: int) -> None:
        if length > 0:
            self.done.append((order, {"type": kind, "offset": offset, "length": length} | extra))

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def _unclosed(self, kind: str, index: int) -> BadRequestError:
        at = byte_offset(self.source, index)
        if not self.v2:
            return _error(f"Can't find end of the entity starting at byte offset {at}")
        return _error(f"Can't find end of {NAMES[kind]} entity at byte offset {at}")


def _error(reason: str) -> BadRequestError:
    return BadRequestError(f"can't parse entities: {reason}")
