"""The simulator's records: contacts, VPA fund accounts, payouts and VPA validations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
StatusDetails = dict[str, str]


@dataclass
class Contact:
    id: str
    name: str
    created_at: int  # Unix seconds, as every Razorpay timestamp
    email: str | None = None
    contact: str | None = None  # a phone number
    type: str | None = None
    reference_id: str | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def identity(self) -> tuple[str | None, ...]:
        """Razorpay makes a new contact unless all of these match an existing one."""
        return (self.name, self.email, self.contact, self.type, self.reference_id)


@dataclass
class FundAccount:
    id: str
    contact: Contact
    address: str  # the payee's VPA
    created_at: int


@dataclass
class Payout:
    id: str
    fund_account: FundAccount
    amount: int
    purpose: str
    debit_account_number: str
    created_at: int
    composite: bool  # made with an inline fund account: shown with it nested
    reference_id: str | None = None
    narration: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    status: str = "processing"
    fees: int = 0  # set when the payout enters processing; includes `tax`
    tax: int = 0
    utr: str | None = None
    status_details: StatusDetails | None = None
    debited_paise: int = 0  # taken from our balance and not yet given back


@dataclass
class Validation:
    """A VPA validation: `created`, then `completed` (or `failed`) in the background."""

    id: str
    fund_account: FundAccount
    created_at: int
    reference_id: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    status: str = "created"
    account_status: str | None = None  # active | invalid, once completed
    registered_name: str | None = None
    status_details: StatusDetails | None = None
