"""The simulator's own control panel (not Setu's): fault switches and a view of its state."""

from __future__ import annotations

from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.setu import vpas
from sandbox.setu.bodies import CUSTOMER_VPA, parse
from sandbox.setu.engine import Engine
from sandbox.setu.models import SourceStyle, VpaOutcome, VpaVerdict
from sandbox.setu.routing import route_class


class FaultsBody(BaseModel):
    """Any subset of the Faults fields; unknown names are refused."""

    model_config = ConfigDict(strict=True, extra="forbid")

    fail_next: int | None = Field(default=None, ge=0)
    rate_limit_next: int | None = Field(default=None, ge=0)
    timeout_next: int | None = Field(default=None, ge=0)
    timeout_seconds: float | None = Field(default=None, ge=0)
    slow_next: int | None = Field(default=None, ge=0)
    slow_seconds: float | None = Field(default=None, ge=0, le=120)
    only_path_contains: str | None = None
    only_method: Literal["", "GET", "POST", "PUT"] | None = None
    drop_webhooks: bool | None = None
    duplicate_webhooks: bool | None = None
    reorder_webhooks: bool | None = None
    webhook_delay_seconds: float | None = Field(default=None, ge=0)
    accept_late_payments: bool | None = None
    refund_reference_style: SourceStyle | None = None
    vpa_name_style: SourceStyle | None = None


class VpaOutcomeBody(BaseModel):
    """How the simulator's timer decides checks of one VPA from now on."""

    model_config = ConfigDict(strict=True, extra="forbid")

    vpa: str = Field(pattern=CUSTOMER_VPA)
    status: VpaVerdict
    customer_name: str | None = Field(default=None, min_length=1)


def control_router(engine: Engine) -> APIRouter:
    router = APIRouter(prefix="/_control", route_class=route_class(engine, merchant=False))

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
        engine.runtime.faults.reset()
        return JSONResponse(asdict(engine.runtime.faults))

    @router.post("/vpa-outcomes")
    async def preset_vpa_outcome(request: Request) -> Response:
        body = parse(VpaOutcomeBody, await request.body())
        vpas.preset_outcome(engine.store, body.vpa, VpaOutcome(body.status, body.customer_name))
        return JSONResponse(body.model_dump())

    @router.get("/state")
    async def state() -> Response:
        return JSONResponse(engine.state())

    return router
