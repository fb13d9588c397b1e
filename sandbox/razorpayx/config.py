"""How a simulated RazorpayX account is set up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SEVEN_DAYS_SECONDS = 7 * 24 * 3600.0


@dataclass
class SimulatorConfig:
    key_id: str = "rzp_test_sandbox0000001"
    key_secret: str = "sandboxrazorpayxsecret0001"  # noqa: S105 - a public sandbox credential
    account_number: str = "7878780080316316"  # our RazorpayX account number, not the payee's
    balance_paise: int = 10_000_000_00  # ₹1 crore to start
    fee_paise: int = 500  # charged per payout; includes tax_paise, as in Razorpay's samples
    tax_paise: int = 90
    upi_max_paise: int = 10_000_000  # ₹1,00,000, inclusive ("upto" on RazorpayX Lite)
    webhook_url: str = ""  # where signed webhooks are POSTed; "" sends none
    webhook_secret: str = "sandboxrazorpayxwebhook0001"  # noqa: S105 - public sandbox secret
    webhook_retries: int = 5  # Razorpay retries for 24 h; the schedule is unpublished
    webhook_retry_base_seconds: float = 2.0
    settle_seconds: float | None = 1.0  # processing -> outcome; None: only via the control API
    # Low balance with queue_if_low_balance=false: "queue_or_fail" creates a `failed` payout
    # (reason insufficient_funds); "reject" answers 400 and creates nothing. Razorpay's docs
    # support both readings.
    insufficient_balance: Literal["queue_or_fail", "reject"] = "queue_or_fail"
    # An idempotent replay answers with the payout as it is now ("current") or exactly as the
    # first response was ("first"); Razorpay's pages say both.
    replay: Literal["current", "first"] = "current"
    idempotency_ttl_seconds: float = SEVEN_DAYS_SECONDS  # Razorpay guarantees at least 7 days
