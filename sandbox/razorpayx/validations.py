"""VPA validations (razorpayx-payouts.md §2.7): made `created`, decided in the background.

Razorpay offers no validation in test mode, so the outcome is the simulator's own: the VPA
handle decides (`@fail`/`@invalid` -> invalid, `@psp-down` -> failed, else active), and the
registered name is the contact's name.
"""

from __future__ import annotations

from sandbox.razorpayx import directory, ids, scenarios
from sandbox.razorpayx.bodies import ValidationBody, ValidationFundAccount
from sandbox.razorpayx.errors import BadRequestError
from sandbox.razorpayx.events import validation_event
from sandbox.razorpayx.models import FundAccount, StatusDetails, Validation
from sandbox.razorpayx.payouts import Emit, check_account_number
from sandbox.razorpayx.runtime import Runtime, unix
from sandbox.razorpayx.store import Store

_SOURCE = "source_account_number"
RESULTS: dict[scenarios.Outcome, StatusDetails] = {
    "active": {
        "description": "The VPA is active and registered.",
        "source": "beneficiary_bank",
        "reason": "validation_successful",
    },
    "invalid": {
        "description": "The VPA does not exist or cannot receive money.",
        "source": "beneficiary_bank",
        "reason": "beneficiary_vpa_invalid",
    },
    "failed": {
        "description": "The beneficiary's UPI app (PSP) is offline. Please retry later.",
        "source": "beneficiary_bank",
        "reason": "beneficiary_psp_offline",
    },
}


class Validations:
    def __init__(self, store: Store, runtime: Runtime, emit: Emit) -> None:
        self._store, self._runtime, self._emit = store, runtime, emit

    def create(self, body: ValidationBody) -> Validation:
        """A `created` validation. Raises BadRequestError for a missing or wrong account
        number, or a fund account that is neither an existing id nor a complete VPA."""
        if body.source_account_number is not None:
            check_account_number(self._runtime.config, body.source_account_number, _SOURCE)
        elif body.account_number is not None:
            check_account_number(self._runtime.config, body.account_number, "account_number")
        else:
            raise _missing(_SOURCE)
        now = unix(self._runtime.now())
        check = Validation(
            id=ids.new("fav"),
            fund_account=self._fund_account(body.fund_account, now),
            created_at=now,
            reference_id=body.reference_id,
            notes=dict(body.notes),
        )
        self._store.validations[check.id] = check
        return check

    def decide(self, check: Validation) -> None:
        """Complete (or fail) a created validation and send its webhook."""
        if check.status != "created":
            return
        outcome = scenarios.validation_outcome(check.fund_account.address, self._runtime.faults)
        check.status = "failed" if outcome == "failed" else "completed"
        check.status_details = dict(RESULTS[outcome])
        if outcome != "failed":
            check.account_status = outcome
        if outcome == "active":
            check.registered_name = check.fund_account.contact.name
        account_id = ids.account_id(self._runtime.config.key_id)
        self._emit([validation_event(account_id, check, unix(self._runtime.now()))])

    def _fund_account(self, given: ValidationFundAccount, now: int) -> FundAccount:
        if given.id is not None:
            return self._store.fund_account(given.id, field="fund_account.id")
        if given.account_type is None:
            raise _missing("fund_account.account_type")
        if given.vpa is None:
            raise _missing("fund_account.vpa")
        if given.contact is None:
            raise _missing("fund_account.contact")
        contact = directory.add_contact(self._store, given.contact, now)
        return directory.add_fund_account(self._store, contact, given.vpa.address, now)


def _missing(field: str) -> BadRequestError:
    name = field.rpartition(".")[2].replace("_", " ")
    return BadRequestError(f"The {name} field is required.", field=field)
