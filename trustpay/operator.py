"""The CLI's money actions for an operator at the server (trusted by having shell access)."""

from __future__ import annotations

from core import people, reconciliation
from core.config import Settings
from core.db.models import Escrow
from core.escrow import support
from core.escrow.commands import Actor
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


async def admin_link(settings: Settings, telegram_id: int) -> str:
    """A one-time admin web sign-in link for an admin (as the bot's /login gives)."""
    runtime = build_runtime(settings)
    try:
        token = await people.admin_login_token(Actor(telegram_id), runtime.deps)
    finally:
        await runtime.aclose()
    return f"{runtime.settings.public_base_url.rstrip('/')}/admin/login/{token}"


async def reconcile(settings: Settings, period: reconciliation.Period) -> reconciliation.Report:
    runtime = build_runtime(settings)
    try:
        async with runtime.deps.uow() as uow:
            return await reconciliation.report(uow.session, period)
    finally:
        await runtime.aclose()
