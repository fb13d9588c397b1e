"""Rare Setu failures that a live server cannot be made to produce on cue, via MockTransport;
and properties of what the client puts on the wire."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import GatewayTimeoutError, GatewayUnavailableError
from core.escrow.ports import CollectSpec, TransferRequest
from core.payments.setu import SetuConfig, SetuGateway, SetuTransport
from tests.openapi_spec import validate_request

CONFIG = SetuConfig(
    "https://auth.test", "https://setu.test", "id", "secret", "01MERCHANT", "trustpay@setu"
)
Handler = Callable[[httpx.Request], httpx.Response]


def gateway(handler: Handler, sent: list[httpx.Request]) -> SetuGateway:
    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/users/login":
            return httpx.Response(200, json={"access_token": "tok"})
        sent.append(request)
        return handler(request)

    async def no_sleep(_seconds: float) -> None:
        return None

    http = httpx.AsyncClient(transport=httpx.MockTransport(route))
    return SetuGateway(SetuTransport(CONFIG, http, sleep=no_sleep))


def refund() -> TransferRequest:
    return TransferRequest(1, "key-1", "tpi1", 500, "01PAYMENT", "TrustPay escrow 1")


def spec(amount: int = 10_000, reference: str = "TPREF") -> CollectSpec:
    return CollectSpec(
        reference, amount, "TrustPay ABC123", datetime.now(UTC) + timedelta(days=1), 1440
    )


async def test_a_garbage_body_on_a_read_is_retried_then_unavailable() -> None:
    sent: list[httpx.Request] = []
    setu = gateway(lambda _: httpx.Response(200, content=b"<html>oops"), sent)
    with pytest.raises(GatewayUnavailableError):
        await setu.get_payment("01PAYMENT")
    assert len(sent) == 3


async def test_a_garbage_body_on_a_write_means_the_outcome_is_unknown() -> None:
    sent: list[httpx.Request] = []
    setu = gateway(lambda _: httpx.Response(201, content=b"\x00\xff"), sent)
    with pytest.raises(GatewayTimeoutError):
        await setu.refund(refund())
    assert len(sent) == 1


async def test_a_write_cut_off_mid_answer_is_not_repeated() -> None:
    sent: list[httpx.Request] = []

    def cut(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(GatewayTimeoutError):
        await gateway(cut, sent).refund(refund())
    assert len(sent) == 1


async def test_a_write_that_never_connected_is_tried_again() -> None:
    sent: list[httpx.Request] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        if len(sent) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={"id": "01REFUND", "status": "pending"})

    status = await gateway(flaky, sent).refund(refund())
    assert status.provider_ref == "01REFUND"
    assert len(sent) == 2


async def test_an_empty_success_body_is_fine_for_a_write_without_one() -> None:
    sent: list[httpx.Request] = []
    await gateway(lambda _: httpx.Response(200), sent).expire_qr("01QR")
    assert [r.method for r in sent] == ["PUT"]


@given(
    amount=st.integers(100, 10_000_000),
    reference=st.from_regex(r"[A-Z0-9]{4,35}", fullmatch=True),
    payer=st.from_regex(r"[a-z0-9][a-z0-9.-]{1,20}@[a-z]{2,10}", fullmatch=True),
)
async def test_payment_requests_carry_the_escrows_amount_vpas_and_reference(
    amount: int, reference: str, payer: str
) -> None:
    sent: list[httpx.Request] = []

    def created(request: httpx.Request) -> httpx.Response:
        kind = "intentLink" if request.url.path.endswith("/dqr") else "customerVpa"
        return httpx.Response(201, json={"id": "01X", kind: "upi://pay?tr=1", "refId": "1"})

    setu = gateway(created, sent)
    await setu.create_qr(spec(amount, reference))
    await setu.create_collect(spec(amount, reference), payer)
    qr, collect = (json.loads(r.content) for r in sent)
    for body, request in ((qr, sent[0]), (collect, sent[1])):
        validate_request("POST", request.url.path, body)
        assert (body["amount"], body["referenceId"], body["merchantVpa"]) == (
            amount,
            reference,
            "trustpay@setu",
        )
        assert request.headers["merchantId"] == "01MERCHANT"
        assert request.headers["Authorization"] == "Bearer tok"
    assert collect["customerVpa"] == payer
