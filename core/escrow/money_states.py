"""Money intents and gateway payments as data: their statuses, events and transition tables.

Like the escrow table (core.escrow.states), nothing else decides where a record may go next:
a use case names the event, `apply_intent` / `apply_payment` return the new status or raise
InvalidTransitionError, and the repository writes it with one guarded
`UPDATE ... WHERE id = :id AND status = :expected` (rowcount 1, or the caller lost a race).

An intent is one outbound money call under one idempotency key (a payout, a refund, the return
of stray money, a re-payment, or the request for a payment). Its lifecycle:

    pending --call_started--> unknown --accepted--> submitted --succeeded--> succeeded
                                      \\--succeeded / failed-->   \\--failed--> failed
    succeeded --reversed--> reversed (a bank reversal after the money left)

The send rule, which makes a second payout or refund impossible by construction:
1. An intent is marked `unknown` (with `last_sent_at`) and committed *before* any send; from
   then on the provider may have the request, whatever happens to this process.
2. A provider call runs under the intent's lease (INTENT_LEASE) and its whole duration (logins,
   retries, Retry-After waits) is cut off at PROVIDER_CALL_TIMEOUT, which settings require to be
   well under half the lease: no call outlives the lease, so no two processes call at once.
3. An `unknown` or `submitted` intent is only ever resolved by looking it up at the provider
   (by its id, else by our reference). A new send happens only when the lookup proves the
   provider has nothing for it *and* RESEND_AFTER has passed since the last send began (long
   enough for a request still in flight at the provider to show up). The send is claimed with
   a guarded update that also checks the lease is still ours.
4. A definite failure ends the intent; trying again is a new intent with a new key.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from core.errors import InvalidTransitionError


class IntentKind(StrEnum):
    COLLECT = "collect"  # ask the payer to pay (QR / collect request); no money moves
    PAYOUT = "payout"  # the payee's money, through the payout rail
    REFUND = "refund"  # the payer's money back, through the gateway
    RETURN = "return"  # stray money (late, twice, wrong amount) back to whoever paid it
    REPAYOUT = "repayout"  # a reversed payout paid again


PAYOUT_KINDS: frozenset[IntentKind] = frozenset({IntentKind.PAYOUT, IntentKind.REPAYOUT})
# Kinds whose failures are the escrow's own retry state (a return of stray money is not).
ESCROW_MONEY_KINDS: frozenset[IntentKind] = frozenset(
    {IntentKind.PAYOUT, IntentKind.REFUND, IntentKind.REPAYOUT}
)


class IntentStatus(StrEnum):
    PENDING = "pending"  # committed, never sent
    UNKNOWN = "unknown"  # may have reached the provider; ask before anything else
    SUBMITTED = "submitted"  # the provider has it and is working on it
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REVERSED = "reversed"  # succeeded, then the bank sent the money back


class IntentEvent(StrEnum):
    CALL_STARTED = "call_started"  # about to send: from here on the provider may have it
    NO_ANSWER = "no_answer"  # a call or lookup gave no answer; the status stands
    ACCEPTED = "accepted"  # the provider has it, not finished
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REVERSED = "reversed"


IS, IE = IntentStatus, IntentEvent
# The statuses in which a provider call may still be due: "live" means exactly these.
LIVE: frozenset[IntentStatus] = frozenset({IS.PENDING, IS.UNKNOWN, IS.SUBMITTED})
FINAL: frozenset[IntentStatus] = frozenset({IS.SUCCEEDED, IS.FAILED, IS.REVERSED})

INTENT_TRANSITIONS: dict[tuple[IntentStatus, IntentEvent], IntentStatus] = {
    (IS.PENDING, IE.CALL_STARTED): IS.UNKNOWN,
    (IS.UNKNOWN, IE.CALL_STARTED): IS.UNKNOWN,  # a re-send, after a lookup proved nothing
    (IS.UNKNOWN, IE.NO_ANSWER): IS.UNKNOWN,
    (IS.SUBMITTED, IE.NO_ANSWER): IS.SUBMITTED,
    **{(status, IE.ACCEPTED): IS.SUBMITTED for status in LIVE},
    **{(status, IE.SUCCEEDED): IS.SUCCEEDED for status in LIVE},
    **{(status, IE.FAILED): IS.FAILED for status in LIVE},
    (IS.SUCCEEDED, IE.REVERSED): IS.REVERSED,
}


def apply_intent(current: IntentStatus | str, event: IntentEvent) -> IntentStatus:
    """The status `event` leads to from `current`, or InvalidTransitionError."""
    try:
        return INTENT_TRANSITIONS[(IntentStatus(current), event)]
    except (KeyError, ValueError):
        raise InvalidTransitionError(str(current), event.value) from None


def is_live(status: IntentStatus | str) -> bool:
    return IntentStatus(status) in LIVE


class PaymentStatus(StrEnum):
    """Money a gateway reported paid to us (or an attempt that failed)."""

    RECEIVED = "received"  # recorded; matched or returned in the same transaction
    HELD = "held"  # funds an escrow
    FAILED = "failed"  # the payer's attempt failed; no money
    RETURNING = "returning"  # stray money, its return is under way
    RETURNED = "returned"


class PaymentEvent(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    RETURNED = "returned"
    SUCCEEDED_LATE = "succeeded_late"  # reported failed first, then success


PS, PE = PaymentStatus, PaymentEvent
PAYMENT_TRANSITIONS: dict[tuple[PaymentStatus, PaymentEvent], PaymentStatus] = {
    (PS.RECEIVED, PE.MATCHED): PS.HELD,
    (PS.RECEIVED, PE.UNMATCHED): PS.RETURNING,
    (PS.RETURNING, PE.RETURNED): PS.RETURNED,
    (PS.FAILED, PE.SUCCEEDED_LATE): PS.RECEIVED,
}


def apply_payment(current: PaymentStatus | str, event: PaymentEvent) -> PaymentStatus:
    """The status `event` leads to from `current`, or InvalidTransitionError."""
    try:
        return PAYMENT_TRANSITIONS[(PaymentStatus(current), event)]
    except (KeyError, ValueError):
        raise InvalidTransitionError(str(current), event.value) from None


def sql_in(values: Iterable[StrEnum]) -> str:
    """`'a', 'b'` for a CHECK constraint or a partial index, in the order given."""
    return ", ".join(f"'{value}'" for value in values)
