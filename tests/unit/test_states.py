"""The escrow transition table, checked for every state against every event."""

from __future__ import annotations

import itertools
from collections import deque

import pytest

from core.errors import ConflictError, InvalidTransitionError
from core.escrow.states import (
    HOLDING,
    SETTLING,
    TERMINAL,
    TRANSITIONS,
    Event,
    State,
    allowed_events,
    apply,
    is_terminal,
)

EVERY_PAIR = list(itertools.product(State, Event))
ALLOWED_PAIRS = [pair for pair in EVERY_PAIR if pair in TRANSITIONS]
FORBIDDEN_PAIRS = [pair for pair in EVERY_PAIR if pair not in TRANSITIONS]


def _ids(pairs: list[tuple[State, Event]]) -> list[str]:
    return [f"{state.value}-{event.value}" for state, event in pairs]


def _reachable_from(start: State) -> set[State]:
    seen = {start}
    queue = deque([start])
    while queue:
        source = queue.popleft()
        for (state, _event), target in TRANSITIONS.items():
            if state is source and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def test_the_pairs_cover_the_whole_product_of_states_and_events() -> None:
    assert len(EVERY_PAIR) == len(State) * len(Event)
    assert len(ALLOWED_PAIRS) + len(FORBIDDEN_PAIRS) == len(EVERY_PAIR)
    assert len(ALLOWED_PAIRS) == len(TRANSITIONS)


@pytest.mark.parametrize(("state", "event"), ALLOWED_PAIRS, ids=_ids(ALLOWED_PAIRS))
def test_an_edge_in_the_table_leads_to_its_target(state: State, event: Event) -> None:
    assert apply(state, event) is TRANSITIONS[(state, event)]


@pytest.mark.parametrize(("state", "event"), ALLOWED_PAIRS, ids=_ids(ALLOWED_PAIRS))
def test_an_edge_also_applies_to_the_state_as_a_plain_string(state: State, event: Event) -> None:
    assert apply(state.value, event) is TRANSITIONS[(state, event)]


@pytest.mark.parametrize(("state", "event"), FORBIDDEN_PAIRS, ids=_ids(FORBIDDEN_PAIRS))
def test_a_pair_missing_from_the_table_is_an_invalid_transition(state: State, event: Event) -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        apply(state, event)
    assert caught.value.current == state.value
    assert caught.value.event == event.value
    assert caught.value.key == "error.not_allowed_now"
    assert caught.value.params == {"state": state.value}


@pytest.mark.parametrize(("state", "event"), EVERY_PAIR, ids=_ids(EVERY_PAIR))
def test_allowed_events_agree_with_apply(state: State, event: Event) -> None:
    assert (event in allowed_events(state)) == ((state, event) in TRANSITIONS)


def test_an_invalid_transition_is_a_conflict() -> None:
    with pytest.raises(ConflictError):
        apply(State.RELEASED, Event.PAYOUT_SUCCEEDED)


def test_an_unknown_state_name_is_an_invalid_transition() -> None:
    with pytest.raises(InvalidTransitionError) as caught:
        apply("NO_SUCH_STATE", Event.PARTNER_JOINED)
    assert caught.value.current == "NO_SUCH_STATE"
    assert caught.value.event == Event.PARTNER_JOINED.value


@pytest.mark.parametrize("state", sorted(TERMINAL), ids=str)
def test_a_terminal_state_allows_no_events(state: State) -> None:
    assert allowed_events(state) == frozenset()
    assert allowed_events(state.value) == frozenset()
    assert is_terminal(state)
    assert is_terminal(state.value)


@pytest.mark.parametrize("state", sorted(set(State) - TERMINAL), ids=str)
def test_a_non_terminal_state_has_a_way_out(state: State) -> None:
    assert allowed_events(state)
    assert not is_terminal(state)


def test_the_terminal_states_are_exactly_those_without_outgoing_edges() -> None:
    with_edges = {state for (state, _event) in TRANSITIONS}
    assert set(State) - with_edges == TERMINAL


def test_every_state_is_reachable_from_awaiting_partner() -> None:
    assert _reachable_from(State.AWAITING_PARTNER) == set(State)


@pytest.mark.parametrize("state", sorted(set(State) - TERMINAL), ids=str)
def test_a_terminal_state_is_reachable_from_every_non_terminal_state(state: State) -> None:
    assert _reachable_from(state) & TERMINAL


def test_nothing_leads_back_to_awaiting_partner() -> None:
    assert State.AWAITING_PARTNER not in TRANSITIONS.values()


def test_holding_and_settling_states_are_neither_terminal_nor_shared() -> None:
    assert not (HOLDING & TERMINAL)
    assert not (SETTLING & TERMINAL)
    assert not (HOLDING & SETTLING)


def test_money_only_reaches_holding_through_a_successful_payment() -> None:
    into_holding = {
        (state, event)
        for (state, event), target in TRANSITIONS.items()
        if target in HOLDING and state not in HOLDING
    }
    assert into_holding == {(State.AWAITING_PAYMENT, Event.PAYMENT_SUCCEEDED)}


def test_states_and_events_are_their_own_string_values() -> None:
    assert all(State(state.value) is state for state in State)
    assert all(Event(event.value) is event for event in Event)
