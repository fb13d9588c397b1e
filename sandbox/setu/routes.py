"""Setu's UMAP endpoints, as paths under wherever the router is mounted.

Handlers only translate: parse the body, call one operation, render the record, and hand any
status-change events to the webhook dispatcher.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox.setu import instances, payments, refunds, vpas
from sandbox.setu.bodies import (
    CollectBody,
    DqrBody,
    LoginBody,
    MockRefundBody,
    MockVerifyBody,
    PayBody,
    RefundBody,
    VerifyBody,
    parse,
)
from sandbox.setu.engine import Engine
from sandbox.setu.errors import NotFoundError
from sandbox.setu.routing import route_class
from sandbox.setu.views import instance_view, payment_view, refund_view, verification_view

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
HISTORY_SIZE = 5  # Setu's docs: the history endpoint returns the last five payments


def reply(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def login_router(engine: Engine) -> APIRouter:
    router = APIRouter(route_class=route_class(engine, merchant=False))

    @router.post("/v1/users/login")
    async def login(request: Request) -> Response:
        body = parse(LoginBody, await request.body())
        return reply({"access_token": engine.tokens.login(request.headers.get("client"), body)})

    return router


def merchant_router(engine: Engine) -> APIRouter:
    router = APIRouter(prefix="/api/v1/merchants", route_class=route_class(engine, merchant=True))
    for add in (_collect, _dqr, _pay, _payments, _refunds, _refund_mock, _vpas):
        add(router, engine)

    @router.api_route("/{rest:path}", methods=ALL_METHODS, include_in_schema=False)
    async def unknown(rest: str) -> Response:
        raise NotFoundError(f"no such endpoint: {rest}")

    return router


def _collect(router: APIRouter, engine: Engine) -> None:
    @router.post("/collect")
    async def create_collect(request: Request) -> Response:
        body = parse(CollectBody, await request.body())
        instance = instances.create_collect(engine.store, engine.merchant_id, body, engine.now())
        return reply(instance_view(instance), 201)

    @router.get("/collect/{id}")
    async def fetch_collect(id: str) -> Response:
        instance = engine.store.instance(id, engine.now(), kind="collect")
        return reply(instance_view(instance, details=engine.store.last_payment(instance)))


def _dqr(router: APIRouter, engine: Engine) -> None:
    @router.post("/dqr")
    async def create_dqr(request: Request) -> Response:
        body = parse(DqrBody, await request.body())
        instance = instances.create_dqr(engine.store, engine.merchant_id, body, engine.now())
        return reply(instance_view(instance), 201)

    @router.get("/dqr/{id}")
    async def fetch_dqr(id: str) -> Response:
        instance = engine.store.instance(id, engine.now(), kind="dqr")
        return reply(instance_view(instance, details=engine.store.last_payment(instance)))

    @router.put("/dqr/{id}/expire")
    async def expire_dqr(id: str) -> Response:
        return reply(instance_view(instances.expire_dqr(engine.store, id, engine.now())))


def _pay(router: APIRouter, engine: Engine) -> None:
    @router.post("/pay")
    async def pay(request: Request) -> Response:
        body = parse(PayBody, await request.body())
        late = engine.runtime.faults.accept_late_payments
        engine.emit(payments.pay(engine.store, body, engine.now(), accept_late=late))
        return Response(status_code=200)


def _payments(router: APIRouter, engine: Engine) -> None:
    @router.get("/payments/{id}")
    async def fetch_payment(id: str) -> Response:
        return reply(payment_view(engine.store.payment(id)))

    @router.get("/payments/product-instances/{id}/last")
    async def last_payment(id: str) -> Response:
        payment = engine.store.last_payment(engine.store.instance(id, engine.now()))
        if payment is None:
            raise NotFoundError(f"no payment for product instance {id}")
        return reply(payment_view(payment))

    @router.get("/payments/product-instances/{id}/history")
    async def payment_history(id: str) -> Response:
        instance = engine.store.instance(id, engine.now())
        latest = engine.store.payments_of(instance)[::-1][:HISTORY_SIZE]
        return reply({"payments": [payment_view(payment) for payment in latest]})


def _refunds(router: APIRouter, engine: Engine) -> None:
    @router.post("/refunds")
    async def create_refund(request: Request) -> Response:
        body = parse(RefundBody, await request.body())
        style = engine.runtime.faults.refund_reference_style
        refund, events = refunds.create_refund(engine.store, body, engine.now(), style=style)
        engine.emit(events)
        engine.settle_later(refund)
        return reply(refund_view(refund), 201)

    @router.get("/refunds/{id}")
    async def fetch_refund(id: str) -> Response:
        return reply(refund_view(engine.store.refund(id)))

    @router.get("/refunds/{paymentTxnId}/payment")
    async def refunds_of_payment(paymentTxnId: str) -> Response:  # noqa: N803 - Setu's name
        payment = engine.store.payment_by_txn(paymentTxnId)
        found = [refund_view(refund) for refund in engine.store.refunds_of(payment)]
        return reply({"paymentTxnId": paymentTxnId, "refunds": found})


def _refund_mock(router: APIRouter, engine: Engine) -> None:
    @router.put("/refunds/mock/{id}/status")
    async def mock_refund_status(id: str, request: Request) -> Response:
        body = parse(MockRefundBody, await request.body())
        engine.emit(refunds.mock_refund_status(engine.store, id, body, engine.now()))
        return Response(status_code=200)


def _vpas(router: APIRouter, engine: Engine) -> None:
    @router.post("/customer-vpas/verify")
    async def verify_vpa(request: Request) -> Response:
        body = parse(VerifyBody, await request.body())
        check = vpas.verify(engine.store, engine.merchant_id, body, engine.now())
        engine.verify_later(check)
        return reply(verification_view(check, full=False, named=engine.vpa_names_shown))

    @router.get("/customer-vpas/verify/{id}")
    async def fetch_verification(id: str) -> Response:
        check = engine.store.verification(id)
        return reply(verification_view(check, named=engine.vpa_names_shown))

    @router.post("/customer-vpas/mock/verify")
    async def mock_verify(request: Request) -> Response:
        body = parse(MockVerifyBody, await request.body())
        events = vpas.mock_verify(engine.store, body, engine.now(), named=engine.vpa_names_shown)
        engine.emit(events)
        return Response(status_code=200)
