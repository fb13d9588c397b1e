"""Payouts: making them, moving them through their statuses with the money each move takes or
gives back, cancelling, and the queue a low balance builds (razorpayx-payouts.md §2.4, §4, §8).

Entering `processing` debits the amount and the fees (which include tax); `reversed`, `failed`
and `cancelled` credit back whatever was debited. Every credit lets queued payouts go, first
queued first, skipping any the balance still cannot cover.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sandbox.razorpayx import directory, ids, states
from sandbox.razorpayx.bodies import PayoutBody
from sandbox.razorpayx.config import SimulatorConfig
from sandbox.razorpayx.errors import BadRequestError
from sandbox.razorpayx.events import payout_event
from sandbox.razorpayx.models import FundAccount, Payout
from sandbox.razorpayx.runtime import Runtime, unix
from sandbox.razorpayx.store import Store
from sandbox.webhooks import Event

Emit = Callable[[Sequence[Event]], None]
Started = Callable[[Payout], None]

INVALID_ACCOUNT = "The RazorpayX Account number is invalid."
LOW_BALANCE = "Your account does not have enough balance to carry out the payout operation."
DEFAULT_NARRATION = "TrustPay Fund Transfer"  # stands in for the merchant's billing label


def check_account_number(config: SimulatorConfig, account_number: str, field: str) -> None:
    if account_number != config.account_number:
        raise BadRequestError(INVALID_ACCOUNT, field=field)


class Payouts:
    """The payout operations. `emit` gets each change's webhook events; `started` is told of
    every payout that enters processing (to play its script)."""

    def __init__(self, store: Store, runtime: Runtime, emit: Emit, started: Started) -> None:
        self._store, self._runtime = store, runtime
        self._emit, self._started = emit, started

    def create(self, body: PayoutBody) -> Payout:
        """A payout, `processing`, `queued` or `failed` by our balance.

        Raises BadRequestError for a wrong account number, an amount over the UPI limit, a
        missing or unknown fund account, or (when so configured) a balance too low.
        """
        config = self._runtime.config
        check_account_number(config, body.account_number, "account_number")
        if body.amount > config.upi_max_paise:
            limit = config.upi_max_paise
            raise BadRequestError(f"The amount may not be greater than {limit}.", field="amount")
        self._check_payee(body)
        short = self._store.balance_paise < body.amount + config.fee_paise
        if short and not body.queue_if_low_balance and config.insufficient_balance == "reject":
            raise BadRequestError(LOW_BALANCE, reason="insufficient_funds")
        payout = self._new(body)
        self._store.payouts[payout.id] = payout
        if not short:
            self.move(payout, "processing")
        elif body.queue_if_low_balance:
            self.move(payout, "queued")
        else:
            self.move(payout, "failed", "insufficient_funds")
        return payout

    def move(self, payout: Payout, to: str, reason: str | None = None) -> None:
        """Move `payout` to status `to` (or, to its own status, change only status_details).

        Raises InvalidTransitionError, or BadRequestError for a reason `to` cannot have or a
        balance too low to enter processing.
        """
        states.check(payout.status, to)
        details = states.details(to, reason)
        was = payout.status
        if to == "processing" and was != "processing":
            self._debit(payout)
        events = []
        if to == "processed" and payout.utr is None:
            payout.utr = ids.utr()  # the bank's UTR arrives first: payout.updated
            events.append(self._event(states.UPDATED, payout))
        payout.status, payout.status_details = to, details
        events.append(self._event(states.ENTRY_EVENTS[to] if to != was else states.UPDATED, payout))
        self._emit(events)
        if to in states.GIVES_BACK:
            self._give_back(payout)
        if to == "processing" and was != "processing":
            self._started(payout)

    def cancel(self, payout: Payout) -> None:
        """Cancel a queued payout. Raises BadRequestError for any other status."""
        if payout.status != "queued":
            raise BadRequestError(
                f"Only queued payouts can be cancelled. This payout is {payout.status}."
            )
        self.move(payout, "cancelled")

    def top_up(self, paise: int) -> None:
        """Money arrives in our account: queued payouts it now covers start processing."""
        self.set_balance(self._store.balance_paise + paise)

    def set_balance(self, paise: int) -> None:
        """Our balance becomes `paise` (tests); queued payouts it covers start processing."""
        self._store.balance_paise = paise
        self._release_queue()

    def _check_payee(self, body: PayoutBody) -> None:
        if body.fund_account_id is not None and body.fund_account is not None:
            raise BadRequestError(
                "fund_account is/are not required and should not be sent", field="fund_account"
            )
        if body.fund_account_id is None and body.fund_account is None:
            raise BadRequestError("The fund account id field is required.", field="fund_account_id")
        if body.fund_account_id is not None:
            self._store.fund_account(body.fund_account_id, field="fund_account_id")

    def _payee(self, body: PayoutBody, now: int) -> FundAccount:
        if body.fund_account is None:
            return self._store.fund_account(str(body.fund_account_id), field="fund_account_id")
        contact = directory.add_contact(self._store, body.fund_account.contact, now)
        address = body.fund_account.vpa.address
        return directory.add_fund_account(self._store, contact, address, now)

    def _new(self, body: PayoutBody) -> Payout:
        now = unix(self._runtime.now())
        return Payout(
            id=ids.new("pout"),
            fund_account=self._payee(body, now),
            amount=body.amount,
            purpose=body.purpose,
            debit_account_number=self._runtime.config.account_number,
            created_at=now,
            composite=body.fund_account is not None,
            reference_id=body.reference_id,
            narration=body.narration or DEFAULT_NARRATION,
            notes=dict(body.notes),
            status=states.NEW,
        )

    def _debit(self, payout: Payout) -> None:
        config = self._runtime.config
        cost = payout.amount + config.fee_paise
        if self._store.balance_paise < cost:
            raise BadRequestError(LOW_BALANCE, reason="insufficient_funds")
        payout.fees, payout.tax = config.fee_paise, config.tax_paise
        self._store.balance_paise -= cost
        payout.debited_paise = cost

    def _give_back(self, payout: Payout) -> None:
        credit, payout.debited_paise = payout.debited_paise, 0
        if credit:
            self.top_up(credit)

    def _release_queue(self) -> None:
        fee = self._runtime.config.fee_paise
        for payout in self._store.queued():
            if self._store.balance_paise >= payout.amount + fee:
                self.move(payout, "processing")

    def _event(self, event_type: str, payout: Payout) -> Event:
        config, now = self._runtime.config, unix(self._runtime.now())
        return payout_event(ids.account_id(config.key_id), event_type, payout, now)
