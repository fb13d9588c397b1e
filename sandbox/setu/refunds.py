"""Refunds of successful payments: created `pending`, settled by a timer or the mock endpoint.

Setu documents no idempotency on `referenceId`, so none is simulated: two requests with the
same referenceId make two refunds (as long as the payment covers both).

Setu's sources name the reference differently: the OpenAPI spec `referenceId`, the create-refund
docs page `merchantReferenceId` (with `currency`). The `refund_reference_style` in force when a
refund is made decides which name it is read from, and the refund keeps echoing that one.
"""

from __future__ import annotations

from datetime import datetime

from sandbox.setu import ids
from sandbox.setu.bodies import MockRefundBody, RefundBody
from sandbox.setu.errors import BadRequestError
from sandbox.setu.events import refund_event
from sandbox.setu.models import Reason, Refund, SourceStyle
from sandbox.setu.store import Store
from sandbox.webhooks import Event

DEFAULT_ERR_CODE = "refund-failed"


def create_refund(
    store: Store, body: RefundBody, now: datetime, *, style: SourceStyle
) -> tuple[Refund, list[Event]]:
    """A pending refund of part or all of a payment, its reference read as `style` names it.

    Raises NotFoundError for an unknown payment, BadRequestError when the payment did not
    succeed or the refunds would come to more than it.
    """
    payment = store.payment(body.payment_id)
    if payment.status != "success":
        raise BadRequestError(f"payment {payment.id} is {payment.status}; only success refunds")
    if body.amount <= 0:
        raise BadRequestError("amount: must be more than 0")
    refunded = sum(r.amount for r in store.refunds_of(payment) if r.status != "failed")
    if refunded + body.amount > payment.amount:
        left = payment.amount - refunded
        raise BadRequestError(f"amount: {body.amount} is more than the {left} left to refund")
    refund = Refund(
        id=ids.ulid(),
        merchant_id=payment.merchant_id,
        payment=payment,
        amount=body.amount,
        created_at=now,
        reference_id=body.merchant_reference_id if style == "docs" else body.reference_id,
        reference_style=style,
        remarks=body.remarks,
        type=body.type,
        crn=body.crn,
    )
    store.refunds[refund.id] = refund
    return refund, [refund_event(refund, now)]


def mock_refund_status(
    store: Store, refund_id: str, body: MockRefundBody, now: datetime
) -> list[Event]:
    """Settle a pending refund the way the mock says. Raises BadRequestError if it is settled."""
    refund = store.refund(refund_id)
    if refund.status in ("success", "failed"):
        raise BadRequestError(f"refund {refund.id} is already {refund.status}")
    if body.mock_status == "success":
        return settle(refund, now)
    return fail(refund, {"errCode": body.err_code or DEFAULT_ERR_CODE}, now)


def settle(refund: Refund, now: datetime) -> list[Event]:
    """The refund reached the payer: it gets an NPCI txnId and a CRN."""
    refund.status, refund.txn_id = "success", ids.txn_id()
    refund.crn = refund.crn or ids.crn()
    return [refund_event(refund, now)]


def fail(refund: Refund, reason: Reason, now: datetime) -> list[Event]:
    refund.status, refund.reason = "failed", reason
    return [refund_event(refund, now)]
