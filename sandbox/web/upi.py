"""UPI intent links (`upi://pay?pa=…&am=…&tr=…`) read back into what a payer app would pay.

NPCI's linking spec: `pa` is the payee's VPA, `am` the amount in rupees with at most two
decimals, `tr` the transaction reference, which Setu sets to the product instance's refId.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qs, urlsplit

AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


class UpiLinkError(ValueError):
    """The text is not a UPI payment link this sandbox can pay; the message says why."""


@dataclass(frozen=True)
class UpiLink:
    payee_vpa: str
    ref_id: str
    amount_paise: int | None  # None: the link leaves the amount to the payer


def parse_upi_link(text: str) -> UpiLink:
    """The payee, refId and amount of a `upi://pay?…` link; raises UpiLinkError."""
    parts = urlsplit(text.strip())
    if parts.scheme.lower() != "upi" or parts.netloc.lower() != "pay":
        raise UpiLinkError("not a UPI payment link: it must start with upi://pay?")
    query = parse_qs(parts.query, keep_blank_values=True)
    ref_id, payee = _one(query, "tr"), _one(query, "pa")
    if not ref_id:
        raise UpiLinkError("the UPI link has no tr (transaction reference) to pay")
    if not payee:
        raise UpiLinkError("the UPI link has no pa (payee UPI id)")
    amount = _one(query, "am")
    return UpiLink(payee, ref_id, None if not amount else _paise(amount))


def _one(query: dict[str, list[str]], name: str) -> str:
    values = query.get(name, [])
    return values[0].strip() if values else ""


def _paise(amount: str) -> int:
    if not AMOUNT.fullmatch(amount):
        raise UpiLinkError(f"the UPI link's amount {amount!r} is not rupees like 1500.00")
    try:
        paise = int(Decimal(amount) * 100)
    except InvalidOperation as exc:  # pragma: no cover - AMOUNT already rules this out
        raise UpiLinkError(f"the UPI link's amount {amount!r} is not a number") from exc
    if paise <= 0:
        raise UpiLinkError("the UPI link's amount must be more than zero")
    return paise


def rupees(paise: int) -> str:
    """₹ with Indian digit grouping, paise only when there are some: ₹1,50,000 or ₹12.50."""
    whole, fraction = divmod(paise, 100)
    digits = str(whole)
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    text = ",".join([*groups, tail])
    return f"₹{text}.{fraction:02d}" if fraction else f"₹{text}"
