"""Bot API error responses: `{"ok": false, "error_code", "description"[, "parameters"]}`.

The description is Telegram's: a status phrase, then the reason ("Bad Request: chat not found").
The chat control API answers with the same shape.

BotApiError
 ├── BadRequestError        400 Bad Request
 ├── UnauthorizedError      401 Unauthorized
 ├── ForbiddenError         403 Forbidden
 ├── NotFoundError          404 Not Found
 ├── ConflictError          409 Conflict
 ├── TooManyRequestsError   429 Too Many Requests: retry after N, with parameters.retry_after
 ├── InternalServerError    500 Internal Server Error
 └── BadGatewayError        502 Bad Gateway (Telegram's outages)
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class BotApiError(Exception):
    status = 500
    phrase = "Internal Server Error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail

    @property
    def description(self) -> str:
        return f"{self.phrase}: {self.detail}" if self.detail else self.phrase

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error_code": self.status, "description": self.description}

    def headers(self) -> dict[str, str]:
        return {}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers())


class BadRequestError(BotApiError):
    status = 400
    phrase = "Bad Request"


class UnauthorizedError(BotApiError):
    status = 401
    phrase = "Unauthorized"


class ForbiddenError(BotApiError):
    status = 403
    phrase = "Forbidden"


class NotFoundError(BotApiError):
    status = 404
    phrase = "Not Found"


class ConflictError(BotApiError):
    status = 409
    phrase = "Conflict"


class TooManyRequestsError(BotApiError):
    status = 429
    phrase = "Too Many Requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after}")
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        return super().body() | {"parameters": {"retry_after": self.retry_after}}

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class InternalServerError(BotApiError):
    pass


class BadGatewayError(BotApiError):
    status = 502
    phrase = "Bad Gateway"
