"""Free text from people (descriptions, reasons): bounded, never mangled."""

from __future__ import annotations

import re

from core.errors import InputError

# NUL cannot be stored in PostgreSQL text; other C0 controls are invisible noise. Newlines and
# tabs stay, as does every printable character in every script (and every emoji).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(text: str, max_length: int) -> str:
    """For text we store but do not validate (Telegram names): printable, trimmed, bounded."""
    return _CONTROL.sub("", text).strip()[:max_length]


def clean_text(text: str | None, max_length: int, field: str, *, required: bool = True) -> str:
    """Strip outer whitespace and control characters; enforce presence and length.

    Raises InputError with key `<field>.required` or `<field>.too_long` (limit in params).
    """
    cleaned = _CONTROL.sub("", text or "").strip()
    if required and not cleaned:
        raise InputError(f"{field}.required")
    if len(cleaned) > max_length:
        raise InputError(f"{field}.too_long", limit=max_length, length=len(cleaned))
    return cleaned
