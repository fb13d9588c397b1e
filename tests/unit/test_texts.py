"""The message catalogues: both languages complete, placeholders matching, every key the code
uses present, and every template valid Telegram HTML."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import t
from bot.texts import CATALOGUES
from core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from sandbox.telegram.html_text import parse_html

ROOT = Path(__file__).resolve().parents[2]
EN, HI = CATALOGUES["en"], CATALOGUES["hi"]
RAISED = re.compile(
    r"(?:InputError|ForbiddenError|ConflictError|NotFoundError)\(\s*\"([a-z_]+\.[a-z_]+)\""
)
LOOKED_UP = re.compile(r"\bt\(\s*[a-z_.]+,\s*\"([a-z_]+\.[a-z_]+)\"")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _sources(*folders: str) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8")
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
    )


def test_both_languages_have_the_same_keys() -> None:
    assert set(EN) - set(HI) == set()
    assert set(HI) - set(EN) == set()


@pytest.mark.parametrize("key", sorted(EN))
def test_each_translation_uses_the_same_placeholders(key: str) -> None:
    assert _fields(HI[key]) == _fields(EN[key]), key


@pytest.mark.parametrize("lang", sorted(CATALOGUES))
def test_every_template_is_html_telegram_accepts(lang: str) -> None:
    for key, template in CATALOGUES[lang].items():
        filled = template.format_map(dict.fromkeys(_fields(template), "x"))
        parse_html(filled)  # raises on tags or entities Telegram would refuse
        assert key


def test_every_error_the_core_raises_has_words_for_people() -> None:
    raised = set(RAISED.findall(_sources("core")))
    assert raised, "the scan found no raised errors: the pattern is stale"
    assert sorted(raised - set(EN)) == []
    for error in (ForbiddenError(), ConflictError(), NotFoundError()):
        assert error.key in EN, type(error).__name__
    for cls in _all_errors():
        assert cls.key in EN, cls.__name__


def test_every_key_the_bot_looks_up_exists() -> None:
    used = set(LOOKED_UP.findall(_sources("bot")))
    assert len(used) > 50, "the scan found too few keys: the pattern is stale"
    assert sorted(used - set(EN)) == []


def test_parameters_are_escaped_and_missing_ones_stay_visible() -> None:
    assert t("en", "user.not_found", telegram_id="<b>7</b>").count("&lt;b&gt;") == 1
    assert "{code}" in t("en", "error.escrow_not_found")


def _all_errors() -> list[type[ServiceError]]:
    found: list[type[ServiceError]] = []
    stack: list[type[ServiceError]] = [ServiceError]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found.append(cls)
    return found
