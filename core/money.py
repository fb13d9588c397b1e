"""Rupee amounts: parsing what people type into integer paise, and formatting paise back.

Amounts are integer paise everywhere; a float never holds money.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from core.errors import InputError

_PREFIXES = ("₹", "rs.", "rs", "inr", "रु.", "रु", "रुपये")
_SUFFIXES = ("/-", "rupees", "rs", "inr", "रुपये", "रु")
_WESTERN = re.compile(r"^\d{1,3}(,\d{3})+$")
_INDIAN = re.compile(r"^\d{1,2}(,\d{2})*,\d{3}$")
_PLAIN = re.compile(r"^\d+$")
_MAX_INPUT = 40


@dataclass(frozen=True, slots=True)
class AmountLimits:
    """Smallest and largest escrow amount, in paise (inclusive)."""

    min_paise: int
    max_paise: int


def parse_amount(text: str, limits: AmountLimits) -> int:
    """Parse "1500", "1,500", "₹1,500.50", "Rs 1500" or "1,00,000" into paise.

    Raises InputError with key amount.invalid, amount.too_precise, amount.not_positive,
    amount.too_small or amount.too_large; the limit is in the error's params.
    """
    number = _strip_currency(_normalise(text))
    if not number or len(number) > _MAX_INPUT:
        raise InputError("amount.invalid", text=text[:_MAX_INPUT])
    if number.startswith("-"):
        raise InputError("amount.not_positive")
    whole, _, fraction = number.partition(".")
    if not _valid_whole(whole) or (fraction and not fraction.isdigit()) or "." in fraction:
        raise InputError("amount.invalid", text=text[:_MAX_INPUT])
    if len(fraction) > 2:
        raise InputError("amount.too_precise")
    try:
        rupees = Decimal(f"{whole.replace(',', '')}.{fraction or '0'}")
    except InvalidOperation as exc:  # unreachable after the checks above; kept as a guard
        raise InputError("amount.invalid", text=text[:_MAX_INPUT]) from exc
    return check_amount(int(rupees * 100), limits)


def check_amount(amount_paise: int, limits: AmountLimits) -> int:
    """Return the amount if it lies within the limits, else raise InputError naming the limit."""
    if amount_paise <= 0:
        raise InputError("amount.not_positive")
    if amount_paise < limits.min_paise:
        raise InputError("amount.too_small", limit=format_inr(limits.min_paise))
    if amount_paise > limits.max_paise:
        raise InputError("amount.too_large", limit=format_inr(limits.max_paise))
    return amount_paise


def format_inr(paise: int) -> str:
    """Format paise as rupees with Indian digit grouping: 10000000 -> "₹1,00,000"."""
    sign = "-" if paise < 0 else ""
    rupees, rest = divmod(abs(paise), 100)
    digits = str(rupees)
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    grouped = ",".join([*groups, tail]) if groups else tail
    return f"{sign}₹{grouped}" + (f".{rest:02d}" if rest else "")


def fee_for(amount_paise: int, fee_bps: int) -> int:
    """Our fee on a released amount, in paise, rounded down (basis points: 100 = 1%)."""
    return amount_paise * fee_bps // 10_000


def _normalise(text: str) -> str:
    chars = []
    for char in unicodedata.normalize("NFKC", text).strip().lower():
        digit = unicodedata.decimal(char, None)
        chars.append(str(digit) if digit is not None else char)
    return "".join(chars).replace(" ", "").replace("\u00a0", "")


def _strip_currency(text: str) -> str:
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    return text


def _valid_whole(whole: str) -> bool:
    return bool(_PLAIN.match(whole) or _WESTERN.match(whole) or _INDIAN.match(whole))
