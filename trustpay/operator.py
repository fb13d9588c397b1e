"""The CLI's money actions for an operator at the server (trusted by having shell access)."""

from __future__ import annotations

from core import people, reconciliation
from core.config import Settings
from core.db.models import Escrow
from core.escrow import support
from core.escrow.commands import Actor
from trustpay.bootstrap import opened


async def record_manual_payout(settings: Settings, code: str, utr: str) -> Escrow:
    async with opened(settings) as runtime:
        cmd = support.RecordManualPayout(actor=None, code=code, utr=utr)
        return await support.record_manual_payout(cmd, runtime.deps)


async def repay_reversed_payout(settings: Settings, code: str, upi_id: str | None) -> Escrow:
    async with opened(settings) as runtime:
        cmd = support.RepayReversedPayout(actor=None, code=code, upi_id=upi_id)
        return await support.repay_reversed_payout(cmd, runtime.deps)


async def admin_link(settings: Settings, telegram_id: int) -> str:
    """A one-time admin web sign-in link for an admin (as the bot's /login gives)."""
    async with opened(settings) as runtime:
        token = await people.admin_login_token(Actor(telegram_id), runtime.deps)
        return f"{runtime.settings.public_base_url.rstrip('/')}/admin/login/{token}"


async def reconcile(settings: Settings, period: reconciliation.Period) -> reconciliation.Report:
    async with opened(settings) as runtime, runtime.deps.uow() as uow:
        return await reconciliation.report(uow.session, period)
