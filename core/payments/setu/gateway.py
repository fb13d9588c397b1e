"""SetuGateway: the PaymentGateway port over Setu's UPI Setu (UMAP) merchant APIs.

Where Setu's own sources disagree, both readings are handled:
- the refund reference is `referenceId` in Setu's OpenAPI spec and `merchantReferenceId` on its
  create-refund docs page: we send both and match a refund on either (Setu refunds have no
  idempotency key, so missing our own refund after a timeout would send it twice);
- the refund UTR people see is NPCI's `txnId` (in the `refund.successful` webhook), never the
  CRN; GET refund has only the CRN, so the webhook's txnId is passed in when known;
- the customer VPA check returns `customerName` per the docs, not in the spec: used if present.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from core.errors import GatewayRejectedError
from core.escrow.ports import (
    CollectSpec,
    GatewayPayment,
    PaymentQr,
    TransferRequest,
    TransferState,
    TransferStatus,
    VpaCheck,
)
from core.payments.setu.transport import SetuTransport

# Setu's collect API takes a narrower UPI id than UPI itself (no underscores).
COLLECT_VPA = re.compile(r"^[A-Za-z0-9.-]*@[a-zA-Z0-9.-]*$")
IST = timezone(timedelta(hours=5, minutes=30), "IST")
MERCHANTS = "/api/v1/merchants"
# Refund failures a second attempt cannot fix (refunds switched off for the payer's bank).
PERMANENT_REFUND_ERRORS = frozenset({"refund-disabled"})
# Setu's ids (ULIDs in the docs): checked before one goes into a URL path.
SETU_ID = re.compile(r"^[A-Za-z0-9]{6,64}$")


def is_setu_id(value: object) -> bool:
    return isinstance(value, str) and bool(SETU_ID.fullmatch(value))


def _path_id(value: str) -> str:
    if not is_setu_id(value):
        raise GatewayRejectedError(
            f"not a Setu id: {value[:20]!r}", provider="setu", code="bad-id", status_code=400
        )
    return value


def rfc3339(moment: datetime) -> str:
    """Setu's date-time spelling: RFC 3339 in IST, whole seconds."""
    return moment.astimezone(IST).replace(microsecond=0).isoformat()


def collect_note(note: str) -> str:
    """A transaction note Setu's collect API accepts: at most 50 characters, no brackets."""
    cleaned = "".join(ch for ch in note if ch not in "(){}[]<>").strip()
    return (cleaned or "TrustPay escrow")[:50]


