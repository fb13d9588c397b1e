"""Customer VPA verification: pending until the mock endpoint says valid, invalid or failed."""

from __future__ import annotations

from datetime import datetime

from sandbox.setu import ids
from sandbox.setu.bodies import MockVerifyBody, VerifyBody
from sandbox.setu.events import verification_event
from sandbox.setu.models import Reason, Verification
from sandbox.setu.store import Store
from sandbox.webhooks import Event

REASONS: dict[str, Reason] = {
    "invalid": {"code": "invalid-vpa", "desc": "the customer vpa does not exist"},
    "failed": {"code": "unable-to-fulfill-request", "desc": "unable-to-fulfill-request"},
}


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


def mock_verify(store: Store, body: MockVerifyBody, now: datetime) -> list[Event]:
    """Decide a verification; a decided one (not pending) produces a `customer_vpa.*` event."""
    check = store.verification(body.id)
    check.status = body.status
    check.customer_account_type = "SAVINGS" if body.status == "valid" else None
    reason = REASONS.get(body.status)
    check.reason = None if reason is None else dict(reason)
    return [] if body.status == "pending" else [verification_event(check, now)]
