"""Bodies of the scheduled jobs. The scheduler (trustpay.bootstrap) only decides when.

Every job is safe to run in several processes at once and to run twice: work is claimed with
SKIP LOCKED or leased, and every change is guarded.
"""

from __future__ import annotations

from core.deps import Deps
from core.escrow import expiry, transfers
from core.logs import get_logger

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


async def retry_transfers(deps: Deps) -> int:
    """Send or check every money intent that is due (pending, unknown or submitted)."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        due = await uow.intents.due(now)
    await transfers.dispatch_all(due, deps)
    return len(due)
