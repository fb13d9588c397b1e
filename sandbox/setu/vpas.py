"""Customer VPA verification: pending until the mock endpoint decides it, or the simulator's
timer does (`vpa_verify_seconds`), reading the outcome from the VPA itself:

- the part before `@` starts with `invalid`, or the handle is `invalid` or `fail`: `invalid`;
- the handle is `psp-down`: `failed` (the payer's PSP did not answer);
- anything else: `valid`, with a name made from the part before `@` (`bilal.k@okaxis` is
  "Bilal K"), unless the control API preset another outcome for that VPA.
"""

from __future__ import annotations

import re
from datetime import datetime

from sandbox.setu import ids
from sandbox.setu.bodies import MockVerifyBody, VerifyBody
from sandbox.setu.events import verification_event
from sandbox.setu.models import Reason, Verification, VpaOutcome, VpaStatus, VpaVerdict
from sandbox.setu.store import Store
from sandbox.webhooks import Event

REASONS: dict[str, Reason] = {
    "invalid": {"code": "invalid-vpa", "desc": "the customer vpa does not exist"},
    "failed": {"code": "unable-to-fulfill-request", "desc": "unable-to-fulfill-request"},
}
INVALID_HANDLES = frozenset({"invalid", "fail"})
DOWN_HANDLES = frozenset({"psp-down"})
NAME_WORDS = 3
FALLBACK_NAME = "UPI Customer"


def verify(store: Store, merchant_id: str, body: VerifyBody, now: datetime) -> Verification:
    check = Verification(
        id=ids.ulid(),
        merchant_id=merchant_id,
        customer_vpa=body.customer_vpa,
        created_at=now,
        reference_id=body.reference_id,
    )
    store.verifications[check.id] = check
    return check


def mock_verify(store: Store, body: MockVerifyBody, now: datetime, *, named: bool) -> list[Event]:
    """Decide a verification; a decided one (not pending) produces a `customer_vpa.*` event."""
    check = store.verification(body.id)
    check.mocked = True
    _decide(check, body.status, _preset_name(store, check))
    return [] if body.status == "pending" else [verification_event(check, now, named=named)]


def auto_verify(store: Store, check: Verification, now: datetime, *, named: bool) -> list[Event]:
    """The timer's decision: a preset outcome or the VPA's own, unless it is decided already."""
    if check.status != "pending" or check.mocked:
        return []
    chosen = store.vpa_outcomes.get(check.customer_vpa.lower())
    if chosen is None:
        _decide(check, outcome_of(check.customer_vpa), None)
    else:
        _decide(check, chosen.status, chosen.customer_name)
    return [verification_event(check, now, named=named)]


def preset_outcome(store: Store, vpa: str, outcome: VpaOutcome) -> None:
    """The timer will decide checks of `vpa` (any letter case) this way from now on."""
    store.vpa_outcomes[vpa.lower()] = outcome


def outcome_of(vpa: str) -> VpaVerdict:
    user, _, handle = vpa.lower().partition("@")
    if user.startswith("invalid") or handle in INVALID_HANDLES:
        return "invalid"
    return "failed" if handle in DOWN_HANDLES else "valid"


def name_of(vpa: str) -> str:
    """A made-up account holder's name: the words before `@`, capitalised, at most three."""
    words = [word for word in re.split(r"[.\-_\d]+", vpa.partition("@")[0]) if word]
    return " ".join(word.capitalize() for word in words[:NAME_WORDS]) or FALLBACK_NAME


def _preset_name(store: Store, check: Verification) -> str | None:
    chosen = store.vpa_outcomes.get(check.customer_vpa.lower())
    return None if chosen is None else chosen.customer_name


def _decide(check: Verification, status: VpaStatus, name: str | None) -> None:
    valid = status == "valid"
    check.status = status
    check.customer_account_type = "SAVINGS" if valid else None
    check.customer_name = (name or name_of(check.customer_vpa)) if valid else None
    reason = REASONS.get(status)
    check.reason = None if reason is None else dict(reason)
