"""What the sandbox remembers: users, their private chats with the bot, files, button clicks."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

Json = dict[str, Any]


@dataclass
class User:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None
    blocked: bool = False  # the user blocked the bot: sends to them are 403


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # "photo" | "document"
    content: bytes = field(repr=False)
    mime_type: str
    file_name: str | None = None
    width: int = 0
    height: int = 0

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def file_path(self) -> str:
        """Where getFile says it is, under /file/bot<token>/ (Telegram's `photos/file_3.jpg`)."""
        suffix = PurePosixPath(self.file_name or "").suffix
        suffix = suffix or mimetypes.guess_extension(self.mime_type) or ""
        return f"{self.kind}s/file_{self.file_unique_id}{suffix}"


@dataclass(frozen=True)
class Formatted:
    """A text or caption: `text` as shown (markup parsed away), `source` as the bot sent it."""

    text: str
    entities: tuple[Json, ...] = ()
    source: str = ""
    parse_mode: str | None = None

    @property
    def is_html(self) -> bool:
        return (self.parse_mode or "").lower() == "html"


@dataclass
class Message:
    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: Formatted | None = None
    caption: Formatted | None = None
    photo: StoredFile | None = None
    document: StoredFile | None = None
    reply_markup: Json | None = None
    edit_date: int | None = None
    reply_to_message_id: int | None = None
    protect_content: bool = False
    link_preview_options: Json | None = None
    answers: list[Json] = field(default_factory=list)  # callback answers shown as toasts


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    message_id: int
    data: str
    answer: Json | None = None


@dataclass
class Profile:
    """What the bot set about itself: commands, menu buttons, name and descriptions."""

    commands: dict[tuple[str, str], list[Json]] = field(default_factory=dict)  # (scope, lang)
    menu_buttons: dict[int | None, Json] = field(default_factory=dict)  # None: the default
    texts: dict[tuple[str, str], str] = field(default_factory=dict)  # (field, lang)
