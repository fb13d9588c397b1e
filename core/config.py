"""Settings, read once from the environment (and `.env`) at start-up and passed down.

Every outside service has a sandbox default so `trustpay run` works with an empty environment.
`TRUSTPAY_ENV=production` turns those defaults into errors: `production_problems` lists each
one, and `Settings.check_production` refuses to start while any remains.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "placeholder"})
DEFAULT_SECRET_KEY = "change-me"  # noqa: S105 -- the placeholder production refuses


class ProductionConfigError(RuntimeError):
    """Raised at start-up in production while sandbox defaults or placeholders remain."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "refusing to start in production:\n" + "\n".join(f"- {p}" for p in problems)
        )
        self.problems = problems


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    # --- process ---
    trustpay_env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    log_file: str = ""
    log_file_max_bytes: int = 10 * 1024 * 1024
    log_file_backups: int = 5

    # --- database ---
    database_url: str = "sqlite:///./trustpay.db"
    database_pool_size: int = 10
    database_echo: bool = False

    # --- Setu UPI (UMAP); empty client id = the sandbox simulator ---
    setu_client_id: str = ""
    setu_client_secret: SecretStr = SecretStr("")
    setu_merchant_id: str = ""
    setu_merchant_vpa: str = "trustpay@setu"
    setu_auth_url: str = "https://accountservice.setu.co"
    setu_base_url: str = "https://umap.setu.co"
    setu_webhook_secret: SecretStr = SecretStr("")
    setu_webhook_secret_previous: SecretStr = SecretStr("")
    setu_timeout_seconds: float = 10.0

    # --- payout rail; empty = the sandbox RazorpayX simulator ---
    payout_provider: Literal["", "razorpayx", "manual"] = ""
    razorpayx_key_id: str = ""
    razorpayx_key_secret: SecretStr = SecretStr("")
    razorpayx_account_number: str = ""
    razorpayx_base_url: str = "https://api.razorpay.com"
    razorpayx_webhook_secret: SecretStr = SecretStr("")
    razorpayx_webhook_secret_previous: SecretStr = SecretStr("")
    razorpayx_timeout_seconds: float = 10.0

    # --- Telegram; empty token = the sandbox Bot API ---
    telegram_bot_token: SecretStr = SecretStr("")
    telegram_bot_username: str = "TrustPayEscrowBot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: SecretStr = SecretStr("")
    admin_telegram_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)

    # --- audit anchoring; empty RPC url = an in-process EVM ---
    chain_rpc_url: str = ""
    chain_private_key: SecretStr = SecretStr("")
    chain_contract_address: str = ""
    # the in-process EVM's transactions, replayed at start (so restarts and the CLI see one chain)
    chain_sandbox_file: str = "trustpay-chain.jsonl"
    anchor_interval: timedelta = timedelta(minutes=5)

    # --- escrow rules ---
    min_amount_paise: int = Field(default=100, gt=0)
    max_amount_paise: int = Field(default=10_000_000, gt=0)
    fee_bps: int = Field(default=0, ge=0, le=1000)
    description_max_length: int = Field(default=200, ge=10, le=1000)
    max_open_escrows_per_user: int = Field(default=20, ge=1)
    code_ttl: timedelta = timedelta(days=7)
    payment_window: timedelta = timedelta(hours=24)
    inspection_period: timedelta = timedelta(days=3)
    join_attempts_per_hour: int = Field(default=10, ge=1)
    payment_poll_after: timedelta = timedelta(minutes=2)
    payment_poll_interval: timedelta = timedelta(minutes=2)

    # --- money-out retries ---
    payout_max_attempts: int = Field(default=6, ge=1)
    retry_base_delay: timedelta = timedelta(seconds=30)
    retry_max_delay: timedelta = timedelta(hours=1)
    intent_lease: timedelta = timedelta(seconds=60)
    # The longest one provider call may take, retries and logins included (under half a lease).
    provider_call_timeout: timedelta = timedelta(seconds=20)
    # A call with no answer is sent again only after this, and only if the provider has nothing.
    resend_after: timedelta = timedelta(minutes=5)
    transfer_stuck_after: timedelta = timedelta(hours=6)
    # How often our books are compared with Setu's and the payout rail's records.
    reconcile_providers_interval: timedelta = timedelta(hours=1)

    # --- job cadence ---
    expiry_job_interval: timedelta = timedelta(seconds=60)
    retry_job_interval: timedelta = timedelta(seconds=15)
    reconcile_job_interval: timedelta = timedelta(seconds=30)

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("*", mode="before")
    @classmethod
    def _seconds(cls, value: object, info: ValidationInfo) -> object:
        """Durations may be ISO 8601 ("PT30S", "P7D") or a plain number of seconds ("30")."""
        field = cls.model_fields.get(info.field_name or "")
        is_duration = field is not None and field.annotation is timedelta
        if is_duration and isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
            return float(value)
        return value

    @field_validator("max_amount_paise")
    @classmethod
    def _max_above_min(cls, value: int, info: object) -> int:
        data = getattr(info, "data", {})
        if value < data.get("min_amount_paise", 0):
            raise ValueError("MAX_AMOUNT_PAISE must not be below MIN_AMOUNT_PAISE")
        return value

    @field_validator("provider_call_timeout")
    @classmethod
    def _call_inside_lease(cls, value: timedelta, info: ValidationInfo) -> timedelta:
        lease = info.data.get("intent_lease", timedelta(seconds=60))
        if value * 2 >= lease:
            raise ValueError("PROVIDER_CALL_TIMEOUT must be under half of INTENT_LEASE")
        return value

    @field_validator("resend_after")
    @classmethod
    def _resend_after_lease(cls, value: timedelta, info: ValidationInfo) -> timedelta:
        if value < info.data.get("intent_lease", timedelta(seconds=60)):
            raise ValueError("RESEND_AFTER must be at least INTENT_LEASE")
        return value

    # --- which outside services are sandboxed ---
    @property
    def setu_is_sandbox(self) -> bool:
        return not self.setu_client_id

    @property
    def payouts_are_sandbox(self) -> bool:
        return self.payout_provider == ""

    @property
    def telegram_is_sandbox(self) -> bool:
        return not self.telegram_bot_token.get_secret_value()

    @property
    def chain_is_sandbox(self) -> bool:
        return not self.chain_rpc_url

    @property
    def is_production(self) -> bool:
        return self.trustpay_env == "production"

    def production_problems(self) -> list[str]:
        """Everything that keeps this configuration from being safe to run for real money."""
        problems: list[str] = []
        if _is_placeholder(self.secret_key):
            problems.append("SECRET_KEY is a placeholder: set a long random value")
        if self.database_url.startswith("sqlite"):
            problems.append("DATABASE_URL is the embedded SQLite default: use PostgreSQL")
        if self.setu_is_sandbox:
            problems.append("SETU_CLIENT_ID is unset: Setu would be the sandbox simulator")
        else:
            problems += _unset(SETU_MERCHANT_ID=self.setu_merchant_id)
            problems += _weak(
                SETU_CLIENT_SECRET=self.setu_client_secret,
                SETU_WEBHOOK_SECRET=self.setu_webhook_secret,
            )
        if self.payouts_are_sandbox:
            problems.append("PAYOUT_PROVIDER is unset: payouts would go to the sandbox simulator")
        elif self.payout_provider == "razorpayx":
            problems += _unset(
                RAZORPAYX_KEY_ID=self.razorpayx_key_id,
                RAZORPAYX_ACCOUNT_NUMBER=self.razorpayx_account_number,
            )
            problems += _weak(
                RAZORPAYX_KEY_SECRET=self.razorpayx_key_secret,
                RAZORPAYX_WEBHOOK_SECRET=self.razorpayx_webhook_secret,
            )
        if self.telegram_is_sandbox:
            problems.append("TELEGRAM_BOT_TOKEN is unset: the bot would talk to the sandbox")
        if self.telegram_webhook_url:
            problems += _weak(TELEGRAM_WEBHOOK_SECRET=self.telegram_webhook_secret)
        if not self.admin_telegram_ids:
            problems.append("ADMIN_TELEGRAM_IDS is empty: nobody could resolve disputes")
        if self.chain_is_sandbox:
            problems.append("CHAIN_RPC_URL is unset: audit roots would go to an in-process EVM")
        else:
            problems += _weak(CHAIN_PRIVATE_KEY=self.chain_private_key)
            if not re.fullmatch(r"0x[0-9a-fA-F]{40}", self.chain_contract_address.strip()):
                problems.append(
                    "CHAIN_CONTRACT_ADDRESS must be the deployed contract (0x + 40 hex digits): "
                    "without it every start deploys a new one"
                )
        if not self.public_base_url.startswith("https://"):
            problems.append("PUBLIC_BASE_URL must be an https:// address")
        return problems

    def check_production(self) -> None:
        """Raise ProductionConfigError if this is production and anything is unsafe."""
        if self.is_production and (problems := self.production_problems()):
            raise ProductionConfigError(problems)


def _is_placeholder(value: SecretStr | str) -> bool:
    raw = value.get_secret_value() if isinstance(value, SecretStr) else value
    return raw.strip().lower() in PLACEHOLDER_SECRETS or len(raw) < 16


def _weak(**secrets: SecretStr) -> list[str]:
    return [
        f"{name} is unset, a placeholder or shorter than 16 characters"
        for name, value in secrets.items()
        if _is_placeholder(value)
    ]


def _unset(**values: str) -> list[str]:
    return [f"{name} is unset" for name, value in values.items() if not value.strip()]
