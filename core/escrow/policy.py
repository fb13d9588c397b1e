"""The escrow rules that are settings: limits, timings, retry policy, who is support."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from core.config import Settings
from core.money import AmountLimits


@dataclass(frozen=True, slots=True)
class Policy:
    limits: AmountLimits
    fee_bps: int = 0
    description_max_length: int = 200
    max_open_escrows_per_user: int = 20
    code_ttl: timedelta = timedelta(days=7)
    payment_window: timedelta = timedelta(hours=24)
    inspection_period: timedelta = timedelta(days=3)
    join_attempts_per_hour: int = 10
    join_window: timedelta = timedelta(hours=1)
    payment_poll_after: timedelta = timedelta(minutes=2)
    payment_poll_interval: timedelta = timedelta(minutes=2)
    payout_max_attempts: int = 6
    retry_base_delay: timedelta = timedelta(seconds=30)
    retry_max_delay: timedelta = timedelta(hours=1)
    intent_lease: timedelta = timedelta(seconds=60)
    provider_call_timeout: timedelta = timedelta(seconds=20)
    resend_after: timedelta = timedelta(minutes=5)
    transfer_stuck_after: timedelta = timedelta(hours=6)
    admin_telegram_ids: frozenset[int] = frozenset()

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            limits=AmountLimits(settings.min_amount_paise, settings.max_amount_paise),
            fee_bps=settings.fee_bps,
            description_max_length=settings.description_max_length,
            max_open_escrows_per_user=settings.max_open_escrows_per_user,
            code_ttl=settings.code_ttl,
            payment_window=settings.payment_window,
            inspection_period=settings.inspection_period,
            join_attempts_per_hour=settings.join_attempts_per_hour,
            payment_poll_after=settings.payment_poll_after,
            payment_poll_interval=settings.payment_poll_interval,
            payout_max_attempts=settings.payout_max_attempts,
            retry_base_delay=settings.retry_base_delay,
            retry_max_delay=settings.retry_max_delay,
            intent_lease=settings.intent_lease,
            provider_call_timeout=settings.provider_call_timeout,
            resend_after=settings.resend_after,
            transfer_stuck_after=settings.transfer_stuck_after,
            admin_telegram_ids=frozenset(settings.admin_telegram_ids),
        )

    @property
    def call_deadline(self) -> timedelta:
        """How long one provider call may run: never more than a third of the lease, so the
        lease cannot run out (and let another process call) while the call is alive."""
        return min(self.provider_call_timeout, self.intent_lease / 3)

    @property
    def resend_wait(self) -> timedelta:
        """How long after a send with no answer a second send may happen (if the provider
        shows nothing): never less than a lease."""
        return max(self.resend_after, self.intent_lease)

    def is_admin(self, telegram_id: int) -> bool:
        return telegram_id in self.admin_telegram_ids

    def backoff(self, attempt: int, rng: random.Random) -> timedelta:
        """Delay before retry number `attempt` (1-based): exponential, capped, half-jittered."""
        exponent = min(max(0, attempt - 1), 62)  # 2**62 times any delay is past any cap
        seconds = self.retry_base_delay.total_seconds() * float(2**exponent)
        ceiling = min(self.retry_max_delay.total_seconds(), seconds)
        return timedelta(seconds=ceiling * rng.uniform(0.5, 1.0))
