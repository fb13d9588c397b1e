"""The simulator's own control panel (not RazorpayX's): fault switches, the balance, forced
payout moves (as the test-mode dashboard makes them) and a view of everything."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import Response

from sandbox.razorpayx.bodies import parse
from sandbox.razorpayx.engine import Engine
from sandbox.razorpayx.errors import BadRequestError
from sandbox.razorpayx.routing import reply, route_class
from sandbox.razorpayx.states import Status


class ControlBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class FaultsBody(ControlBody):
    """Any subset of the Faults fields; unknown names are refused."""

    fail_next: int | None = Field(default=None, ge=0)
    fail_after_accept_next: int | None = Field(default=None, ge=0)
    rate_limit_next: int | None = Field(default=None, ge=0)
    timeout_next: int | None = Field(default=None, ge=0)
    timeout_seconds: float | None = Field(default=None, ge=0)
    only_path_contains: str | None = None
    invalid_vpa: bool | None = None
    drop_webhooks: bool | None = None
    duplicate_webhooks: bool | None = None
    reorder_webhooks: bool | None = None
    webhook_delay_seconds: float | None = Field(default=None, ge=0)


class SettleBody(ControlBody):
    to: Status = "processed"
    reason: str | None = None


class BalanceBody(ControlBody):
    """`add_paise` (money arrives) or `set_paise` (the balance becomes exactly this)."""

    add_paise: int | None = Field(default=None, ge=1)
    set_paise: int | None = Field(default=None, ge=0)


def control_router(engine: Engine) -> APIRouter:
    router = APIRouter(prefix="/_control", route_class=route_class(engine, api=False))

    @router.get("/faults")
    async def read_faults() -> Response:
        return reply(asdict(engine.runtime.faults))

    @router.post("/faults")
    async def set_faults(request: Request) -> Response:
        changes = parse(FaultsBody, await request.body()).model_dump(exclude_none=True)
        for name, value in changes.items():
            setattr(engine.runtime.faults, name, value)
        return reply(asdict(engine.runtime.faults))

    @router.post("/reset")
    async def reset() -> Response:
        engine.runtime.faults.reset()
        return reply(asdict(engine.runtime.faults))

    @router.get("/state")
    async def state() -> Response:
        return reply(engine.state())

    @router.post("/balance")
    async def change_balance(request: Request) -> Response:
        body = parse(BalanceBody, await request.body())
        if body.add_paise is not None and body.set_paise is None:
            engine.payouts.top_up(body.add_paise)
        elif body.set_paise is not None and body.add_paise is None:
            engine.payouts.set_balance(body.set_paise)
        else:
            raise BadRequestError("Send exactly one of add_paise and set_paise.")
        return reply({"balance_paise": engine.store.balance_paise})

    @router.post("/payouts/{id}/settle")
    async def settle(id: str, request: Request) -> Response:
        body = parse(SettleBody, await request.body() or b"{}")
        return reply(engine.settle(id, body.to, body.reason))

    return router
