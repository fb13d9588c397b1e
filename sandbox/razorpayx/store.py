"""Everything the simulator knows, in memory (one process), with look-ups Razorpay-style:
an unknown id is a 400 "The id provided does not exist"."""

from __future__ import annotations

from sandbox.razorpayx.errors import no_such_id
from sandbox.razorpayx.models import Contact, FundAccount, Payout, Validation


class Store:
    def __init__(self, balance_paise: int) -> None:
        self.balance_paise = balance_paise
        self.contacts: dict[str, Contact] = {}
        self.fund_accounts: dict[str, FundAccount] = {}
        self.payouts: dict[str, Payout] = {}  # oldest first
        self.validations: dict[str, Validation] = {}

    def contact(self, contact_id: str, field: str = "id") -> Contact:
        if contact_id not in self.contacts:
            raise no_such_id(field)
        return self.contacts[contact_id]

    def fund_account(self, fund_account_id: str, field: str = "id") -> FundAccount:
        if fund_account_id not in self.fund_accounts:
            raise no_such_id(field)
        return self.fund_accounts[fund_account_id]

    def payout(self, payout_id: str) -> Payout:
        if payout_id not in self.payouts:
            raise no_such_id()
        return self.payouts[payout_id]

    def validation(self, validation_id: str) -> Validation:
        if validation_id not in self.validations:
            raise no_such_id()
        return self.validations[validation_id]

    def same_contact(self, identity: tuple[str | None, ...]) -> Contact | None:
        return next((c for c in self.contacts.values() if c.identity() == identity), None)

    def same_fund_account(self, contact: Contact, address: str) -> FundAccount | None:
        found = (
            account
            for account in self.fund_accounts.values()
            if account.contact is contact and account.address == address
        )
        return next(found, None)

    def queued(self) -> list[Payout]:
        """Queued payouts, first queued first (they are paid in that order)."""
        return [payout for payout in self.payouts.values() if payout.status == "queued"]
