"""How the simulated bot account is set up, and the limits Telegram enforces on it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SandboxConfig:
    token: str = "123456789:SANDBOXsandboxSANDBOXsandboxSANDBOX1"  # noqa: S105 - public on purpose
    bot_id: int = 123456789
    bot_username: str = "TrustPayEscrowBot"
    bot_first_name: str = "TrustPay"
    per_chat_per_second: float = 1.0  # Telegram's limits; over them -> 429 with retry_after
    per_chat_burst: int = 3  # short bursts are tolerated (Telegram FAQ), then 429
    overall_per_second: float = 30.0
    enforce_limits: bool = True
    max_poll_seconds: float = 50.0  # getUpdates `timeout` is capped here, as Telegram caps it
    webhook_retries: int = 3  # after the first attempt; then the update is given up
    webhook_retry_base_seconds: float = 1.0  # doubles after every failed attempt
