"""How a simulated Setu merchant account is set up."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SimulatorConfig:
    client_id: str = "sandbox-client"
    client_secret: str = "sandbox-secret"  # noqa: S105 - a sandbox credential, public on purpose
    merchant_id: str = "01SANDBOXMERCHANT0000000000"
    merchant_vpa: str = "trustpay@setu"
    webhook_url: str = ""  # where signed webhooks are POSTed; "" sends none
    webhook_secret: str = "sandboxwebhooksecret0123456789"  # noqa: S105 - public sandbox secret
    token_ttl_seconds: float = 300
    webhook_retries: int = 3  # Setu retries a failed notification three times
    webhook_retry_base_seconds: float = 2.0  # real Setu waits about 180 s; tests want less
    refund_settle_seconds: float | None = 2.0  # None: pending refunds settle only via the mock
    vpa_verify_seconds: float | None = 0.3  # None: VPA checks are decided only via the mock
