"""Telegram measures text in UTF-16 code units (entity offsets, lengths, limits)."""

from __future__ import annotations


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def byte_offset(text: str, index: int) -> int:
    """Where `text[index]` starts in UTF-8, as Telegram's parse errors count."""
    return len(text[:index].encode())
