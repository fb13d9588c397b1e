"""Webhook bodies shaped like Setu's UMAP notifications: a flat object, resource fields on top.

Each body is frozen when the status changes, so a late or repeated delivery still tells the
status as it was then.
"""

from __future__ import annotations

import json
from datetime import datetime

from sandbox.setu import ids
from sandbox.setu.models import TERMINAL_PAYMENT, TERMINAL_REFUND, Payment, Refund, Verification
from sandbox.setu.timestamps import rfc3339
from sandbox.setu.views import Json, compact, payment_view, refund_view, verification_view
from sandbox.webhooks import Event

_REFUND_EVENT = {"success": "successful"}  # Setu names the event `successful`, the status `success`


def _event(
    resource: str, name: str, key: str, terminal: bool, fields: Json, now: datetime
) -> Event:
    event_id = ids.ulid()
    event_type = f"{resource}.{name}"
    envelope = {
        "eventId": event_id,
        "eventType": event_type,
        "eventTs": rfc3339(now),
        "resource": resource,
        "status": fields["status"],
    }
    body = json.dumps({**envelope, **fields}, separators=(",", ":")).encode()
    return Event(event_id, event_type, f"{resource}:{key}", terminal, body)


def payment_event(payment: Payment, now: datetime) -> Event:
    instance = payment.instance
    fields = payment_view(payment) | compact(
        {
            "productInstanceType": instance.product_instance_type,
            "txnType": instance.txn_type,
            "merchantReferenceId": instance.reference_id,
        }
    )
    terminal = payment.status in TERMINAL_PAYMENT
    return _event("payment", payment.status, payment.id, terminal, fields, now)


def refund_event(refund: Refund, now: datetime) -> Event:
    fields = refund_view(refund) | compact(
        {
            "merchantId": refund.merchant_id,
            "orgTxnId": refund.payment.txn_id,
            "currency": "INR",
            "txnId": refund.txn_id,
        }
    )
    name = _REFUND_EVENT.get(refund.status, refund.status)
    terminal = refund.status in TERMINAL_REFUND
    return _event("refund", name, refund.id, terminal, fields, now)


def verification_event(check: Verification, now: datetime, *, named: bool) -> Event:
    """`customer_vpa.<status>`; `named` as in verification_view."""
    terminal = check.status != "pending"
    fields = verification_view(check, named=named)
    return _event("customer_vpa", check.status, check.id, terminal, fields, now)
