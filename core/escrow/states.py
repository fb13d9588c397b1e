"""The escrow lifecycle as data: states, events and the one table that joins them.

Nothing else decides where an escrow may go next. A use case names the event; `apply` returns
the new state or raises InvalidTransitionError. The database write that follows is a guarded
`UPDATE ... WHERE state = :expected`, so a concurrent change makes the loser's rowcount 0.
"""

from __future__ import annotations

from enum import StrEnum

from core.errors import InvalidTransitionError


class State(StrEnum):
    AWAITING_PARTNER = "AWAITING_PARTNER"
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    HELD = "HELD"
    RELEASING = "RELEASING"
    RELEASED = "RELEASED"
    REFUNDING = "REFUNDING"
    REFUNDED = "REFUNDED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    DISPUTED = "DISPUTED"
    PAYOUT_FAILED = "PAYOUT_FAILED"  # the payee's UPI id refused the money: waiting for a new one
    SPLIT = "SPLIT"  # terminal: support split the money between payee and payer


class Event(StrEnum):
    PARTNER_JOINED = "partner_joined"
    CREATOR_CANCELLED = "creator_cancelled"
    PARTY_CANCELLED = "party_cancelled"
    CODE_EXPIRED = "code_expired"
    PAYMENT_WINDOW_CLOSED = "payment_window_closed"
    PAYMENT_SUCCEEDED = "payment_succeeded"
    BOTH_CONFIRMED = "both_confirmed"
    INSPECTION_ENDED = "inspection_ended"
    PAYEE_CANCELLED = "payee_cancelled"
    BOTH_AGREED_TO_CANCEL = "both_agreed_to_cancel"
    DISPUTE_OPENED = "dispute_opened"
    RESOLVED_RELEASE = "resolved_release"
    RESOLVED_REFUND = "resolved_refund"
    RESOLVED_SPLIT = "resolved_split"
    PAYOUT_SUCCEEDED = "payout_succeeded"
    REFUND_SUCCEEDED = "refund_succeeded"
    SPLIT_SETTLED = "split_settled"
    PAYOUT_REFUSED = "payout_refused"  # the payout failed for good (bad UPI id); money still held
    PAYEE_UPI_CHANGED = "payee_upi_changed"  # the payee gave a new, verified UPI id


S, E = State, Event

TRANSITIONS: dict[tuple[State, Event], State] = {
    (S.AWAITING_PARTNER, E.PARTNER_JOINED): S.AWAITING_PAYMENT,
    (S.AWAITING_PARTNER, E.CREATOR_CANCELLED): S.CANCELLED,
    (S.AWAITING_PARTNER, E.CODE_EXPIRED): S.EXPIRED,
    (S.AWAITING_PAYMENT, E.PARTY_CANCELLED): S.CANCELLED,
    (S.AWAITING_PAYMENT, E.PAYMENT_WINDOW_CLOSED): S.EXPIRED,
    (S.AWAITING_PAYMENT, E.PAYMENT_SUCCEEDED): S.HELD,
    (S.HELD, E.BOTH_CONFIRMED): S.RELEASING,
    (S.HELD, E.INSPECTION_ENDED): S.RELEASING,
    (S.HELD, E.PAYEE_CANCELLED): S.REFUNDING,
    (S.HELD, E.BOTH_AGREED_TO_CANCEL): S.REFUNDING,
    (S.HELD, E.DISPUTE_OPENED): S.DISPUTED,
    (S.DISPUTED, E.RESOLVED_RELEASE): S.RELEASING,
    (S.DISPUTED, E.RESOLVED_REFUND): S.REFUNDING,
    (S.DISPUTED, E.RESOLVED_SPLIT): S.RELEASING,
    (S.RELEASING, E.PAYOUT_SUCCEEDED): S.RELEASED,
    (S.RELEASING, E.SPLIT_SETTLED): S.SPLIT,
    (S.RELEASING, E.PAYOUT_REFUSED): S.PAYOUT_FAILED,
    (S.PAYOUT_FAILED, E.PAYEE_UPI_CHANGED): S.RELEASING,
    (S.PAYOUT_FAILED, E.RESOLVED_REFUND): S.REFUNDING,
    (S.PAYOUT_FAILED, E.RESOLVED_SPLIT): S.RELEASING,
    (S.REFUNDING, E.REFUND_SUCCEEDED): S.REFUNDED,
}

TERMINAL: frozenset[State] = frozenset({S.RELEASED, S.REFUNDED, S.CANCELLED, S.EXPIRED, S.SPLIT})
# States in which the escrow's holding account must carry exactly the amount paid in.
HOLDING: frozenset[State] = frozenset({S.HELD, S.DISPUTED})
# States in which money may be leaving: the holding account is between zero and the amount.
SETTLING: frozenset[State] = frozenset({S.RELEASING, S.REFUNDING, S.PAYOUT_FAILED})


def apply(current: State | str, event: Event) -> State:
    """Return the state `event` leads to from `current`, or raise InvalidTransitionError."""
    try:
        return TRANSITIONS[(State(current), event)]
    except (KeyError, ValueError):
        raise InvalidTransitionError(str(current), event.value) from None


def allowed_events(current: State | str) -> frozenset[Event]:
    """Every event the table accepts in `current` (empty for terminal states)."""
    state = State(current)
    return frozenset(event for (source, event) in TRANSITIONS if source is state)


def is_terminal(current: State | str) -> bool:
    return State(current) in TERMINAL
