"""RazorpayX's error responses: `{"error": {code, description, source, step, reason,
metadata, field}}` (razorpayx-payouts.md §6.1).

RazorpayXError
 ├── BadRequestError          400 BAD_REQUEST_ERROR, reason input_validation_failed by default
 │    └── MissingIdempotencyKeyError  400, exactly Razorpay's sample (step null, reason "null")
 ├── AuthenticationError      401 BAD_REQUEST_ERROR "Authentication failed"
 ├── UrlNotFoundError         404 BAD_REQUEST_ERROR
 ├── TooManyRequestsError     429 BAD_REQUEST_ERROR
 └── ServerError              500 SERVER_ERROR, source internal
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

SERVER_TROUBLE = (
    "We are facing some trouble completing your request at the moment. Please try again shortly."
)
NO_SUCH_ID = "The id provided does not exist"


class RazorpayXError(Exception):
    status = 500
    code = "SERVER_ERROR"
    source = "internal"
    default_reason: str | None = "server_error"

    def __init__(
        self,
        description: str = SERVER_TROUBLE,
        *,
        field: str | None = None,
        reason: str | None = None,
    ) -> None:
        super().__init__(description)
        self.description = description
        self.field = field
        self.reason = reason or self.default_reason

    def error(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "source": self.source,
            "step": "NA",
            "reason": self.reason,
            "metadata": {},
            "field": self.field,
        }

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.error()}, status_code=self.status)


class BadRequestError(RazorpayXError):
    status = 400
    code = "BAD_REQUEST_ERROR"
    source = "business"
    default_reason = "input_validation_failed"


class MissingIdempotencyKeyError(BadRequestError):
    def __init__(self) -> None:
        super().__init__(
            "Idempotency key is missing. Include idempotency header and key in the request.",
            field="X-Payout-Idempotency",
        )

    def error(self) -> dict[str, Any]:
        return super().error() | {"step": None, "reason": "null"}  # sic: Razorpay's sample


class AuthenticationError(BadRequestError):
    status = 401
    default_reason = "authentication_failed"

    def __init__(self) -> None:
        super().__init__("Authentication failed")


class UrlNotFoundError(BadRequestError):
    status = 404
    default_reason = "url_not_found"

    def __init__(self) -> None:
        super().__init__("The requested URL was not found on the server.")


class TooManyRequestsError(BadRequestError):
    status = 429
    default_reason = "rate_limit_exceeded"

    def __init__(self) -> None:
        super().__init__("Too many requests. Please slow down and try again.")


class ServerError(RazorpayXError):
    pass


def no_such_id(field: str = "id") -> BadRequestError:
    """Razorpay answers an unknown id with a 400, not a 404."""
    return BadRequestError(NO_SUCH_ID, field=field)
