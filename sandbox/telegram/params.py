"""A Bot API call's parameters, however they came (query, JSON, form or multipart).

Form values are strings, and PTB JSON-encodes non-scalar ones (`reply_markup`, `commands`), so
each accessor takes both the JSON-body type and its string form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.telegram.errors import BadRequestError

TRUE = ("true", "1", "True")


@dataclass(frozen=True)
class Upload:
    """A file sent as a multipart part."""

    content: bytes = field(repr=False)
    file_name: str | None = None
    content_type: str = "application/octet-stream"


class Params:
    def __init__(self, values: Mapping[str, Any], uploads: Mapping[str, Upload]) -> None:
        self._values = dict(values)
        self._uploads = dict(uploads)

    def text(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise BadRequestError(f"invalid {name} specified")

    def integer(self, name: str) -> int | None:
        value = self._values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value))
        except ValueError:
            raise BadRequestError(f"invalid {name} specified") from None

    def number(self, name: str, default: float) -> float:
        value = self._values.get(name)
        try:
            return default if value in (None, "") else float(value)
        except (TypeError, ValueError):
            raise BadRequestError(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self._values.get(name)
        return value is True or value in TRUE

    def json(self, name: str) -> Any:
        value = self._values.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise BadRequestError(f"can't parse {name} JSON object") from None

    def chat_id(self) -> int:
        """The chat, which is the user's id: sandbox chats are private."""
        value = self._values.get("chat_id")
        if value in (None, ""):
            raise BadRequestError("chat_id is empty")
        try:
            return int(str(value))
        except ValueError:
            raise BadRequestError("chat not found") from None

    def message_id(self) -> int:
        message_id = self.integer("message_id")
        if message_id is None:
            raise BadRequestError("message identifier is not specified")
        return message_id

    def input_file(self, name: str) -> Upload | str | None:
        """An uploaded part, a part named by `attach://<part>`, or a file_id / URL string."""
        if name in self._uploads:
            return self._uploads[name]
        value = self.text(name)
        if value and value.startswith("attach://"):
            return self._uploads.get(value.removeprefix("attach://"))
        return value
