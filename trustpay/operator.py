"""The CLI's money actions for an operator at the server (trusted by having shell access)."""

from __future__ import annotations

from core.config import Settings
from core.db.models import Escrow
from core.escrow import support
from trustpay.bootstrap import build_runtime


async def record_manual_payout(settings: Settings, code: str, utr: str) -> Escrow:
    runtime = build_runtime(settings)
    try:
        cmd = support.RecordManualPayout(actor=None, code=code, utr=utr)
        return await support.record_manual_payout(cmd, runtime.deps)
    finally:
        await runtime.aclose()


async def repay_reversed_payout(settings: Settings, code: str, upi_id: str | None) -> Escrow:
    runtime = build_runtime(settings)
    try:
        cmd = support.RepayReversedPayout(actor=None, code=code, upi_id=upi_id)
        return await support.repay_reversed_payout(cmd, runtime.deps)
    finally:
        await runtime.aclose()
