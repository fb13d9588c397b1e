"""Webhook bodies in RazorpayX's envelope (razorpayx-payouts.md §5.2).

Each body is frozen when the change happens, so a late or repeated delivery still tells the
entity as it was then. The event id is fixed per event: retries and duplicates share it.
"""

from __future__ import annotations

import json

from sandbox.razorpayx import ids
from sandbox.razorpayx.models import Json, Payout, Validation
from sandbox.razorpayx.states import SETTLED
from sandbox.razorpayx.views import payout_view, validation_view
from sandbox.webhooks import Event


def _event(
    account_id: str, event_type: str, contains: str, entity: Json, now: int, *, terminal: bool
) -> Event:
    envelope = {
        "entity": "event",
        "account_id": account_id,
        "event": event_type,
        "contains": [contains],
        "payload": {contains: {"entity": entity}},
        "created_at": now,
    }
    body = json.dumps(envelope, separators=(",", ":")).encode()
    return Event(ids.new("evt"), event_type, f"{contains}:{entity['id']}", terminal, body)


def payout_event(account_id: str, event_type: str, payout: Payout, now: int) -> Event:
    terminal = payout.status in SETTLED
    return _event(account_id, event_type, "payout", payout_view(payout), now, terminal=terminal)


def validation_event(account_id: str, check: Validation, now: int) -> Event:
    """`fund_account.validation.completed|failed`, with the results under `results`."""
    entity = validation_view(check, results_key="results")
    event_type = f"fund_account.validation.{check.status}"
    contains = "fund_account.validation"
    return _event(account_id, event_type, contains, entity, now, terminal=True)
