"""Records rendered as Setu's JSON bodies (absent values are left out, as Setu omits them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.setu.models import Instance, Payment, Refund, Verification
from sandbox.setu.timestamps import rfc3339

Json = dict[str, Any]


def compact(body: Json) -> Json:
    return {key: value for key, value in body.items() if value is not None}


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else rfc3339(moment)


def _common(instance: Instance) -> Json:
    return {
        "id": instance.id,
        "merchantId": instance.merchant_id,
        "merchantVpa": instance.merchant_vpa,
        "amount": instance.amount,
        "refId": instance.ref_id,
        "referenceId": instance.reference_id,
        "transactionNote": instance.transaction_note,
        "metadata": instance.metadata,
        "status": instance.status,
        "createdAt": _time(instance.created_at),
        "closedAt": _time(instance.closed_at),
    }


def instance_view(instance: Instance, *, details: Payment | None = None) -> Json:
    """A collect (CreateCollectResponse / FetchCollectResponse) or DQR body.

    `details` is the payment summarised as `paymentDetails` (only the GET endpoints show one).
    """
    body = _common(instance)
    if instance.kind == "collect":
        body |= {"customerVpa": instance.customer_vpa, "expireAfter": instance.expire_after}
    else:
        body |= {
            "minAmount": instance.min_amount,
            "expiryDate": _time(instance.expiry_date),
            "intentLink": instance.intent_link,
            "shortLink": instance.short_link,
            "qrCode": instance.qr_code,
        }
    body["reason"] = instance.reason
    body["paymentDetails"] = None if details is None else payment_details(details)
    return compact(body)


def payment_details(payment: Payment) -> Json:
    return {
        "customerAccountType": payment.customer_account_type,
        "customerVpa": payment.customer_vpa,
        "paymentId": payment.id,
        "paymentStatus": payment.status,
        "rrn": payment.rrn,
        "txnId": payment.txn_id,
        "txnTs": rfc3339(payment.created_at),
    }


def payment_view(payment: Payment) -> Json:
    """FetchPaymentResponse."""
    instance = payment.instance
    return compact(
        {
            "id": payment.id,
            "merchantId": payment.merchant_id,
            "productInstanceId": instance.id,
            "amount": payment.amount,
            "currency": "INR",
            "customerVpa": payment.customer_vpa,
            "merchantVpa": instance.merchant_vpa,
            "customerAccountType": payment.customer_account_type,
            "status": payment.status,
            "txnId": payment.txn_id,
            "rrn": payment.rrn,
            "refId": instance.ref_id,
            "referenceId": instance.reference_id,
            "txnNote": instance.transaction_note,
            "txnTs": rfc3339(payment.created_at),
            "createdAt": rfc3339(payment.created_at),
            "metadata": instance.metadata,
            "reason": payment.reason,
        }
    )


def refund_view(refund: Refund) -> Json:
    """CreateRefundResponse (also the body of GET refunds/{id}).

    The reference is `referenceId` as in the spec, or for a refund made in the "docs" style
    `merchantReferenceId` with `currency`, as Setu's create-refund docs page shows.
    """
    docs = refund.reference_style == "docs"
    return compact(
        {
            "id": refund.id,
            "paymentId": refund.payment.id,
            "amount": refund.amount,
            "currency": "INR" if docs else None,
            "referenceId": None if docs else refund.reference_id,
            "merchantReferenceId": refund.reference_id if docs else None,
            "remarks": refund.remarks,
            "type": refund.type,
            "crn": refund.crn,
            "createdAt": rfc3339(refund.created_at),
            "status": refund.status,
            "reason": refund.reason,
        }
    )


def verification_view(check: Verification, *, full: bool = True, named: bool = True) -> Json:
    """VerifyCustomerVpaResponse, or FetchCustomerVpaByIDResponse when `full`.

    When `named` (Setu's verify-VPA docs; the spec has no such field), a valid check also
    carries the account holder's name as `customerName`.
    """
    body: Json = {
        "id": check.id,
        "merchantId": check.merchant_id,
        "customerVpa": check.customer_vpa,
        "referenceId": check.reference_id,
        "createdAt": rfc3339(check.created_at),
        "status": check.status,
    }
    if full:
        body |= {"customerAccountType": check.customer_account_type, "reason": check.reason}
    if named and check.status == "valid":
        body["customerName"] = check.customer_name
    return compact(body)
