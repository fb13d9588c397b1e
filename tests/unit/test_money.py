"""Parsing what people type as an amount into paise, formatting paise back, and the fee."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InputError
from core.money import AmountLimits, check_amount, fee_for, format_inr, parse_amount

LIMITS = AmountLimits(min_paise=100, max_paise=10_000_000)


def _rejection(text: str, limits: AmountLimits = LIMITS) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_amount(text, limits)
    return caught.value


@pytest.mark.parametrize(
    ("text", "paise"),
    [
        ("1500", 150_000),
        ("1,500", 150_000),
        ("₹1,500.50", 150_050),
        ("₹1500", 150_000),
        ("₹ 1,500", 150_000),
        ("Rs 1500", 150_000),
        ("Rs. 1500", 150_000),
        ("rs.1500", 150_000),
        ("RS 1500", 150_000),
        ("INR 1500", 150_000),
        ("1500 INR", 150_000),
        ("1500 rupees", 150_000),
        ("1500 Rs", 150_000),
        ("1500/-", 150_000),
        ("Rs. 1500/-", 150_000),
        ("रु 1500", 150_000),
        ("1500 रुपये", 150_000),
        ("1,00,000", 10_000_000),
        ("10,000", 1_000_000),
        ("100,000", 10_000_000),
        ("12,345.67", 1_234_567),
        ("१५००", 150_000),
        ("१,५००.५०", 150_050),
        ("  1500  ", 150_000),
        ("\t1500\n", 150_000),
        ("1500.5", 150_050),
        ("1500.05", 150_005),
        ("1500.", 150_000),
        ("01500", 150_000),
        ("1", 100),
        ("１５００", 150_000),  # full-width digits from a phone keyboard
    ],
)
def test_a_well_formed_amount_is_parsed_into_paise(text: str, paise: int) -> None:
    assert parse_amount(text, LIMITS) == paise


@pytest.mark.parametrize("text", ["0", "0.00", "-5", "-1,500", "₹-100", "-0.5"])
def test_an_amount_that_is_zero_or_negative_is_not_positive(text: str) -> None:
    assert _rejection(text).key == "amount.not_positive"


@pytest.mark.parametrize("text", ["1500.505", "1.001", "₹1,500.000"])
def test_an_amount_with_three_decimals_is_rejected(text: str) -> None:
    assert _rejection(text).key == "amount.too_precise"


def test_an_amount_above_the_maximum_names_the_limit_in_indian_format() -> None:
    error = _rejection("1,00,001")
    assert error.key == "amount.too_large"
    assert error.params["limit"] == "₹1,00,000"


def test_the_maximum_itself_is_accepted() -> None:
    assert parse_amount("100000", LIMITS) == LIMITS.max_paise


def test_an_amount_below_the_minimum_names_the_limit() -> None:
    error = _rejection("0.99")
    assert error.key == "amount.too_small"
    assert error.params["limit"] == "₹1"


def test_the_limits_come_from_the_caller() -> None:
    limits = AmountLimits(min_paise=50_000, max_paise=60_000)
    assert _rejection("499.99", limits).key == "amount.too_small"
    assert _rejection("600.01", limits).key == "amount.too_large"
    assert _rejection("600.01", limits).params["limit"] == "₹600"
    assert parse_amount("550", limits) == 55_000


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "",
        "   ",
        "1,5",
        "12,34,5",
        "1,0000",
        ",500",
        "1500,",
        "1.2.3",
        ".",
        ".50",
        "1 500 abc",
        "1e3",
        "1_000",
        "0x10",
        "nan",
        "Infinity",
        "💰",
        "1500💰",
        "₹",
        "Rs.",
        "/-",
        "1500/-/-",
        "1" * 41,
        "9" * 1000,
        "१५abc",
        "1500\n.50",
    ],
)
def test_text_that_is_not_a_number_is_invalid(text: str) -> None:
    error = _rejection(text)
    assert error.key == "amount.invalid"
    assert len(error.params["text"]) <= 40


@given(st.text())
def test_any_text_is_either_an_amount_within_limits_or_an_input_error(text: str) -> None:
    try:
        paise = parse_amount(text, LIMITS)
    except InputError:
        return
    assert isinstance(paise, int)
    assert LIMITS.min_paise <= paise <= LIMITS.max_paise


@given(st.integers(min_value=LIMITS.min_paise, max_value=LIMITS.max_paise))
def test_a_formatted_amount_parses_back_to_the_same_paise(paise: int) -> None:
    assert parse_amount(format_inr(paise), LIMITS) == paise


@given(st.integers(min_value=LIMITS.min_paise, max_value=LIMITS.max_paise))
def test_a_plain_rupee_string_parses_to_the_same_paise(paise: int) -> None:
    rupees, rest = divmod(paise, 100)
    assert parse_amount(f"{rupees}.{rest:02d}", LIMITS) == paise


@pytest.mark.parametrize(
    ("paise", "text"),
    [
        (10_000_000, "₹1,00,000"),
        (150_050, "₹1,500.50"),
        (100, "₹1"),
        (5, "₹0.05"),
        (0, "₹0"),
        (99_900, "₹999"),
        (100_000, "₹1,000"),
        (123_456_789, "₹12,34,567.89"),
        (1_000_000_000, "₹1,00,00,000"),
        (150_010, "₹1,500.10"),
        (-150_050, "-₹1,500.50"),
    ],
)
def test_paise_are_formatted_as_rupees_with_indian_grouping(paise: int, text: str) -> None:
    assert format_inr(paise) == text


@pytest.mark.parametrize("paise", [100, 5_000, 10_000_000])
def test_an_amount_within_limits_passes_the_check_unchanged(paise: int) -> None:
    assert check_amount(paise, LIMITS) == paise


@pytest.mark.parametrize(
    ("paise", "key"),
    [(0, "amount.not_positive"), (-1, "amount.not_positive"), (99, "amount.too_small")],
)
def test_an_amount_outside_limits_fails_the_check(paise: int, key: str) -> None:
    with pytest.raises(InputError) as caught:
        check_amount(paise, LIMITS)
    assert caught.value.key == key


def test_one_percent_fee_on_fifteen_hundred_rupees_is_fifteen_rupees() -> None:
    assert fee_for(150_000, 100) == 1_500


@pytest.mark.parametrize(
    ("amount", "bps", "fee"),
    [(150_099, 100, 1_500), (99, 100, 0), (199, 50, 0), (10_000, 1, 1), (12_345, 0, 0)],
)
def test_the_fee_rounds_down_to_a_whole_paisa(amount: int, bps: int, fee: int) -> None:
    assert fee_for(amount, bps) == fee


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=1_000))
def test_the_fee_never_exceeds_its_exact_share(amount: int, bps: int) -> None:
    fee = fee_for(amount, bps)
    assert 0 <= fee <= amount
    assert fee * 10_000 <= amount * bps < (fee + 1) * 10_000
