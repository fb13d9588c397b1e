"""UPI ids: validation, lower-casing, and masking in replies and logs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InputError
from core.payments.vpa import is_vpa, mask_vpa, mask_vpas_in, parse_vpa

names = st.from_regex(r"[a-z0-9][a-z0-9.-]{1,30}", fullmatch=True)
handles = st.from_regex(r"[a-z][a-z0-9]{1,20}", fullmatch=True)


@pytest.mark.parametrize(
    ("text", "vpa"),
    [
        ("name@okaxis", "name@okaxis"),
        ("Name.Surname-1@ybl", "name.surname-1@ybl"),
        ("RAMESH@OKSBI", "ramesh@oksbi"),
        ("  ramesh@paytm  ", "ramesh@paytm"),
        ("9876543210@upi", "9876543210@upi"),
        ("ab@ybl", "ab@ybl"),
        ("shop.42@hdfcbank2", "shop.42@hdfcbank2"),
    ],
)
def test_a_valid_upi_id_is_accepted_in_lower_case(text: str, vpa: str) -> None:
    assert parse_vpa(text) == vpa
    assert is_vpa(text)


@pytest.mark.parametrize(
    "text",
    [
        "priya_s@okaxis",  # RazorpayX refuses "_": "The address format is invalid"
        "a" * 95 + "@okaxis",  # over RazorpayX's 100 characters
        "no-at-sign",
        "@okaxis",
        "a@",
        "a b@okaxis",
        "name@ok axis",
        "x@1bank",
        "a@okaxis",
        "name@o",
        "name@@okaxis",
        "name@ok@axis",
        "name@ok.axis",
        "name@ok-axis",
        ".name@okaxis",
        "-name@okaxis",
        "rämesh@okaxis",
        "ramesh@okaxis\nother@ybl",
        "",
        "   ",
        "n" * 257 + "@okaxis",
        "name@" + "h" * 65,
    ],
)
def test_a_malformed_upi_id_is_rejected(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_vpa(text)
    assert caught.value.key == "vpa.invalid"
    assert not is_vpa(text)


def test_the_rejection_shows_only_a_masked_upi_id() -> None:
    with pytest.raises(InputError) as caught:
        parse_vpa("ramesh@ok axis")
    assert caught.value.params["vpa"] == "ra***@ok axis"
    assert "ramesh" not in str(caught.value.params)


def test_the_longest_allowed_upi_id_is_accepted() -> None:
    vpa = "n" * 93 + "@" + "h" * 6  # 100 characters, RazorpayX's most
    assert parse_vpa(vpa) == vpa


@pytest.mark.parametrize(
    ("vpa", "masked"),
    [
        ("ramesh@okaxis", "ra***@okaxis"),
        ("ab@ybl", "ab***@ybl"),
        ("9876543210@upi", "98***@upi"),
        ("no-at-sign", "no***"),
    ],
)
def test_a_upi_id_is_masked_to_its_first_two_characters_and_handle(vpa: str, masked: str) -> None:
    assert mask_vpa(vpa) == masked


def test_every_upi_id_in_free_text_is_masked() -> None:
    text = "pay ramesh@okaxis, or Sita.K-9@YBL (backup: 9876543210@upi)."
    assert mask_vpas_in(text) == "pay ra***@okaxis, or Si***@YBL (backup: 98***@upi)."


def test_text_without_upi_ids_is_left_alone() -> None:
    text = "नमस्ते 🙏 ₹1,500 @ 5pm, code ABCD23"
    assert mask_vpas_in(text) == text


def test_masking_already_masked_text_changes_nothing() -> None:
    once = mask_vpas_in("from ramesh@okaxis to sita@ybl")
    assert mask_vpas_in(once) == once


@given(names, handles)
def test_a_generated_upi_id_round_trips_through_upper_case(name: str, handle: str) -> None:
    vpa = f"{name}@{handle}"
    assert parse_vpa(vpa.upper()) == vpa


@given(names, handles, st.text(alphabet=" ,;:!?()[]<>\n", max_size=3))
def test_a_upi_id_inside_text_never_survives_masking(name: str, handle: str, gap: str) -> None:
    vpa = f"{name}@{handle}"
    masked = mask_vpas_in(f"before{gap} {vpa}{gap} after")
    assert vpa not in masked
    assert f"{name[:2]}***@{handle}" in masked


@given(st.text())
def test_parsing_any_text_raises_nothing_but_an_input_error(text: str) -> None:
    try:
        vpa: str | InputError = parse_vpa(text)
    except InputError as error:
        vpa = error
    if isinstance(vpa, InputError):
        assert vpa.key == "vpa.invalid"
    else:
        assert vpa == vpa.strip().lower()
        assert is_vpa(vpa)
