"""The escrow policy: copied from settings, and the retry backoff it computes."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.config import Settings
from core.escrow.policy import Policy
from core.money import AmountLimits

POLICY = Policy(limits=AmountLimits(100, 10_000_000))
attempts = st.integers(min_value=1, max_value=100)
seeds = st.integers(min_value=0, max_value=2**32)


def _ceiling(policy: Policy, attempt: int) -> timedelta:
    base = policy.retry_base_delay.total_seconds()
    return min(policy.retry_max_delay, timedelta(seconds=min(base * 2 ** (attempt - 1), 1e12)))


class _FixedJitter(random.Random):
    """A random source whose jitter is always the same fraction."""

    def __init__(self, fraction: float) -> None:
        super().__init__(0)
        self.fraction = fraction

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.fraction


@given(attempts, seeds)
def test_the_backoff_is_between_half_and_all_of_the_capped_exponential(
    attempt: int, seed: int
) -> None:
    ceiling = _ceiling(POLICY, attempt)
    delay = POLICY.backoff(attempt, random.Random(seed))
    assert ceiling / 2 <= delay <= ceiling


@given(attempts, seeds)
def test_the_backoff_never_exceeds_the_maximum_delay(attempt: int, seed: int) -> None:
    assert POLICY.backoff(attempt, random.Random(seed)) <= POLICY.retry_max_delay


@given(attempts, seeds)
def test_the_backoff_grows_with_the_attempt_for_the_same_jitter(attempt: int, seed: int) -> None:
    earlier = POLICY.backoff(attempt, random.Random(seed))
    later = POLICY.backoff(attempt + 1, random.Random(seed))
    assert earlier <= later


@given(
    attempts,
    seeds,
    st.integers(min_value=1, max_value=3_600),
    st.integers(min_value=1, max_value=86_400),
)
def test_the_backoff_respects_any_base_and_maximum(
    attempt: int, seed: int, base_seconds: int, max_seconds: int
) -> None:
    policy = dataclasses.replace(
        POLICY,
        retry_base_delay=timedelta(seconds=base_seconds),
        retry_max_delay=timedelta(seconds=max_seconds),
    )
    ceiling = _ceiling(policy, attempt)
    delay = policy.backoff(attempt, random.Random(seed))
    assert ceiling / 2 <= delay <= ceiling <= policy.retry_max_delay


@pytest.mark.parametrize(
    ("attempt", "full"),
    [
        (1, timedelta(seconds=30)),
        (2, timedelta(seconds=60)),
        (3, timedelta(seconds=120)),
        (7, timedelta(seconds=1_920)),
        (8, timedelta(hours=1)),
        (100, timedelta(hours=1)),
    ],
)
def test_the_backoff_doubles_from_the_base_until_the_cap(attempt: int, full: timedelta) -> None:
    assert POLICY.backoff(attempt, _FixedJitter(1.0)) == full
    assert POLICY.backoff(attempt, _FixedJitter(0.0)) == full / 2


@pytest.mark.parametrize("attempt", [0, -1, -100])
def test_an_attempt_below_one_waits_like_the_first(attempt: int) -> None:
    assert POLICY.backoff(attempt, _FixedJitter(1.0)) == POLICY.retry_base_delay


def test_a_long_base_delay_is_still_capped_at_the_maximum_for_late_attempts() -> None:
    policy = dataclasses.replace(
        POLICY, retry_base_delay=timedelta(days=1), retry_max_delay=timedelta(days=2)
    )
    assert policy.backoff(31, _FixedJitter(1.0)) == timedelta(days=2)


def test_the_backoff_is_jittered() -> None:
    rng = random.Random(7)
    assert len({POLICY.backoff(3, rng) for _ in range(20)}) > 1


def test_the_policy_is_copied_from_the_settings() -> None:
    settings = Settings(
        _env_file=None,
        min_amount_paise=500,
        max_amount_paise=2_000_000,
        fee_bps=150,
        description_max_length=300,
        max_open_escrows_per_user=5,
        code_ttl=timedelta(days=2),
        payment_window=timedelta(hours=6),
        inspection_period=timedelta(days=1),
        join_attempts_per_hour=3,
        payout_max_attempts=4,
        retry_base_delay=timedelta(seconds=10),
        retry_max_delay=timedelta(minutes=20),
        intent_lease=timedelta(seconds=45),
        admin_telegram_ids=[7, 8, 7],
    )
    assert Policy.from_settings(settings) == Policy(
        limits=AmountLimits(500, 2_000_000),
        fee_bps=150,
        description_max_length=300,
        max_open_escrows_per_user=5,
        code_ttl=timedelta(days=2),
        payment_window=timedelta(hours=6),
        inspection_period=timedelta(days=1),
        join_attempts_per_hour=3,
        payout_max_attempts=4,
        retry_base_delay=timedelta(seconds=10),
        retry_max_delay=timedelta(minutes=20),
        intent_lease=timedelta(seconds=45),
        admin_telegram_ids=frozenset({7, 8}),
    )


def test_the_policy_defaults_match_the_settings_defaults() -> None:
    assert Policy.from_settings(Settings(_env_file=None)) == POLICY


@pytest.mark.parametrize(("telegram_id", "is_admin"), [(7, True), (8, True), (9, False)])
def test_only_listed_telegram_ids_are_admins(telegram_id: int, is_admin: bool) -> None:
    policy = dataclasses.replace(POLICY, admin_telegram_ids=frozenset({7, 8}))
    assert policy.is_admin(telegram_id) is is_admin
