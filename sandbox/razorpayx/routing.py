"""Route behaviour common to every simulated endpoint.

Every error is RazorpayX's `{"error": {…}}` object. API routes also go through the fault
switches (before anything happens, or after it for "failure/timeout after acceptance") and
then Basic auth.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.razorpayx.auth import authorise
from sandbox.razorpayx.engine import Engine
from sandbox.razorpayx.errors import RazorpayXError, ServerError, TooManyRequestsError
from sandbox.razorpayx.faults import RequestFault

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
log = logging.getLogger(__name__)


def reply(body: Any) -> JSONResponse:
    """Every RazorpayX success is a 200."""
    return JSONResponse(body)


def route_class(engine: Engine, *, api: bool) -> type[APIRoute]:
    """An APIRoute subclass bound to `engine`; `api` adds faults and authentication."""

    class RazorpayXRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def handle(request: Request) -> Response:
                return await _answer(engine, request, handler, api=api)

            return handle

    return RazorpayXRoute


async def _answer(engine: Engine, request: Request, handler: Handler, *, api: bool) -> Response:
    faults = engine.runtime.faults
    fault = faults.take(request.method, request.url.path) if api else None
    try:
        _raise_for(fault)
        if api:
            authorise(request, engine.runtime.config)
        response = await handler(request)
    except RazorpayXError as exc:
        response = exc.response()
    except Exception:
        log.exception("razorpayx simulator: %s %s failed", request.method, request.url.path)
        response = ServerError().response()
    if fault is RequestFault.FAIL_AFTER_ACCEPT:
        response = ServerError().response()
    elif fault is RequestFault.TIMEOUT:
        await asyncio.sleep(faults.timeout_seconds)
    return response


def _raise_for(fault: RequestFault | None) -> None:
    if fault is RequestFault.FAIL:
        raise ServerError()
    if fault is RequestFault.RATE_LIMIT:
        raise TooManyRequestsError()
