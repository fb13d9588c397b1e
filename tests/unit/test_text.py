"""Free text from people: kept as written, minus outer whitespace and invisible controls."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InputError
from core.escrow.text import clean_text

C0_CONTROLS_REMOVED = [chr(code) for code in range(0x20) if chr(code) not in "\t\n\r"]


@pytest.mark.parametrize(
    "text",
    [
        "पुराना iPhone 12, बढ़िया हालत में",
        "Laptop 💻 with charger 🔌 and bag 👜",
        "👨‍👩‍👧‍👦 family pack",  # zero-width joiners hold the emoji together
        "இரண்டு புத்தகங்கள்",
        "مرحبا بالعالم",
        "שלום עולם",
        "\u200fRTL mark kept",
        "Café crème, naïve façade",
        "₹1,500 only",
    ],
)
def test_text_in_any_script_is_kept_intact(text: str) -> None:
    assert clean_text(text, 200, "description") == text


def test_outer_whitespace_is_stripped() -> None:
    assert clean_text("  \n\t a phone \t\n ", 200, "description") == "a phone"


def test_newlines_and_tabs_inside_are_kept() -> None:
    text = "line one\nline two\n\tindented"
    assert clean_text(text, 200, "description") == text


def test_a_nul_character_is_removed() -> None:
    assert clean_text("pho\x00ne", 200, "description") == "phone"


@pytest.mark.parametrize("control", [*C0_CONTROLS_REMOVED, "\x7f"], ids=ord)
def test_a_control_character_is_removed(control: str) -> None:
    assert clean_text(f"a{control}b", 200, "description") == "ab"


def test_controls_around_whitespace_do_not_protect_it_from_stripping() -> None:
    assert clean_text("\x00  a phone  \x1b", 200, "description") == "a phone"


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t ", "\x00", " \x00\x07 "])
def test_missing_text_is_required(text: str | None) -> None:
    with pytest.raises(InputError) as caught:
        clean_text(text, 200, "description")
    assert caught.value.key == "description.required"


def test_the_error_key_is_named_after_the_field() -> None:
    with pytest.raises(InputError) as caught:
        clean_text("", 200, "reason")
    assert caught.value.key == "reason.required"


@pytest.mark.parametrize("text", [None, "", "   ", "\x00"])
def test_missing_text_is_allowed_when_not_required(text: str | None) -> None:
    assert clean_text(text, 200, "reason", required=False) == ""


def test_text_over_the_limit_is_too_long_with_the_limit_in_params() -> None:
    with pytest.raises(InputError) as caught:
        clean_text("x" * 201, 200, "description")
    assert caught.value.key == "description.too_long"
    assert caught.value.params == {"limit": 200, "length": 201}


def test_text_over_the_limit_is_too_long_even_when_not_required() -> None:
    with pytest.raises(InputError) as caught:
        clean_text("x" * 11, 10, "reason", required=False)
    assert caught.value.key == "reason.too_long"


def test_text_exactly_at_the_limit_is_accepted() -> None:
    assert clean_text("x" * 200, 200, "description") == "x" * 200


def test_the_limit_counts_characters_not_bytes() -> None:
    text = "न" * 200
    assert len(text.encode()) > 200
    assert clean_text(text, 200, "description") == text


def test_the_limit_applies_after_cleaning() -> None:
    assert clean_text("  " + "x" * 10 + "\x00" * 50 + "  ", 10, "description") == "x" * 10


def _cleaned_or_error(text: str) -> str | InputError:
    try:
        return clean_text(text, 10_000, "description")
    except InputError as error:
        return error


@given(st.text())
def test_cleaned_text_never_holds_a_removed_control_or_outer_whitespace(text: str) -> None:
    cleaned = _cleaned_or_error(text)
    if isinstance(cleaned, InputError):
        assert cleaned.key == "description.required"
        return
    assert cleaned
    assert cleaned == cleaned.strip()
    assert not any(char in cleaned for char in [*C0_CONTROLS_REMOVED, "\x7f"])


@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs"]), min_size=1))
def test_text_without_controls_only_loses_outer_whitespace(text: str) -> None:
    cleaned = _cleaned_or_error(text)
    if isinstance(cleaned, InputError):
        assert not text.strip()
    else:
        assert cleaned == text.strip()
