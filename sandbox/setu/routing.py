"""Route behaviour common to every simulated endpoint.

Every response carries a `requestId` header, and every error is Setu's `{code, detail, docUrl}`.
Merchant routes also go through the fault switches (before anything happens, or after it for
"timeout after acceptance") and then the bearer-token and merchantId checks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from sandbox.setu import ids
from sandbox.setu.bodies import describe
from sandbox.setu.engine import Engine
from sandbox.setu.errors import (
    BadRequestError,
    InternalServerError,
    SetuError,
    TooManyRequestsError,
)
from sandbox.setu.faults import RequestFault

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
log = logging.getLogger(__name__)


def route_class(engine: Engine, *, merchant: bool) -> type[APIRoute]:
    """An APIRoute subclass bound to `engine`; `merchant` adds faults and authorisation."""

    class SetuRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def handle(request: Request) -> Response:
                response = await _answer(engine, request, handler, merchant=merchant)
                response.headers["requestId"] = ids.request_id()
                return response

            return handle

    return SetuRoute


async def _answer(
    engine: Engine, request: Request, handler: Handler, *, merchant: bool
) -> Response:
    fault = engine.runtime.faults.take(request.url.path, request.method) if merchant else None
    try:
        _raise_for(fault)
        if fault is RequestFault.SLOW:
            await asyncio.sleep(engine.runtime.faults.slow_seconds)
        if merchant:
            engine.tokens.authorise(request)
        response = await handler(request)
    except SetuError as exc:
        response = exc.response()
    except RequestValidationError as exc:
        response = BadRequestError(describe(exc.errors())).response()
    except Exception:
        log.exception("setu simulator: %s %s failed", request.method, request.url.path)
        response = InternalServerError("internal-server-error").response()
    if fault is RequestFault.TIMEOUT:
        await asyncio.sleep(engine.runtime.faults.timeout_seconds)
    return response


def _raise_for(fault: RequestFault | None) -> None:
    if fault is RequestFault.FAIL:
        raise InternalServerError("internal-server-error (simulated)")
    if fault is RequestFault.RATE_LIMIT:
        raise TooManyRequestsError("too many requests (simulated)", retry_after_seconds=1)
