"""The message catalogues: both languages complete, placeholders matching, every key the code
uses present, and every template valid Telegram HTML."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from bot.i18n import t
from bot.notifier import push_key
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


UPI_KINDS = ("payee_upi_verified", "payee_upi_invalid", "payee_upi_unverified", "payout_refused")


@pytest.mark.parametrize("kind", UPI_KINDS)
@pytest.mark.parametrize("state", ["AWAITING_PAYMENT", "PAYOUT_FAILED"])
@pytest.mark.parametrize("name", ["BILAL KHAN", None])
def test_both_parties_are_told_about_the_payees_upi_id_in_both_languages(
    kind: str, state: str, name: str | None
) -> None:
    for role in ("payer", "payee"):
        key = push_key(kind, role, {"state": state, "payee_name": name})
        assert key is not None, (kind, role, state)
        for lang in ("en", "hi"):
            assert key in CATALOGUES[lang], (lang, key)
            text = t(lang, key, **(dict.fromkeys(_fields(EN[key]), "x") | {"upi": "bi***@okaxis"}))
            assert "{" not in text, text
            if role == "payee":  # the payee is shown which of their UPI ids it is about
                assert "bi***@okaxis" in text, (lang, key)


def test_the_payer_sees_whose_upi_id_it_is_before_paying() -> None:
    named = push_key(
        "payee_upi_verified", "payer", {"state": "AWAITING_PAYMENT", "payee_name": "B"}
    )
    unnamed = push_key("payee_upi_verified", "payer", {"state": "AWAITING_PAYMENT"})
    assert named is not None
    assert unnamed is not None
    text = t("en", named, upi="bi***@okaxis", holder="BILAL KHAN", code="K7M2QX", name="Ph")
    assert "bi***@okaxis" in text
    assert "is registered to <b>BILAL KHAN</b>" in text
    assert "Pay only if this is the person you are dealing with" in text
    assert "gave no name" in t("en", unnamed, upi="bi***@okaxis", code="K7M2QX", name="Ph")


@pytest.mark.parametrize(
    "key",
    [
        "upi.payee_only",
        "upi.not_now",
        "upi.same",
        "retry.needs_new_upi",
        "collect.unknown",
        "state.PAYOUT_FAILED",
        "next.payout_failed",
        "next.payout_failed.payee",
        "btn.new_upi",
    ],
)
def test_the_new_upi_id_words_exist_in_both_languages(key: str) -> None:
    assert EN[key]
    assert HI[key]
    assert HI[key] != EN[key] or key == "btn.new_upi"


def _all_errors() -> list[type[ServiceError]]:
    found: list[type[ServiceError]] = []
    stack: list[type[ServiceError]] = [ServiceError]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found.append(cls)
    return found
