"""Request bodies, constrained as RazorpayX documents (razorpayx-payouts.md §2, §7).

Unknown fields are refused, as Razorpay refuses them. A body that breaks a rule is a 400
`BAD_REQUEST_ERROR` naming the first offending field, in Razorpay's (Laravel's) words.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandbox.razorpayx.errors import BadRequestError

VPA_ADDRESS = r"^[a-zA-Z0-9.\-]+@[a-zA-Z0-9.\-]+$"
# Letters, digits, space and ’ - _ / ( ) . ; ending in a letter, a digit or a full stop.
CONTACT_NAME = r"^[a-zA-Z0-9 ’'\-_/().]*[a-zA-Z0-9.]$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
PHONE = r"^\+?[0-9]{8,15}$"
NARRATION = r"^[a-zA-Z0-9 ]*$"
Purpose = Literal["refund", "cashback", "payout", "salary", "utility bill", "vendor bill"]
PURPOSES: tuple[str, ...] = get_args(Purpose)  # the defaults; custom ones need the dashboard

NoteText = Annotated[str, Field(max_length=256)]
Notes = Annotated[dict[NoteText, NoteText], Field(max_length=15)]
ReferenceId = Annotated[str, Field(max_length=40)]


class Body(BaseModel):
    # Strict: a JSON "100" is not the integer 100, nor is 100.0 or true.
    model_config = ConfigDict(strict=True, extra="forbid")


class ContactBody(Body):
    name: str = Field(min_length=3, max_length=50, pattern=CONTACT_NAME)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL)
    contact: str | None = Field(default=None, pattern=PHONE)
    type: Literal["vendor", "customer", "employee", "self"] | None = None
    reference_id: ReferenceId | None = None
    notes: Notes = Field(default_factory=dict)


class VpaBody(Body):
    address: str = Field(min_length=3, max_length=100, pattern=VPA_ADDRESS)


class FundAccountBody(Body):
    """POST /v1/fund_accounts (only `vpa` accounts are simulated)."""

    account_type: Literal["vpa"]
    contact_id: str
    vpa: VpaBody


class InlineFundAccount(Body):
    """The `fund_account` of a composite payout: a VPA and its contact."""

    account_type: Literal["vpa"]
    vpa: VpaBody
    contact: ContactBody


class PayoutBody(Body):
    """POST /v1/payouts: `fund_account_id`, or an inline `fund_account` (composite)."""

    account_number: str
    amount: int = Field(ge=100)
    currency: Literal["INR"]
    mode: Literal["UPI"]  # case-sensitive; the only mode for a VPA
    purpose: Purpose
    fund_account_id: str | None = None
    fund_account: InlineFundAccount | None = None
    queue_if_low_balance: bool = False
    reference_id: ReferenceId | None = None
    narration: str | None = Field(default=None, max_length=30, pattern=NARRATION)
    notes: Notes = Field(default_factory=dict)


class ValidationFundAccount(Body):
    """Either `{"id": "fa_…"}` (older form) or an inline VPA with its contact."""

    id: str | None = None
    account_type: Literal["vpa"] | None = None
    vpa: VpaBody | None = None
    contact: ContactBody | None = None


class ValidationBody(Body):
    """POST /v1/fund_accounts/validations (`account_number` is the older name)."""

    source_account_number: str | None = None
    account_number: str | None = None
    validation_type: str | None = None
    reference_id: ReferenceId | None = None
    notes: Notes = Field(default_factory=dict)
    fund_account: ValidationFundAccount


B = TypeVar("B", bound=BaseModel)

_MESSAGES = {
    "missing": "The {name} field is required.",
    "extra_forbidden": "{field} is/are not required and should not be sent",
    "int_type": "The {name} must be an integer.",
    "string_type": "The {name} must be a string.",
    "bool_type": "The {name} field must be true or false.",
    "dict_type": "The {name} must be an array.",
    "model_type": "The {name} must be an array.",
    "greater_than_equal": "The {name} must be at least {ge}.",
    "string_too_short": "The {name} must be at least {min_length} characters.",
    "string_too_long": "The {name} may not be greater than {max_length} characters.",
    "too_long": "The {name} may not have more than {max_length} items.",
    "string_pattern_mismatch": "The {name} format is invalid.",
    "literal_error": "The selected {name} is invalid.",
    "json_invalid": "The request body is not valid JSON.",
}


def parse(model: type[B], raw: bytes) -> B:
    """The body as `model`, or BadRequestError naming the first thing wrong with it."""
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        raise invalid(exc.errors(include_url=False)[0]) from exc


def invalid(error: Any) -> BadRequestError:
    """One pydantic error as Razorpay's 400, with `field` as a dotted path."""
    loc = [str(part) for part in error["loc"]]
    if "notes" in loc:  # a note's own key is no field of ours
        loc = loc[: loc.index("notes") + 1]
    field = ".".join(loc) or None
    name = loc[-1].replace("_", " ") if loc else "request body"
    template = _MESSAGES.get(error["type"], "The {name} is invalid.")
    if not loc and error["type"] != "json_invalid":
        template = "The request body must be a JSON object."
    description = template.format(name=name, field=field, **error.get("ctx", {}))
    return BadRequestError(description, field=field)
