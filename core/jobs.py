"""Bodies of the scheduled jobs. The scheduler (trustpay.bootstrap) only decides when.

Every job is safe to run in several processes at once and to run twice: work is claimed with
SKIP LOCKED or leased, and every change is guarded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from core import anchoring, provider_reconciliation
from core.chain import Anchors
from core.deps import Deps
from core.escrow import activation, expiry, outbound, payee_upi, reconcile
from core.escrow.money_states import IntentKind
from core.logs import get_logger
from core.payments import inbox
from core.payments.razorpayx import events as razorpayx_events
from core.payments.setu import events as setu_events

log = get_logger("trustpay.jobs")


async def expire_escrows(deps: Deps) -> dict[str, int]:
    """Age out codes, close payment windows and release escrows past inspection."""
    counts = {
        "codes": await expiry.expire_codes(deps),
        "payment_windows": await expiry.close_payment_windows(deps),
        "auto_released": await expiry.release_after_inspection(deps),
    }
    if any(counts.values()):
        log.info("job.expire_escrows", **counts)
    return counts


async def poll_payments(deps: Deps) -> int:
    """Ask the gateway about escrows still waiting for payment (lost webhooks heal here)."""
    return await reconcile.poll_awaiting_payments(deps)


async def process_inbox(deps: Deps) -> int:
    """Retry gateway events whose processing failed or could not settle yet."""
    handlers = {"setu": setu_events.handle, "razorpayx": razorpayx_events.handle}
    return await inbox.process_due(handlers, deps)


async def retry_transfers(deps: Deps) -> int:
    """Make every provider call that is due: payment requests, payouts, refunds, returns."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        due = await uow.intents.due(now)
    for intent_id, kind in due:
        try:
            if kind == IntentKind.COLLECT:
                await activation.request_payment(intent_id, deps)
            else:
                await outbound.dispatch(intent_id, deps)
        except Exception:  # one bad intent must not stop the others; it stays due
            log.exception("job.retry_transfers.failed", intent_id=intent_id)
    await payee_upi.poll_pending(deps)  # escrows waiting on a new UPI id's check
    return len(due)


async def reconcile_providers(deps: Deps) -> int:
    """Compare the last two days with Setu's and the payout rail's records; alert each new
    difference once. Returns how many differences there are."""
    period = provider_reconciliation.since(deps.clock.now())
    found = await provider_reconciliation.compare(deps, period)
    new = await provider_reconciliation.raise_alerts(deps, found)
    if found.mismatches or found.unreachable:
        log.warning(
            "job.reconcile_providers",
            mismatches=len(found.mismatches),
            new=new,
            unreachable=len(found.unreachable),
        )
    return len(found.mismatches)


async def anchor_audit_log(
    deps: Deps, connect: Callable[[], Awaitable[Anchors]]
) -> anchoring.AnchorRun:
    """Anchor the payment-log entries written since the last run (failures only alert)."""
    return await anchoring.anchor_pending(deps, connect)
