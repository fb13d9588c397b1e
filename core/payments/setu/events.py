"""Setu webhook events, turned into use-case calls. The status API, not the webhook, decides.

Events: payment.initiated|pending|success|failed, refund.pending|successful|failed,
customer_vpa.*; anything else is acknowledged and ignored. Order does not matter: a payment's
status is read from Setu each time, and applying the same payment twice changes nothing.
"""

from __future__ import annotations

from typing import Any

from core.deps import Deps
from core.errors import GatewayRejectedError
from core.escrow import funds, outbound, payee_upi
from core.logs import get_logger
from core.payments.setu.gateway import is_setu_id, refund_reference

PROVIDER = "setu"
FINAL_PAYMENT_EVENTS = frozenset({"payment.success", "payment.failed"})
log = get_logger("trustpay.setu.events")


async def handle(event: dict[str, Any], deps: Deps) -> bool:
    """Apply one Setu event; False means "not settled at Setu yet, try again later"."""
    event_type = str(event.get("eventType", ""))
    resource = event_type.partition(".")[0]
    if resource == "payment":
        return await _payment(event, event_type, deps)
    if resource == "refund":
        return await _refund(event, deps)
    if resource == "customer_vpa":
        return await _vpa_check(event, deps)
    log.info("setu.event_ignored", event_type=event_type)
    return True


async def _payment(event: dict[str, Any], event_type: str, deps: Deps) -> bool:
    payment_id = event.get("id")
    if not is_setu_id(payment_id):
        log.warning("setu.payment_event_without_id")
        return True
    assert isinstance(payment_id, str)
    try:
        payment = await deps.gateway.get_payment(payment_id)
    except GatewayRejectedError as exc:
        if exc.status_code == 404:  # Setu does not know it (yet): not ours to act on
            return event_type not in FINAL_PAYMENT_EVENTS
        raise
    if await funds.apply_gateway_payment(PROVIDER, payment, deps) is not None:
        return True
    # Setu's API still says initiated/pending. A final webhook ahead of the API: ask again later.
    return event_type not in FINAL_PAYMENT_EVENTS


async def _refund(event: dict[str, Any], deps: Deps) -> bool:
    reference = refund_reference(event)  # referenceId or merchantReferenceId
    intent_id = outbound.intent_id_from(reference)
    refund_id = event.get("id") if is_setu_id(event.get("id")) else None
    if intent_id is None:
        log.warning("setu.refund_not_ours", reference=str(reference)[:40])
        return True
    txn_id = event.get("txnId")
    utr = str(txn_id)[:64] if isinstance(txn_id, str | int) and str(txn_id).isalnum() else None
    await outbound.refresh(intent_id, deps, provider_ref=refund_id, utr=utr)
    return True


async def _vpa_check(event: dict[str, Any], deps: Deps) -> bool:
    """customer_vpa.valid|invalid|failed: read the check again and carry on with the escrow."""
    check_id = event.get("id")
    if not is_setu_id(check_id):
        log.warning("setu.vpa_event_without_id")
        return True
    assert isinstance(check_id, str)
    await payee_upi.on_check_event(check_id, deps)
    return True
