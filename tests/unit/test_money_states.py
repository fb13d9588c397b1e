"""The money intent and gateway payment lifecycles, checked for every status against every event."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from core.errors import InvalidTransitionError
from core.escrow.money_states import (
    FINAL,
    INTENT_TRANSITIONS,
    LIVE,
    PAYMENT_TRANSITIONS,
    IntentEvent,
    IntentStatus,
    PaymentEvent,
    PaymentStatus,
    apply_intent,
    apply_payment,
    is_live,
)

INTENT_PAIRS = list(itertools.product(IntentStatus, IntentEvent))
PAYMENT_PAIRS = list(itertools.product(PaymentStatus, PaymentEvent))
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("status", "event"), INTENT_PAIRS, ids=str)
def test_every_intent_status_and_event_either_moves_by_the_table_or_is_refused(
    status: IntentStatus, event: IntentEvent
) -> None:
    if (status, event) in INTENT_TRANSITIONS:
        assert apply_intent(status.value, event) is INTENT_TRANSITIONS[(status, event)]
        return
    with pytest.raises(InvalidTransitionError):
        apply_intent(status, event)


@pytest.mark.parametrize(("status", "event"), PAYMENT_PAIRS, ids=str)
def test_every_payment_status_and_event_either_moves_by_the_table_or_is_refused(
    status: PaymentStatus, event: PaymentEvent
) -> None:
    if (status, event) in PAYMENT_TRANSITIONS:
        assert apply_payment(status.value, event) is PAYMENT_TRANSITIONS[(status, event)]
        return
    with pytest.raises(InvalidTransitionError):
        apply_payment(status, event)


def test_live_and_final_split_the_intent_statuses() -> None:
    assert set(IntentStatus) == LIVE | FINAL
    assert not LIVE & FINAL
    assert all(is_live(status) for status in LIVE)


def test_nothing_leaves_a_failed_or_reversed_intent_and_only_a_reversal_leaves_success() -> None:
    leaving = {(status, event) for (status, event) in INTENT_TRANSITIONS if status in FINAL}
    assert leaving == {(IntentStatus.SUCCEEDED, IntentEvent.REVERSED)}


def test_a_sent_intent_can_never_become_pending_again() -> None:
    """Pending means "never sent": the one status from which sending needs no lookup first."""
    assert IntentStatus.PENDING not in INTENT_TRANSITIONS.values()


def test_sending_starts_only_from_pending_or_unknown() -> None:
    starts = {status for (status, event) in INTENT_TRANSITIONS if event is IntentEvent.CALL_STARTED}
    assert starts == {IntentStatus.PENDING, IntentStatus.UNKNOWN}


def test_an_unknown_status_name_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransitionError):
        apply_intent("sent", IntentEvent.SUCCEEDED)
    with pytest.raises(InvalidTransitionError):
        apply_payment("settled", PaymentEvent.RETURNED)


def test_no_module_spells_out_an_intent_or_payment_status_by_hand() -> None:
    """Statuses come from the enums; a literal like `status == "failed"` would bypass them."""
    pattern = re.compile(
        r"""(?:intent|payment|MoneyIntent|Payment|last|live)\.status\s*(?:==|!=|=|in)\s*"""
        r"""[("'][^)]*?(?:pending|unknown|submitted|succeeded|failed|reversed|received|held|"""
        r"""returning|returned)["']"""
    )
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("core", "bot", "webhooks", "admin_web", "trustpay")
        for path in (ROOT / folder).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
