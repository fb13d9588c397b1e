"""The mock payment: a payer pays a product instance from their UPI app.

A payment is created `initiated` and settles at once: `success`, or `failed` when the mock
names an NPCI response code other than `00`. Both changes are returned as webhook events.
"""

from __future__ import annotations

from datetime import datetime

from sandbox.setu import ids
from sandbox.setu.bodies import PayBody
from sandbox.setu.errors import BadRequestError
from sandbox.setu.events import payment_event
from sandbox.setu.models import Instance, Payment, Reason
from sandbox.setu.store import Store
from sandbox.webhooks import Event

ACCOUNT_TYPES = frozenset({"SAVINGS", "CURRENT", "CREDIT"})
NPCI_SUCCESS = "00"
NPCI_DESCRIPTIONS = {
    "U30": "DEBIT HAS BEEN FAILED",
    "YG": "MERCHANT ERROR (PAYEE PSP)",
    "Z9": "INSUFFICIENT FUNDS IN CUSTOMER (REMITTER) ACCOUNT",
    "ZA": "TRANSACTION DECLINED BY CUSTOMER",
    "ZM": "INVALID MPIN",
    "U69": "COLLECT REQUEST EXPIRED",
}
COLLECT_DECLINED = {"code": "payment-failed", "desc": "the payer did not pay the collect request"}


def pay(store: Store, body: PayBody, now: datetime, *, accept_late: bool) -> list[Event]:
    """Pay the instance `body.ref_id` names; returns the payment's events, oldest first.

    Raises NotFoundError for an unknown instance, BadRequestError for the wrong payee VPA, a
    paid or closed instance (unless `accept_late`), or no amount to pay.
    """
    instance = store.payable(body.ref_id, now)
    if body.payee_vpa != instance.merchant_vpa:
        raise BadRequestError("payeeVpa does not match the product instance's merchantVpa")
    if instance.status not in ("active", "inactive") and not accept_late:
        raise BadRequestError("product instance is not active")
    payment = _new_payment(instance, body, now)
    store.add_payment(payment)
    events = [payment_event(payment, now)]
    _settle(payment, body.payer_resp_code, now)
    events.append(payment_event(payment, now))
    return events


def _amount(instance: Instance, body: PayBody) -> int:
    # Payer apps let people edit the amount: whatever is paid is what arrived.
    amount = body.amount if body.amount is not None else instance.amount
    if amount is None:
        raise BadRequestError("amount: required, the product instance has no amount")
    if amount <= 0:
        raise BadRequestError("amount: must be more than 0")
    return amount


def _account_type(body: PayBody) -> str:
    details = body.payer_account_details
    kind = (details.account_type or "").upper() if details else ""
    return kind if kind in ACCOUNT_TYPES else "SAVINGS"


def _new_payment(instance: Instance, body: PayBody, now: datetime) -> Payment:
    return Payment(
        id=ids.ulid(),
        merchant_id=instance.merchant_id,
        instance=instance,
        amount=_amount(instance, body),
        customer_vpa=body.payer_vpa,
        txn_id=ids.txn_id(),
        rrn=ids.rrn(),
        created_at=now,
        customer_account_type=_account_type(body),
        payer_name=body.payer_name,
    )


def _settle(payment: Payment, resp_code: str | None, now: datetime) -> None:
    instance = payment.instance
    if resp_code is None or resp_code == NPCI_SUCCESS:
        payment.status = "success"
        if instance.status in ("active", "inactive"):
            instance.status, instance.closed_at = "paid", now
        return
    payment.status, payment.reason = "failed", _failure(resp_code)
    if instance.kind == "collect" and instance.status == "active":
        instance.close(now, dict(COLLECT_DECLINED))  # a declined collect cannot be paid again


def _failure(resp_code: str) -> Reason:
    description = NPCI_DESCRIPTIONS.get(resp_code, "TRANSACTION FAILED AT PAYER PSP")
    return {
        "code": "payment-failed",
        "desc": description.lower(),
        "npciRespCode": resp_code,
        "npciRespDesc": description,
        "npciErrCode": resp_code,
        "npciErrDesc": description,
    }
