"""Product instances a payer can pay: collect requests and single-use dynamic QRs."""

from __future__ import annotations

import base64
import io
from datetime import datetime
from urllib.parse import quote, urlencode

import qrcode

from sandbox.setu import ids
from sandbox.setu.bodies import CollectBody, DqrBody
from sandbox.setu.errors import BadRequestError
from sandbox.setu.models import Instance
from sandbox.setu.store import Store

PAYEE_NAME = "TrustPay"
SHORT_LINK_HOST = "upipay.setu.co"
CLOSED_BY_MERCHANT = {"code": "expired-by-merchant", "desc": "dynamic QR expired by the merchant"}


def create_collect(store: Store, merchant_id: str, body: CollectBody, now: datetime) -> Instance:
    """Record a collect request to `body.customer_vpa`; it closes after `expireAfter` minutes."""
    instance = Instance(
        id=ids.ulid(),
        kind="collect",
        merchant_id=merchant_id,
        merchant_vpa=body.merchant_vpa,
        ref_id=ids.ref_id(),
        created_at=now,
        amount=body.amount,
        customer_vpa=body.customer_vpa,
        expire_after=body.expire_after,
        reference_id=body.reference_id,
        transaction_note=body.transaction_note,
        metadata=body.metadata,
    )
    store.add_instance(instance)
    return instance


def create_dqr(store: Store, merchant_id: str, body: DqrBody, now: datetime) -> Instance:
    """Record a dynamic QR with its intent link, short link and QR image."""
    _check_dqr(body, now)
    instance = Instance(
        id=ids.ulid(),
        kind="dqr",
        merchant_id=merchant_id,
        merchant_vpa=body.merchant_vpa,
        ref_id=ids.ref_id(),
        created_at=now,
        amount=body.amount,
        min_amount=body.min_amount,
        expiry_date=body.expiry_date,
        reference_id=body.reference_id,
        transaction_note=body.transaction_note,
        metadata=body.metadata,
        short_link=f"{SHORT_LINK_HOST}/{ids.alphanumerics(10)}",
    )
    instance.intent_link = intent_link(instance)
    instance.qr_code = qr_png_base64(instance.intent_link)
    store.add_instance(instance)
    return instance


def expire_dqr(store: Store, dqr_id: str, now: datetime) -> Instance:
    """Close an active DQR; a paid or closed one is returned unchanged."""
    instance = store.instance(dqr_id, now, kind="dqr")
    if instance.status in ("active", "inactive"):
        instance.close(now, dict(CLOSED_BY_MERCHANT))
    return instance


def _check_dqr(body: DqrBody, now: datetime) -> None:
    if body.expiry_date is not None and body.expiry_date <= now:
        raise BadRequestError("expiryDate: must be in the future")
    if body.amount is not None and body.min_amount is not None and body.min_amount > body.amount:
        raise BadRequestError("minAmount: must not be more than amount")


def rupees(paise: int) -> str:
    return f"{paise // 100}.{paise % 100:02d}"


def intent_link(instance: Instance) -> str:
    """`upi://pay?pa=…&pn=…&am=…&tr=<refId>&tn=…&cu=INR`, the way Setu builds them."""
    params = {"pa": instance.merchant_vpa, "pn": PAYEE_NAME}
    if instance.amount is not None:
        params["am"] = rupees(instance.amount)
    if instance.min_amount is not None:
        params["mam"] = rupees(instance.min_amount)
    params["tr"] = instance.ref_id
    if instance.transaction_note:
        params["tn"] = instance.transaction_note
    params["cu"] = "INR"
    return "upi://pay?" + urlencode(params, quote_via=quote, safe="@")


def qr_png_base64(text: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(text).save(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
