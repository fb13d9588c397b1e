"""The CLI's money actions for an operator at the server (trusted by having shell access)."""

from __future__ import annotations

from core import people, provider_reconciliation, reconciliation
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


async def reconcile(
    settings: Settings, period: reconciliation.Period, *, providers: bool = True
) -> tuple[reconciliation.Report, provider_reconciliation.ProviderCheck]:
    """The books over `period`, and (unless `providers` is False) how they compare with the
    providers' records; each new difference is alerted to support once."""
    async with opened(settings) as runtime:
        async with runtime.deps.uow() as uow:
            report = await reconciliation.report(uow.session, period)
        found = provider_reconciliation.ProviderCheck()
        if providers:
            found = await provider_reconciliation.compare(runtime.deps, period)
            await provider_reconciliation.raise_alerts(runtime.deps, found)
        return report, found
