"""Outside services: the real client when configured, else the same client against a sandbox.

A sandbox is a server mounted in this app (under /sandbox/...) and reached over real HTTP,
never a stub inside the client.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from core.config import Settings
from core.escrow.ports import PayoutRail
from core.payments.manual import ManualRail
from core.payments.razorpayx import RazorpayXConfig, RazorpayXRail
from core.payments.setu import SetuConfig, SetuGateway, SetuTransport
from sandbox.razorpayx import RazorpayXSimulator
from sandbox.razorpayx import SimulatorConfig as RazorpaySimulatorConfig
from sandbox.setu import SetuSimulator, SimulatorConfig
from sandbox.telegram import SandboxConfig, TelegramSandbox

SANDBOX_SETU_WEBHOOK_SECRET = "sandboxsetuwebhooksecret2026"  # noqa: S105 -- sandbox only


@dataclass
class SetuSide:
    gateway: SetuGateway
    simulator: SetuSimulator | None
    webhook_secrets: list[str]


def setu(settings: Settings, base_url: str, http: httpx.AsyncClient) -> SetuSide:
    """The Setu client: at Setu with credentials, else at the simulator under /sandbox/setu."""
    timeout = settings.setu_timeout_seconds
    if not settings.setu_is_sandbox:
        config = SetuConfig(
            auth_url=settings.setu_auth_url,
            base_url=settings.setu_base_url,
            client_id=settings.setu_client_id,
            client_secret=settings.setu_client_secret.get_secret_value(),
            merchant_id=settings.setu_merchant_id,
            merchant_vpa=settings.setu_merchant_vpa,
            timeout_seconds=timeout,
        )
        secrets = [
            settings.setu_webhook_secret.get_secret_value(),
            settings.setu_webhook_secret_previous.get_secret_value(),
        ]
        return SetuSide(SetuGateway(SetuTransport(config, http)), None, secrets)
    secret = settings.setu_webhook_secret.get_secret_value() or SANDBOX_SETU_WEBHOOK_SECRET
    simulated = SimulatorConfig(
        merchant_vpa=settings.setu_merchant_vpa,
        webhook_url=f"{base_url}/webhooks/setu",
        webhook_secret=secret,
    )
    simulator = SetuSimulator(simulated, http=http)
    config = SetuConfig(
        auth_url=f"{base_url}/sandbox/setu",
        base_url=f"{base_url}/sandbox/setu",
        client_id=simulated.client_id,
        client_secret=simulated.client_secret,
        merchant_id=simulated.merchant_id,
        merchant_vpa=simulated.merchant_vpa,
        timeout_seconds=timeout,
    )
    return SetuSide(SetuGateway(SetuTransport(config, http)), simulator, [secret])


@dataclass
class RailSide:
    rail: PayoutRail
    simulator: RazorpayXSimulator | None
    webhook_secrets: list[str]


SANDBOX_RAZORPAYX_WEBHOOK_SECRET = "sandboxrazorpayxwebhook2026"  # noqa: S105 -- sandbox only


def rail(settings: Settings, base_url: str, http: httpx.AsyncClient) -> RailSide:
    """The payout rail: RazorpayX, manual, or RazorpayX's simulator under /sandbox/razorpayx."""
    if settings.payout_provider == "manual":
        return RailSide(ManualRail(), None, [])
    timeout = settings.razorpayx_timeout_seconds
    if settings.payout_provider == "razorpayx":
        config = RazorpayXConfig(
            base_url=settings.razorpayx_base_url,
            key_id=settings.razorpayx_key_id,
            key_secret=settings.razorpayx_key_secret.get_secret_value(),
            account_number=settings.razorpayx_account_number,
            timeout_seconds=timeout,
        )
        secrets = [
            settings.razorpayx_webhook_secret.get_secret_value(),
            settings.razorpayx_webhook_secret_previous.get_secret_value(),
        ]
        return RailSide(RazorpayXRail(config, http), None, secrets)
    secret = (
        settings.razorpayx_webhook_secret.get_secret_value() or SANDBOX_RAZORPAYX_WEBHOOK_SECRET
    )
    simulated = RazorpaySimulatorConfig(
        webhook_url=f"{base_url}/webhooks/razorpayx", webhook_secret=secret
    )
    simulator = RazorpayXSimulator(simulated, http=http)
    config = RazorpayXConfig(
        base_url=f"{base_url}/sandbox/razorpayx",
        key_id=simulated.key_id,
        key_secret=simulated.key_secret,
        account_number=simulated.account_number,
        timeout_seconds=timeout,
    )
    return RailSide(RazorpayXRail(config, http), simulator, [secret])


@dataclass
class TelegramSide:
    token: str
    api_base: str | None  # the sandbox Bot API; None = api.telegram.org
    sandbox: TelegramSandbox | None
    webhook_url: str  # "" = polling
    webhook_secret: str


SANDBOX_SUPPORT_TELEGRAM_ID = 9009  # the sandbox web chat's support person
SANDBOX_TELEGRAM_WEBHOOK_SECRET = "sandbox-telegram-webhook-secret"  # noqa: S105 -- sandbox only


def telegram(settings: Settings, base_url: str, http: httpx.AsyncClient) -> TelegramSide:
    """The bot's Bot API: Telegram with a token, else the sandbox under /sandbox/telegram."""
    secret = settings.telegram_webhook_secret.get_secret_value()
    if not settings.telegram_is_sandbox:
        token = settings.telegram_bot_token.get_secret_value()
        return TelegramSide(token, None, None, settings.telegram_webhook_url, secret)
    sandbox = TelegramSandbox(SandboxConfig(bot_username=settings.telegram_bot_username), http=http)
    webhook = settings.telegram_webhook_url
    return TelegramSide(
        sandbox.config.token,
        f"{base_url}/sandbox/telegram",
        sandbox,
        webhook,
        secret or (SANDBOX_TELEGRAM_WEBHOOK_SECRET if webhook else ""),
    )
