"""Escrow codes (six characters, no look-alikes) and friendly names."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InputError
from core.escrow.codes import (
    ADJECTIVES,
    ALPHABET,
    ANIMALS,
    CODE_LENGTH,
    looks_like_code,
    new_code,
    new_friendly_name,
    normalise_code,
)

VALID_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
codes = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)


def _rejection(text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        normalise_code(text)
    return caught.value


def test_a_new_code_is_six_characters_from_the_alphabet() -> None:
    for _ in range(200):
        code = new_code()
        assert len(code) == CODE_LENGTH == 6
        assert VALID_CODE.fullmatch(code)


def test_new_codes_differ() -> None:
    assert len({new_code() for _ in range(200)}) > 190


def test_a_new_code_is_already_normalised() -> None:
    code = new_code()
    assert normalise_code(code) == code


@pytest.mark.parametrize("look_alike", ["0", "O", "1", "I", "L"])
def test_the_alphabet_has_no_look_alikes(look_alike: str) -> None:
    assert look_alike not in ALPHABET
    assert look_alike.lower() not in ALPHABET


def test_the_alphabet_is_31_distinct_upper_case_letters_and_digits() -> None:
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert all(char.isascii() and (char.isupper() or char.isdigit()) for char in ALPHABET)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ABCD23", "ABCD23"),
        ("abcd23", "ABCD23"),
        ("AbCd23", "ABCD23"),
        ("  ab-c d2 3 ", "ABCD23"),
        ("abc-d23", "ABCD23"),
        ("abc_d23", "ABCD23"),
        ("abc.d23", "ABCD23"),
        ("\tabc d23\t", "ABCD23"),
        ("ABC\nD23", "ABCD23"),  # pasted across a line break
        ("abc\u00a0d23", "ABCD23"),
        ("ＡＢＣＤ２３", "ABCD23"),  # full-width, as some keyboards type it
        ("x-y-z-9-8-7", "XYZ987"),
    ],
)
def test_a_code_is_normalised_regardless_of_case_and_separators(text: str, code: str) -> None:
    assert normalise_code(text) == code
    assert looks_like_code(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ABCDE",
        "ABCD234",
        "ABCD2",
        "ABCD20",
        "ABCDO3",
        "ABCD13",
        "ABCDI3",
        "ABCDL3",
        "abcdl3",
        "abcdo3",
        "ABC!23",
        "ABC/23",
        "ABCD2😀",
        "АВСД23",  # Cyrillic letters that look Latin
        "ABCDEFABCDEF",
    ],
)
def test_a_malformed_code_is_rejected(text: str) -> None:
    assert _rejection(text).key == "code.invalid"
    assert not looks_like_code(text)


def test_the_rejection_carries_at_most_twenty_characters_of_what_was_typed() -> None:
    error = _rejection("  " + "Z" * 50 + "  ")
    assert error.params["code"] == "Z" * 20


@pytest.mark.parametrize("text", ["abcdef\n", "ABCDEF\n", " abc-def\n"])
def test_a_code_followed_by_a_newline_normalises_to_the_bare_code(text: str) -> None:
    assert normalise_code(text) == "ABCDEF"


def test_a_character_outside_the_alphabet_that_upper_cases_to_two_letters_is_rejected() -> None:
    assert _rejection("ßabcd").key == "code.invalid"


@given(codes)
def test_a_code_typed_in_lower_case_normalises_to_itself(code: str) -> None:
    assert normalise_code(code.lower()) == code


@given(codes, st.lists(st.sampled_from([" ", "-", "_", "."]), max_size=CODE_LENGTH + 1))
def test_separators_anywhere_in_a_code_are_ignored(code: str, separators: list[str]) -> None:
    spaced = "".join(
        char + (separators[i] if i < len(separators) else "") for i, char in enumerate(code)
    )
    assert normalise_code(f"  {spaced}  ") == code


def _code_or_error(text: str) -> str | InputError:
    try:
        return normalise_code(text)
    except InputError as error:
        return error


@given(st.text())
def test_normalising_any_text_raises_nothing_but_an_input_error(text: str) -> None:
    outcome = _code_or_error(text)
    if isinstance(outcome, InputError):
        assert outcome.key == "code.invalid"
    else:
        assert VALID_CODE.match(outcome)


def test_a_friendly_name_is_an_adjective_and_an_animal() -> None:
    for _ in range(200):
        adjective, animal = new_friendly_name().split(" ")
        assert adjective in ADJECTIVES
        assert animal in ANIMALS


def test_the_name_lists_are_single_capitalised_words_without_repeats() -> None:
    for words in (ADJECTIVES, ANIMALS):
        assert len(words) == len(set(words))
        assert all(word.isalpha() and word == word.capitalize() for word in words)
