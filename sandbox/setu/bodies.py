"""Request bodies, constrained exactly as Setu's OpenAPI spec constrains them.

A body that breaks a constraint is a 400 `bad-request` whose detail names the field and rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from sandbox.setu.errors import BadRequestError

CUSTOMER_VPA = r"^[A-Za-z0-9.-]*@[a-zA-Z0-9.-]*$"
DQR_MERCHANT_VPA = r"^[a-z0-9.-]*@[a-zA-Z]*$"
NO_BRACKETS = r"^[^(){}\[\]<>]*$"

ReferenceId = Annotated[str, Field(min_length=1, max_length=255)]


class Body(BaseModel):
    # Wire names are camelCase. Strict: a JSON "100" is not the integer 100, nor true 1.
    # Unknown fields are ignored.
    model_config = ConfigDict(strict=True, extra="ignore", alias_generator=to_camel)


class LoginBody(Body):
    client_id: str = Field(alias="clientID")
    secret: str
    grant_type: Literal["client_credentials"] = Field(alias="grant_type")


class CollectBody(Body):
    """CreateRequestBody. (The spec types `metadata` as string/binary; it is a string map.)"""

    amount: int = Field(ge=0, le=100_000_000_000_000_000)
    customer_vpa: str = Field(pattern=CUSTOMER_VPA)
    merchant_vpa: str
    expire_after: int = Field(default=30, ge=1, le=64_800)
    reference_id: ReferenceId | None = None
    transaction_note: str | None = Field(
        default=None, min_length=1, max_length=50, pattern=NO_BRACKETS
    )
    metadata: dict[str, str] | None = None


class DqrBody(Body):
    """CreateRequestBody2. The spec's `maxLength: 5` on metadata is read as "at most 5 keys"."""

    merchant_vpa: str = Field(pattern=DQR_MERCHANT_VPA)
    amount: int | None = Field(default=None, ge=100)
    min_amount: int | None = Field(default=None, ge=100)
    expiry_date: AwareDatetime | None = None
    reference_id: ReferenceId | None = None
    transaction_note: str | None = None
    metadata: dict[str, str] | None = Field(default=None, max_length=5)


class PayerAccountDetails(Body):
    account_number: str | None = None
    account_type: str | None = None
    ifsc: str | None = None


class PayBody(Body):
    """DoPaymentRequestBody: the mock of a payer paying from their UPI app."""

    ref_id: str
    payer_vpa: str
    payee_vpa: str
    amount: int | None = None
    payer_name: str | None = None
    payer_resp_code: str | None = None
    payer_account_details: PayerAccountDetails | None = None
    offer_id: str | None = None


class RefundBody(Body):
    """CreateRequestBody8, plus `merchantReferenceId` and `currency` from Setu's create-refund
    docs page (which of the two references counts is the `refund_reference_style` switch)."""

    payment_id: str
    amount: int
    reference_id: str | None = None
    merchant_reference_id: str | None = None
    currency: Literal["INR"] | None = None
    remarks: str | None = None
    type: str | None = None
    crn: str | None = None


class MockRefundBody(Body):
    mock_status: Literal["success", "failed"]
    err_code: str | None = None


class VerifyBody(Body):
    customer_vpa: str = Field(pattern=CUSTOMER_VPA)
    reference_id: ReferenceId | None = None


class MockVerifyBody(Body):
    id: str
    status: Literal["pending", "valid", "invalid", "failed"]


B = TypeVar("B", bound=BaseModel)


def parse(model: type[B], raw: bytes) -> B:
    """The body as `model`, or BadRequestError saying what is wrong with it."""
    try:
        return model.model_validate_json(raw or b"null")
    except ValidationError as exc:
        raise BadRequestError(describe(exc.errors(include_url=False))) from exc


def describe(errors: Sequence[Any]) -> str:
    """Pydantic's errors as `field: problem; field: problem`."""
    problems = []
    for error in errors:
        where = ".".join(str(part) for part in error["loc"]) or "body"
        problems.append(f"{where}: {error['msg']}")
    return "; ".join(problems)
