"""Message catalogues, one per language, with the same keys."""

from bot.texts import en, hi

CATALOGUES: dict[str, dict[str, str]] = {"en": en.TEXTS, "hi": hi.TEXTS}
