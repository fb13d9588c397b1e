"""The list endpoints: filters and paging as RazorpayX documents them (razorpayx-payouts.md
§2.1), newest first, as a `collection`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from sandbox.razorpayx.config import SimulatorConfig
from sandbox.razorpayx.errors import BadRequestError
from sandbox.razorpayx.models import Json, Payout
from sandbox.razorpayx.payouts import check_account_number
from sandbox.razorpayx.states import STATUSES

T = TypeVar("T")
DEFAULT_COUNT, MAX_COUNT = 10, 100
PAYOUT_FILTERS: dict[str, Callable[[Payout], object]] = {
    "reference_id": lambda payout: payout.reference_id,
    "fund_account_id": lambda payout: payout.fund_account.id,
    "contact_id": lambda payout: payout.fund_account.contact.id,
    "mode": lambda payout: "UPI",
    "status": lambda payout: payout.status,
}


def collection(
    records: Iterable[T],
    params: Mapping[str, str],
    config: SimulatorConfig,
    view: Callable[[T], Json],
) -> Json:
    """Records newest first, after `skip`, at most `count`, each rendered by `view`.

    Raises BadRequestError for a missing or wrong `account_number`, or bad paging numbers.
    """
    account_number = params.get("account_number")
    if account_number is None:
        raise BadRequestError("The account number field is required.", field="account_number")
    check_account_number(config, account_number, "account_number")
    count = _number(params, "count", DEFAULT_COUNT, low=1, high=MAX_COUNT)
    skip = _number(params, "skip", 0, low=0)
    items = [view(record) for record in list(records)[::-1][skip : skip + count]]
    return {"entity": "collection", "count": len(items), "items": items}


def matching_payouts(payouts: Iterable[Payout], params: Mapping[str, str]) -> list[Payout]:
    """Payouts that pass every filter in `params` (and `from`/`to`, Unix seconds, inclusive)."""
    status = params.get("status")
    if status is not None and status not in STATUSES:
        raise BadRequestError("The selected status is invalid.", field="status")
    since = _number(params, "from", 0, low=0)
    until = _number(params, "to", 2**63, low=0)
    wanted = {name: params[name] for name in PAYOUT_FILTERS if name in params}
    return [
        payout
        for payout in payouts
        if since <= payout.created_at <= until
        and all(PAYOUT_FILTERS[name](payout) == value for name, value in wanted.items())
    ]


def _number(
    params: Mapping[str, str], name: str, default: int, *, low: int, high: int | None = None
) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise BadRequestError(f"The {name} must be an integer.", field=name)
    value = int(raw)
    if value < low:
        raise BadRequestError(f"The {name} must be at least {low}.", field=name)
    if high is not None and value > high:
        raise BadRequestError(f"The {name} may not be greater than {high}.", field=name)
    return value
