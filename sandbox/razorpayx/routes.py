"""RazorpayX's `/v1` endpoints, as paths under wherever the router is mounted.

Handlers only translate: read the body, call one operation, render the entity. Webhooks go
out from the operations themselves.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from sandbox.razorpayx import directory, idempotency
from sandbox.razorpayx.bodies import ContactBody, FundAccountBody, parse
from sandbox.razorpayx.engine import Engine
from sandbox.razorpayx.errors import UrlNotFoundError
from sandbox.razorpayx.listing import collection, matching_payouts
from sandbox.razorpayx.routing import reply, route_class
from sandbox.razorpayx.runtime import unix
from sandbox.razorpayx.views import (
    contact_view,
    fund_account_view,
    payout_view,
    validation_view,
)

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def api_router(engine: Engine) -> APIRouter:
    router = APIRouter(prefix="/v1", route_class=route_class(engine, api=True))
    for add in (_payouts, _contacts, _validations, _fund_accounts):
        add(router, engine)

    @router.api_route("/{rest:path}", methods=ALL_METHODS, include_in_schema=False)
    async def unknown(rest: str) -> Response:
        raise UrlNotFoundError()

    return router


def _payouts(router: APIRouter, engine: Engine) -> None:
    @router.post("/payouts")
    async def create_payout(request: Request) -> Response:
        key = idempotency.checked_key(request.headers.get(idempotency.HEADER))
        return reply(engine.create_payout(key, await request.body()))

    @router.get("/payouts")
    async def list_payouts(request: Request) -> Response:
        params = request.query_params
        found = matching_payouts(engine.store.payouts.values(), params)
        return reply(collection(found, params, engine.runtime.config, payout_view))

    @router.get("/payouts/{id}")
    async def fetch_payout(id: str) -> Response:
        return reply(payout_view(engine.store.payout(id)))

    @router.post("/payouts/{id}/cancel")
    async def cancel_payout(id: str) -> Response:
        payout = engine.store.payout(id)
        engine.payouts.cancel(payout)
        return reply(payout_view(payout))


def _contacts(router: APIRouter, engine: Engine) -> None:
    @router.post("/contacts")
    async def create_contact(request: Request) -> Response:
        body = parse(ContactBody, await request.body())
        now = unix(engine.runtime.now())
        return reply(contact_view(directory.add_contact(engine.store, body, now)))

    @router.get("/contacts/{id}")
    async def fetch_contact(id: str) -> Response:
        return reply(contact_view(engine.store.contact(id)))


def _fund_accounts(router: APIRouter, engine: Engine) -> None:
    @router.post("/fund_accounts")
    async def create_fund_account(request: Request) -> Response:
        body = parse(FundAccountBody, await request.body())
        contact = engine.store.contact(body.contact_id, field="contact_id")
        now = unix(engine.runtime.now())
        account = directory.add_fund_account(engine.store, contact, body.vpa.address, now)
        return reply(fund_account_view(account))

    @router.get("/fund_accounts/{id}")
    async def fetch_fund_account(id: str) -> Response:
        return reply(fund_account_view(engine.store.fund_account(id)))


def _validations(router: APIRouter, engine: Engine) -> None:
    @router.post("/fund_accounts/validations")
    async def create_validation(request: Request) -> Response:
        return reply(validation_view(engine.validate(await request.body())))

    @router.get("/fund_accounts/validations")
    async def list_validations(request: Request) -> Response:
        checks, config = engine.store.validations.values(), engine.runtime.config
        return reply(collection(checks, request.query_params, config, validation_view))

    @router.get("/fund_accounts/validations/{id}")
    async def fetch_validation(id: str) -> Response:
        return reply(validation_view(engine.store.validation(id)))
