"""SetuGateway: the PaymentGateway port over Setu's UPI Setu (UMAP) merchant APIs."""

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
)
from core.payments.setu.transport import SetuTransport

# Setu's collect API takes a narrower UPI id than UPI itself (no underscores).
COLLECT_VPA = re.compile(r"^[A-Za-z0-9.-]*@[a-zA-Z0-9.-]*$")
IST = timezone(timedelta(hours=5, minutes=30), "IST")
MERCHANTS = "/api/v1/merchants"
# Refund failures a second attempt cannot fix (refunds switched off for the payer's bank).
PERMANENT_REFUND_ERRORS = frozenset({"refund-disabled"})


def rfc3339(moment: datetime) -> str:
    """Setu's date-time spelling: RFC 3339 in IST, whole seconds."""
    return moment.astimezone(IST).replace(microsecond=0).isoformat()


def collect_note(note: str) -> str:
    """A transaction note Setu's collect API accepts: at most 50 characters, no brackets."""
    cleaned = "".join(ch for ch in note if ch not in "(){}[]<>").strip()
    return (cleaned or "TrustPay escrow")[:50]


class SetuGateway:
    name = "setu"

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
        data = await self.transport.call("GET", f"{MERCHANTS}/payments/{payment_id}", cache=True)
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
            "referenceId": request.reference,
            "remarks": request.narration[:100],
            "type": "online",
        }
        return refund_status(await self.transport.call("POST", f"{MERCHANTS}/refunds", body=body))

    async def find_refund(self, request: TransferRequest) -> TransferStatus | None:
        """The refund made under this request's reference, found through the payment."""
        if request.provider_ref:
            data = await self.transport.call("GET", f"{MERCHANTS}/refunds/{request.provider_ref}")
            return refund_status(data)
        payment = await self.get_payment(request.destination)
        if not payment.txn_id:
            return None
        try:
            data = await self.transport.call("GET", f"{MERCHANTS}/refunds/{payment.txn_id}/payment")
        except GatewayRejectedError as exc:
            if exc.status_code == 404:
                return None
            raise
        for refund in data.get("refunds") or []:
            if refund.get("referenceId") == request.reference:
                return refund_status(refund)
        return None

    async def get_refund(self, refund_id: str) -> TransferStatus:
        return refund_status(await self.transport.call("GET", f"{MERCHANTS}/refunds/{refund_id}"))

    # --- UPI ids ---
    async def verify_vpa(self, vpa: str, reference: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"customerVpa": vpa}
        if reference:
            body["referenceId"] = reference
        data: dict[str, Any] = await self.transport.call(
            "POST", f"{MERCHANTS}/customer-vpas/verify", body=body
        )
        return data

    async def vpa_verification(self, verification_id: str) -> dict[str, Any]:
        path = f"{MERCHANTS}/customer-vpas/verify/{verification_id}"
        data: dict[str, Any] = await self.transport.call("GET", path)
        return data


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


def refund_status(data: dict[str, Any]) -> TransferStatus:
    status = data.get("status")
    ref = str(data["id"]) if data.get("id") else None
    if status == "success":
        utr = data.get("txnId") or data.get("crn")
        return TransferStatus(TransferState.SUCCEEDED, ref, utr=str(utr) if utr else None)
    if status == "failed":
        reason = data.get("reason") or {}
        code = str(reason.get("errCode") or "")
        detail = reason.get("npciErrDesc") or code or "refund failed"
        return TransferStatus(
            TransferState.FAILED,
            ref,
            reason=str(detail),
            retryable=code not in PERMANENT_REFUND_ERRORS,
        )
    return TransferStatus(TransferState.PROCESSING, ref)
