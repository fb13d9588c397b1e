"""Outside services: the real client when configured, else the same client against a sandbox.

A sandbox is a server mounted in this app (under /sandbox/...) and reached over real HTTP,
never a stub inside the client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from core.chain import Anchors, Web3Anchors, http_provider, redacted_url
from core.config import Settings
from core.escrow.ports import PayoutRail
from core.logs import get_logger
from core.payments.manual import ManualRail
from core.payments.razorpayx import RazorpayXConfig, RazorpayXRail
from core.payments.setu import SetuConfig, SetuGateway, SetuTransport
from sandbox.chain import SandboxChain
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


_chain_log = get_logger("trustpay.chain")


class ChainLink:
    """Connects to the chain on first use, then hands out the same adapter.

    A failed connection is not remembered: the next call tries again (the anchor job's next run).
    """

    def __init__(self, open_anchors: Callable[[], Awaitable[Web3Anchors]]) -> None:
        self._open = open_anchors
        self._anchors: Web3Anchors | None = None
        self._lock = asyncio.Lock()

    @property
    def connected(self) -> Web3Anchors | None:
        return self._anchors

    async def __call__(self) -> Anchors:
        """The connected adapter. Raises ChainError."""
        async with self._lock:
            if self._anchors is None:
                self._anchors = await self._open()
            return self._anchors

    async def aclose(self) -> None:
        if self._anchors is not None:
            await self._anchors.aclose()
            self._anchors = None


@dataclass
class ChainSide:
    anchors_factory: ChainLink  # `await side.anchors_factory()` -> Anchors
    sandbox: SandboxChain | None  # mount `sandbox.router()` at /sandbox/chain
    where: str  # for the startup banner, before any connection


def chain(settings: Settings, base_url: str) -> ChainSide:
    """The audit chain: any EVM JSON-RPC with CHAIN_RPC_URL, else the journaled in-process EVM.

    Both go through the same `Web3Anchors`; only the web3 provider differs (HTTP, or the sandbox
    EVM in this process, which `trustpay audit ...` commands can open too, through its journal).
    """
    if settings.chain_is_sandbox:
        sandbox = SandboxChain(settings.chain_sandbox_file)
        where = f"{sandbox.network}, JSON-RPC at {base_url}/sandbox/chain"
        return ChainSide(ChainLink(sandbox.anchors), sandbox, where)
    url = settings.chain_rpc_url
    key = settings.chain_private_key.get_secret_value()
    address = settings.chain_contract_address

    async def open_anchors() -> Web3Anchors:
        anchors = await Web3Anchors.connect(http_provider(url), key, address)
        if anchors.deployed:
            _chain_log.warning(
                "chain.contract_deployed",
                address=anchors.contract_address,
                action=f"set CHAIN_CONTRACT_ADDRESS={anchors.contract_address}, or every start"
                " deploys a new contract and earlier roots are looked up in the wrong one",
            )
        return anchors

    contract = address or "deployed on first use"
    return ChainSide(ChainLink(open_anchors), None, f"RPC {redacted_url(url)}, contract {contract}")
