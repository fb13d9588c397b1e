"""What happens to a payout after it enters processing, decided by the payee's VPA handle
(razorpayx-payouts.md §8.5), as the test-mode dashboard would move it by hand.

Each step runs `settle_seconds` after the one before, and only while the payout can still
make that move (a move forced through the control API ends the script).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sandbox.razorpayx.faults import Faults


@dataclass(frozen=True)
class Step:
    to: str
    reason: str


PROCESSED = Step("processed", "payout_processed")
VPA_INVALID = Step("reversed", "beneficiary_vpa_invalid")
NORMAL = (PROCESSED,)
SCRIPTS: dict[str, tuple[Step, ...]] = {
    "fail": (VPA_INVALID,),
    "psp-down": (Step("failed", "beneficiary_psp_offline"),),
    # Only the status_details change: the payout waits for the control API.
    "slow": (Step("processing", "beneficiary_bank_confirmation_pending"),),
    "late-reverse": (PROCESSED, Step("reversed", "beneficiary_bank_rejected")),
}

Outcome = Literal["active", "invalid", "failed"]
VALIDATION_OUTCOMES: dict[str, Outcome] = {
    "fail": "invalid",
    "invalid": "invalid",
    "psp-down": "failed",
}


def handle(address: str) -> str:
    """`ravi@late-reverse` -> `late-reverse`."""
    return address.rpartition("@")[2].lower()


def payout_script(address: str, faults: Faults) -> tuple[Step, ...]:
    if faults.invalid_vpa:
        return (VPA_INVALID,)
    return SCRIPTS.get(handle(address), NORMAL)


def validation_outcome(address: str, faults: Faults) -> Outcome:
    if faults.invalid_vpa:
        return "invalid"
    return VALIDATION_OUTCOMES.get(handle(address), "active")
