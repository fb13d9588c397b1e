"""The sandbox's own control panel (not Telegram's): fault switches, reset, and its state."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.telegram.bodies import FaultsBody, parse
from sandbox.telegram.engine import Engine
from sandbox.telegram.routing import SandboxRoute


def control_router(engine: Engine) -> APIRouter:
    router = APIRouter(prefix="/_control", route_class=SandboxRoute, include_in_schema=False)

    @router.get("/faults")
    async def faults() -> Response:
        return JSONResponse(asdict(engine.runtime.faults))

    @router.post("/faults")
    async def set_faults(request: Request) -> Response:
        changes = parse(FaultsBody, await request.body()).model_dump(exclude_none=True)
        for name, value in changes.items():
            setattr(engine.runtime.faults, name, value)
        return JSONResponse(asdict(engine.runtime.faults))

    @router.post("/reset")
    async def reset() -> Response:
        engine.reset()
        return JSONResponse(asdict(engine.runtime.faults))

    @router.get("/state")
    async def state() -> Response:
        return JSONResponse(engine.state())

    return router
