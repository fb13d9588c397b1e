"""Outside services: the real client when configured, else the same client against a sandbox.

A sandbox is a server mounted in this app (under /sandbox/...) and reached over real HTTP,
never a stub inside the client.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from core.config import Settings
from core.payments.setu import SetuConfig, SetuGateway, SetuTransport
from sandbox.setu import SetuSimulator, SimulatorConfig

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
