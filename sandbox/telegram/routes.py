"""The Bot API itself: `/bot<token>/<method>` (GET or POST) and `/file/bot<token>/<path>`.

Before a method runs: an outage fault (502), the token (401), the method's name (404, any
case), then a pending request fault.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.telegram import messaging, profile, receiving
from sandbox.telegram.engine import Engine, Method
from sandbox.telegram.errors import (
    BadGatewayError,
    InternalServerError,
    NotFoundError,
    TooManyRequestsError,
    UnauthorizedError,
)
from sandbox.telegram.faults import RequestFault
from sandbox.telegram.form import read_params
from sandbox.telegram.routing import SandboxRoute

METHODS: dict[str, Method] = messaging.METHODS | receiving.METHODS | profile.METHODS


def bot_router(engine: Engine) -> APIRouter:
    router = APIRouter(route_class=SandboxRoute, include_in_schema=False)

    @router.api_route("/bot{token}/{method}", methods=["GET", "POST"])
    async def call(token: str, method: str, request: Request) -> Response:
        run = _method(engine, token, method)
        fault = engine.runtime.faults.take(method)
        _raise_for(engine, fault)
        result = await run(engine, await read_params(request))
        if fault is RequestFault.TIMEOUT:
            await asyncio.sleep(engine.runtime.faults.timeout_seconds)
        return JSONResponse({"ok": True, "result": result})

    @router.get("/file/bot{token}/{file_path:path}")
    async def download(token: str, file_path: str) -> Response:
        _authorise(engine, token)
        stored = engine.store.file_at(file_path)
        if stored is None:
            raise NotFoundError()
        return Response(stored.content, media_type=stored.mime_type)

    return router


def _method(engine: Engine, token: str, name: str) -> Method:
    _authorise(engine, token)
    method = METHODS.get(name.lower())
    if method is None:
        raise NotFoundError("method not found")
    return method


def _authorise(engine: Engine, token: str) -> None:
    if engine.runtime.faults.down:
        raise BadGatewayError()
    if token != engine.config.token:
        raise UnauthorizedError()


def _raise_for(engine: Engine, fault: RequestFault | None) -> None:
    if fault is RequestFault.FAIL:
        raise InternalServerError()
    if fault is RequestFault.RATE_LIMIT:
        raise TooManyRequestsError(max(1, engine.runtime.faults.retry_after_seconds))