class SetuGateway:
    name = "setu"
    idempotent_sends = False  # refunds carry no idempotency key (see the send rule)

    def __init__(self, transport: SetuTransport) -> None:
        self.transport = transport
        self.merchant_vpa = transport.config.merchant_vpa

    # --- money in ---
    async def create_qr(self, spec: CollectSpec) -> PaymentQr:
        body = {
            "merchantVpa": self.merchant_vpa,
            "amount": spec.amount_paise,
            "expiryDate": rfc3339(spec.expires_at),
            "referenceId": spec.reference,
            "transactionNote": collect_note(spec.note),
            "metadata": {"reference": spec.reference},
        }
        data = await self.transport.call("POST", f"{MERCHANTS}/dqr", body=body)
        return PaymentQr(
            qr_id=str(data["id"]),
            intent_link=str(data["intentLink"]),
            ref_id=str(data.get("refId", "")),
            short_link=data.get("shortLink"),
        )

    async def create_collect(self, spec: CollectSpec, payer_vpa: str) -> str:
        if not COLLECT_VPA.match(payer_vpa):
            raise GatewayRejectedError(
                "Setu cannot send a collect request to this UPI id",
                provider=self.name,
                code="unsupported-vpa",
            )
        body = {
            "amount": spec.amount_paise,
            "customerVpa": payer_vpa,
            "merchantVpa": self.merchant_vpa,
            "expireAfter": max(1, min(64_800, spec.valid_minutes)),
            "referenceId": spec.reference,
            "transactionNote": collect_note(spec.note),
        }
        data = await self.transport.call("POST", f"{MERCHANTS}/collect", body=body)
        return str(data["id"])

    async def expire_qr(self, qr_id: str) -> None:
        await self.transport.call("PUT", f"{MERCHANTS}/dqr/{qr_id}/expire")

    async def get_payment(self, payment_id: str) -> GatewayPayment:
        path = f"{MERCHANTS}/payments/{_path_id(payment_id)}"
        data = await self.transport.call("GET", path, cache=True)
        return payment_from(data)

    async def last_payment(self, instance_id: str) -> GatewayPayment | None:
        path = f"{MERCHANTS}/payments/product-instances/{instance_id}/last"
        try:
            data = await self.transport.call("GET", path, cache=True)
        except GatewayRejectedError as exc:
            if exc.status_code == 404:
                return None
            raise
        return payment_from(data) if data else None

    async def collect_status(self, collect_id: str) -> dict[str, Any]:
        data: dict[str, Any] = await self.transport.call("GET", f"{MERCHANTS}/collect/{collect_id}")
        return data

    async def qr_status(self, qr_id: str) -> dict[str, Any]:
        data: dict[str, Any] = await self.transport.call("GET", f"{MERCHANTS}/dqr/{qr_id}")
        return data

    # --- money back ---
    async def refund(self, request: TransferRequest) -> TransferStatus:
        body = {
            "paymentId": request.destination,
            "amount": request.amount_paise,
            "currency": "INR",
            "referenceId": request.reference,
            "merchantReferenceId": request.reference,  # the docs' name for it (module doc)
            "remarks": request.narration[:100],
            "type": "online",
        }
        return refund_status(await self.transport.call("POST", f"{MERCHANTS}/refunds", body=body))

    async def find_refund(self, request: TransferRequest) -> TransferStatus | None:
        """The refund made under this request's reference, found through the payment."""
        if request.provider_ref:
            return await self.get_refund(request.provider_ref)
        mine = [r for r in await self.refunds_of(request.destination) if _ours(r, request)]
        if len(mine) > 1:  # one reference, one refund: several is an incident for support
            raise GatewayRejectedError(
                f"{len(mine)} refunds share reference {request.reference}",
                provider=self.name,
                code="duplicate-reference",
            )
        return mine[0] if mine else None

    async def get_refund(self, refund_id: str) -> TransferStatus:
        path = f"{MERCHANTS}/refunds/{_path_id(refund_id)}"
        return refund_status(await self.transport.call("GET", path))

    async def refunds_of(self, payment_id: str) -> list[TransferStatus]:
        """Every refund Setu holds against one payment (any reference, any status)."""
        payment = await self.get_payment(payment_id)
        if not payment.txn_id:
            return []
        try:
            data = await self.transport.call("GET", f"{MERCHANTS}/refunds/{payment.txn_id}/payment")
        except GatewayRejectedError as exc:
            if exc.status_code == 404:
                return []
            raise
        return [refund_status(r) for r in data.get("refunds") or [] if isinstance(r, dict)]

    async def payments_of(self, instance_id: str) -> list[GatewayPayment]:
        """The latest payments made to one QR or collect request (Setu keeps five)."""
        path = f"{MERCHANTS}/payments/product-instances/{_path_id(instance_id)}/history"
        try:
            data = await self.transport.call("GET", path)
        except GatewayRejectedError as exc:
            if exc.status_code == 404:
                return []
            raise
        return [payment_from(p) for p in data.get("payments") or [] if isinstance(p, dict)]

    # --- UPI ids ---
    async def verify_vpa(self, vpa: str, reference: str) -> VpaCheck:
        body: dict[str, Any] = {"customerVpa": vpa, "referenceId": reference}
        data = await self.transport.call("POST", f"{MERCHANTS}/customer-vpas/verify", body=body)
        return vpa_check_from(data)

    async def vpa_check(self, check_id: str) -> VpaCheck:
        path = f"{MERCHANTS}/customer-vpas/verify/{_path_id(check_id)}"
        return vpa_check_from(await self.transport.call("GET", path))


def payment_from(data: dict[str, Any]) -> GatewayPayment:
    reason = data.get("reason") or {}
    failure = reason.get("setuDescription") or reason.get("desc") or reason.get("npciRespDesc")
    return GatewayPayment(
        payment_id=str(data.get("id", "")),
        status=str(data.get("status", "")),
        amount_paise=int(data.get("amount") or 0),
        product_instance_id=str(data.get("productInstanceId", "")),
        reference=data.get("referenceId") or data.get("merchantReferenceId"),
        payer_vpa=data.get("customerVpa"),
        rrn=data.get("rrn"),
        txn_id=data.get("txnId"),
        failure_reason=str(failure) if failure else None,
    )


def refund_reference(data: dict[str, Any]) -> str | None:
    """Our reference on a refund, under either of Setu's names for it."""
    value = data.get("referenceId") or data.get("merchantReferenceId")
    return str(value) if value else None


def _ours(refund: TransferStatus, request: TransferRequest) -> bool:
    return refund.reference == request.reference


def vpa_check_from(data: dict[str, Any]) -> VpaCheck:
    name = data.get("customerName")
    return VpaCheck(
        check_id=str(data.get("id", "")),
        status=str(data.get("status", "")),
        name=str(name) if isinstance(name, str) and name.strip() else None,
    )


def refund_status(data: dict[str, Any]) -> TransferStatus:
    """A Setu refund object as a TransferStatus, with what identifies it."""
    status = data.get("status")
    amount = data.get("amount")
    payment_id = data.get("paymentId")
    identity: dict[str, Any] = {
        "provider_ref": str(data["id"]) if data.get("id") else None,
        "reference": refund_reference(data),
        "amount_paise": amount if isinstance(amount, int) else None,
        "destination": str(payment_id) if payment_id else None,
    }
    if status == "success":
        utr = data.get("txnId")  # NPCI's id; the CRN is Setu's own and means nothing to a bank
        return TransferStatus(TransferState.SUCCEEDED, utr=str(utr) if utr else None, **identity)
    if status == "failed":
        reason = data.get("reason") or {}
        code = str(reason.get("errCode") or "")
        detail = reason.get("npciErrDesc") or code or "refund failed"
        return TransferStatus(
            TransferState.FAILED,
            reason=str(detail),
            retryable=code not in PERMANENT_REFUND_ERRORS,
            **identity,
        )
    return TransferStatus(TransferState.PROCESSING, **identity)
