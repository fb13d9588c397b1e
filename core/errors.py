"""Every error a use case raises, as one tree.

ServiceError                      something the caller can explain to a person
├── InputError                    the request itself is wrong (bad amount, UPI id, code, text)
├── NotFoundError                 no such escrow (or not one this person may see)
├── ForbiddenError                this person may not do this (not a party, self-join, banned)
├── ConflictError                 the escrow is not in a state that allows this
│   ├── InvalidTransitionError    the state table has no edge for (state, event)
│   └── LostRaceError             someone else changed the escrow first; safe to retry
├── RateLimitedError              too many attempts; try again later
└── GatewayError                  an outside money service failed
    ├── GatewayUnavailableError   5xx, 429, connection refused: retry with backoff
    │   └── GatewayTimeoutError   sent, but no answer: the outcome is unknown
    ├── GatewayRejectedError      the service said no (invalid UPI id, balance): do not retry
    └── GatewayAuthError          our credentials were refused

Each error carries `key`, the catalogue key of the message a person should see, and `params`,
the values that message needs. Entry points translate; they never invent the wording.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base of every error a use case raises on purpose."""

    key = "error.unexpected"

    def __init__(self, detail: str = "", /, **params: Any) -> None:
        super().__init__(detail or self.key)
        self.detail = detail or self.key
        self.params: dict[str, Any] = params


class InputError(ServiceError):
    """The request is malformed; `key` names the field rule that failed."""

    def __init__(self, key: str, detail: str = "", /, **params: Any) -> None:
        super().__init__(detail or key, **params)
        self.key = key


class NotFoundError(ServiceError):
    def __init__(
        self, key: str = "error.escrow_not_found", detail: str = "", /, **params: Any
    ) -> None:
        super().__init__(detail or key, **params)
        self.key = key


class ForbiddenError(ServiceError):
    def __init__(self, key: str = "error.forbidden", detail: str = "", /, **params: Any) -> None:
        super().__init__(detail or key, **params)
        self.key = key


class ConflictError(ServiceError):
    def __init__(self, key: str = "error.conflict", detail: str = "", /, **params: Any) -> None:
        super().__init__(detail or key, **params)
        self.key = key


class InvalidTransitionError(ConflictError):
    """The transition table has no edge for this state and event."""

    def __init__(self, current: str, event: str) -> None:
        super().__init__(
            "error.not_allowed_now", f"no transition from {current} on {event}", state=current
        )
        self.current = current
        self.event = event


class LostRaceError(ConflictError):
    """A guarded update matched no row: another transaction moved the escrow first."""

    def __init__(self, escrow_id: int, expected: str, *, what: str = "escrow") -> None:
        super().__init__(
            "error.try_again", f"{what} {escrow_id} is no longer {expected}", state=expected
        )
        self.escrow_id = escrow_id
        self.expected = expected


class RateLimitedError(ServiceError):
    key = "error.rate_limited"

    def __init__(self, retry_after_seconds: int) -> None:
        minutes = max(1, -(-retry_after_seconds // 60))
        super().__init__(f"retry after {retry_after_seconds}s", minutes=minutes)
        self.retry_after_seconds = retry_after_seconds


class GatewayError(ServiceError):
    key = "error.gateway"

    def __init__(self, detail: str, /, *, provider: str, status_code: int | None = None) -> None:
        super().__init__(detail, provider=provider)
        self.provider = provider
        self.status_code = status_code


class GatewayUnavailableError(GatewayError):
    """Retry later; `retry_after` is the server's hint in seconds when it gave one."""

    key = "error.gateway_unavailable"

    def __init__(
        self,
        detail: str,
        /,
        *,
        provider: str,
        status_code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail, provider=provider, status_code=status_code)
        self.retry_after = retry_after


class GatewayTimeoutError(GatewayUnavailableError):
    """The request may have been accepted: ask before sending it again."""


class GatewayRejectedError(GatewayError):
    """The provider refused the request; `code` is its machine-readable reason.

    `retryable` marks refusals a later, fresh attempt may get past (our balance was short).
    """

    key = "error.gateway_rejected"

    def __init__(
        self,
        detail: str,
        /,
        *,
        provider: str,
        code: str = "",
        status_code: int | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(detail, provider=provider, status_code=status_code)
        self.code = code
        self.retryable = retryable


class GatewayAuthError(GatewayError):
    key = "error.gateway_unavailable"
