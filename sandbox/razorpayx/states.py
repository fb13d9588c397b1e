"""Payout statuses, the moves between them (razorpayx-payouts.md §4.2) and their
`status_details` vocabulary (§4.3), as data.

A move to the status a payout already has changes only its `status_details`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from sandbox.razorpayx.errors import BadRequestError
from sandbox.razorpayx.models import StatusDetails

# Statuses of an API payout to a VPA without the approval workflow (never `pending`,
# `scheduled` or `rejected`).
Status = Literal["queued", "processing", "processed", "reversed", "failed", "cancelled"]
STATUSES: tuple[str, ...] = get_args(Status)
NEW = "created"  # a payout being made; never shown, it moves on before the answer
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({"queued", "processing", "failed"}),
    "queued": frozenset({"queued", "processing", "cancelled", "failed"}),
    "processing": frozenset({"processing", "processed", "reversed", "failed"}),
    "processed": frozenset({"reversed"}),  # rare: a beneficiary bank returns the credit
    "failed": frozenset({"reversed"}),  # the debit comes back
}
# The event each status sends on entry. Cancelling has no documented event: payout.updated.
ENTRY_EVENTS = {
    "queued": "payout.queued",
    "processing": "payout.initiated",
    "processed": "payout.processed",
    "reversed": "payout.reversed",
    "failed": "payout.failed",
    "cancelled": "payout.updated",
}
UPDATED = "payout.updated"  # status_details or utr changed, status did not
SETTLED = frozenset({"processed", "reversed", "failed", "cancelled"})  # no event is expected
GIVES_BACK = frozenset({"reversed", "failed", "cancelled"})  # what was debited is credited back


class InvalidTransitionError(BadRequestError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"Payout in {current} status cannot be moved to {target}.", field="to")
        self.current, self.target = current, target


def check(current: str, target: str) -> None:
    """Raises InvalidTransitionError unless a payout in `current` may move to `target`."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise InvalidTransitionError(current, target)


@dataclass(frozen=True)
class Reason:
    source: str
    statuses: frozenset[str]
    description: str


def _reason(source: str, statuses: str, description: str) -> Reason:
    return Reason(source, frozenset(statuses.split()), description)


_FAILED = "failed reversed"
_RETRY = "Please retry after 30 minutes."
REASONS: dict[str, Reason] = {
    "low_balance": _reason(
        "business", "queued", "Payout is queued as your balance is low. Add funds to process it."
    ),
    "gateway_degraded": _reason(
        "gateway", "queued", "Payout is queued as the partner bank is facing issues."
    ),
    "beneficiary_bank_down": _reason(
        "gateway", "queued", "Payout is queued as the beneficiary bank is down."
    ),
    "payout_bank_processing": _reason(
        "gateway", "processing", "Payout is being processed by our partner bank."
    ),
    "beneficiary_bank_confirmation_pending": _reason(
        "beneficiary_bank", "processing", "Awaiting confirmation from the beneficiary bank."
    ),
    "partner_bank_pending": _reason(
        "internal", "processing", "Payout is pending at our partner bank."
    ),
    "payout_processed": _reason(
        "beneficiary_bank", "processed", "Payout is processed and the money has been credited."
    ),
    "beneficiary_vpa_invalid": _reason(
        "business", _FAILED, "UPI validation failed for the VPA. Check the VPA and retry."
    ),
    "insufficient_funds": _reason(
        "business", _FAILED, "Payout failed as your balance was insufficient. Add funds and retry."
    ),
    "beneficiary_psp_offline": _reason(
        "beneficiary_bank", _FAILED, f"The beneficiary's UPI app (PSP) is offline. {_RETRY}"
    ),
    "npci_beneficiary_timeout": _reason(
        "beneficiary_bank", _FAILED, f"NPCI timed out waiting for the beneficiary bank. {_RETRY}"
    ),
    "beneficiary_bank_failure": _reason(
        "beneficiary_bank", _FAILED, f"The beneficiary bank could not credit the payout. {_RETRY}"
    ),
    "beneficiary_bank_rejected": _reason(
        "beneficiary_bank", _FAILED, "The beneficiary bank rejected the payout."
    ),
    "transaction_limit_exceeded": _reason(
        "beneficiary_bank", _FAILED, "The beneficiary's UPI transaction limit is exceeded."
    ),
    "gateway_timeout": _reason("gateway", _FAILED, f"The partner bank timed out. {_RETRY}"),
    "server_error": _reason("internal", _FAILED, "Payout failed. Contact support for help."),
}
# Used when a move names no reason (cancelled payouts carry no status_details).
DEFAULT_REASONS = {
    "queued": "low_balance",
    "processing": "payout_bank_processing",
    "processed": "payout_processed",
    "reversed": "beneficiary_bank_rejected",
    "failed": "beneficiary_bank_failure",
}


def details(status: str, reason: str | None) -> StatusDetails | None:
    """`status_details` for a payout entering `status`; raises BadRequestError for a reason
    that does not belong to that status."""
    reason = reason or DEFAULT_REASONS.get(status)
    if reason is None:
        return None
    known = REASONS.get(reason)
    if known is None or status not in known.statuses:
        raise BadRequestError(f"{reason} is not a reason a {status} payout has.", field="reason")
    return {"description": known.description, "source": known.source, "reason": reason}
