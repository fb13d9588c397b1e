"""RazorpayX webhook events, turned into use-case calls. The payouts API, not the webhook, decides.

payout.queued|initiated|processed|reversed|failed|updated|... in any order: each one only makes
us read the payout again and apply what RazorpayX says now, so a stale or repeated event cannot
move an intent backwards, and a reversal after `processed` is noticed. The event's payout id is
used only if it is well formed and the intent has no payout id yet; what is read is applied
only if it is the intent's own payout (core.escrow.answers).
"""

from __future__ import annotations

from typing import Any

from core.deps import Deps
from core.escrow import outbound
from core.logs import get_logger
from core.payments.razorpayx.rail import is_payout_id

log = get_logger("trustpay.razorpayx.events")


async def handle(event: dict[str, Any], deps: Deps) -> bool:
    """Apply one RazorpayX event; always settles (True) or raises for a retry."""
    name = str(event.get("event", ""))
    if not name.startswith("payout."):
        log.info("razorpayx.event_ignored", event_type=name)
        return True
    entity = ((event.get("payload") or {}).get("payout") or {}).get("entity") or {}
    intent_id = outbound.intent_id_from(entity.get("reference_id"))
    if intent_id is None:
        log.warning("razorpayx.payout_not_ours", reference=str(entity.get("reference_id"))[:40])
        return True
    payout_id = entity.get("id") if is_payout_id(entity.get("id")) else None
    if payout_id is None:
        log.warning("razorpayx.bad_payout_id", intent_id=intent_id)
    await outbound.refresh(intent_id, deps, provider_ref=payout_id)
    return True
