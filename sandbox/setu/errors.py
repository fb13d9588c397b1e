"""Setu's error responses: `{"code", "detail", "docUrl"}` with a kebab-case code.

SetuError
 ├── BadRequestError        400 bad-request
 ├── InvalidTokenError      401 invalid-token
 ├── InvalidCredentialsError 401 invalid-credentials (login only)
 ├── ForbiddenError         403 forbidden
 ├── NotFoundError          404 not-found
 ├── InternalServerError    500 internal-server-error
 └── TooManyRequestsError   429 too-many-requests, with Retry-After
"""

from __future__ import annotations

from starlette.responses import JSONResponse


class SetuError(Exception):
    status = 500
    code = "internal-server-error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def headers(self) -> dict[str, str]:
        return {}

    def response(self) -> JSONResponse:
        body = {"code": self.code, "detail": self.detail, "docUrl": ""}
        return JSONResponse(body, status_code=self.status, headers=self.headers())


class BadRequestError(SetuError):
    status = 400
    code = "bad-request"


class InvalidTokenError(SetuError):
    status = 401
    code = "invalid-token"


class InvalidCredentialsError(SetuError):
    status = 401
    code = "invalid-credentials"


class ForbiddenError(SetuError):
    status = 403
    code = "forbidden"


class NotFoundError(SetuError):
    status = 404
    code = "not-found"


class InternalServerError(SetuError):
    pass


class TooManyRequestsError(SetuError):
    status = 429
    code = "too-many-requests"

    def __init__(self, detail: str, retry_after_seconds: int = 1) -> None:
        super().__init__(detail)
        self.retry_after_seconds = retry_after_seconds

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}
