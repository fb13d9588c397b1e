"""Named points in the money paths where a test can make the process "die".

`crash_point("transfer.leased")` does nothing unless a test armed that label, in which case it
raises SimulatedCrash once. SimulatedCrash is a BaseException, so the `except Exception` that
keeps a job alive does not swallow it: like a killed process, nothing after it runs.
"""

from __future__ import annotations

LABELS = frozenset(
    {
        "release.committed",  # the payout intent is committed; nothing sent yet
        "refund.committed",  # the refund intent is committed; nothing sent yet
        "transfer.leased",  # the intent is leased and marked unknown; the call is next
        "transfer.answered",  # the provider answered; the answer is not recorded yet
        "transfer.applied",  # the answer is recorded
        "payment.requested",  # Setu made the QR (and collect request); nothing recorded yet
    }
)
ARMED: set[str] = set()


class SimulatedCrash(BaseException):
    """The process stopped here (in a test)."""


def crash_point(label: str) -> None:
    assert label in LABELS, label
    if label in ARMED:
        ARMED.discard(label)
        raise SimulatedCrash(label)
