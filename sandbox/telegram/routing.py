"""Route behaviour common to every sandbox endpoint: errors become Telegram's error shape."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from sandbox.telegram.errors import BadRequestError, BotApiError, InternalServerError

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
log = logging.getLogger(__name__)


class SandboxRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except BotApiError as exc:
                return exc.response()
            except RequestValidationError as exc:
                return BadRequestError(describe(exc.errors())).response()
            except Exception:
                log.exception("telegram sandbox: %s %s failed", request.method, request.url.path)
                return InternalServerError().response()

        return handle


def describe(errors: Sequence[Any]) -> str:
    """Pydantic's errors as `field: problem; field: problem`."""
    problems = []
    for error in errors:
        where = ".".join(str(part) for part in error["loc"]) or "body"
        problems.append(f"{where}: {error['msg']}")
    return "; ".join(problems)
