"""RazorpayX answers mapped to what the escrow core understands (no network: MockTransport)."""

from __future__ import annotations

import httpx
import pytest

from core.errors import GatewayRejectedError, GatewayUnavailableError
from core.escrow.ports import TransferRequest, TransferState
from core.payments.razorpayx import RazorpayXConfig, RazorpayXRail
from core.payments.razorpayx.rail import payout_status

REQUEST = TransferRequest(1, "tp-payout-e1-1-abcd1234", "tpi1", 10_000, "a@okaxis", "TrustPay")


def rail(handler: httpx.MockTransport) -> RazorpayXRail:
    async def no_sleep(_seconds: float) -> None:
        return None

    config = RazorpayXConfig("https://api.test", "rzp_test_x", "secret", "7878")
    return RazorpayXRail(config, httpx.AsyncClient(transport=handler), sleep=no_sleep)


def error(reason: str, description: str = "refused") -> httpx.MockTransport:
    body = {"error": {"code": "BAD_REQUEST_ERROR", "description": description, "reason": reason}}
    return httpx.MockTransport(lambda _: httpx.Response(400, json=body))


@pytest.mark.parametrize(
    ("status", "reason", "state", "retryable"),
    [
        ("processed", None, TransferState.SUCCEEDED, True),
        ("queued", "low_balance", TransferState.PROCESSING, True),
        ("pending", "pending_approval", TransferState.PROCESSING, True),
        ("processing", "payout_bank_processing", TransferState.PROCESSING, True),
        ("reversed", "beneficiary_vpa_invalid", TransferState.FAILED, False),
        ("failed", "beneficiary_psp_offline", TransferState.FAILED, True),
        ("failed", "transaction_limit_exceeded", TransferState.FAILED, False),
        ("cancelled", None, TransferState.FAILED, False),
        ("rejected", None, TransferState.FAILED, True),
    ],
)
def test_payout_statuses_map_to_transfer_states(
    status: str, reason: str | None, state: TransferState, retryable: bool
) -> None:
    entity = {"id": "pout_1", "status": status, "status_details": {"reason": reason}, "utr": None}
    mapped = payout_status(entity)
    assert (mapped.state, mapped.provider_ref) == (state, "pout_1")
    if state is TransferState.FAILED:
        assert mapped.retryable is retryable
        assert status in (mapped.reason or "")


async def test_low_balance_refusal_is_worth_retrying_later() -> None:
    with pytest.raises(GatewayRejectedError) as refused:
        await rail(error("insufficient_funds")).send_payout(REQUEST)
    assert (refused.value.code, refused.value.retryable) == ("insufficient_funds", True)


async def test_a_validation_refusal_is_final() -> None:
    with pytest.raises(GatewayRejectedError) as refused:
        await rail(
            error("input_validation_failed", "The RazorpayX Account number is invalid.")
        ).send_payout(REQUEST)
    assert refused.value.retryable is False
    assert "Account number is invalid" in refused.value.detail


async def test_an_unreadable_answer_to_a_payout_is_retried_under_the_same_key() -> None:
    keys: list[str] = []

    def garbage_then_ok(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["X-Payout-Idempotency"])
        if len(keys) == 1:
            return httpx.Response(200, content=b"<html>")
        return httpx.Response(200, json={"id": "pout_1", "status": "processing"})

    status = await rail(httpx.MockTransport(garbage_then_ok)).send_payout(REQUEST)
    assert status.provider_ref == "pout_1"
    assert keys == [REQUEST.idempotency_key] * 2


async def test_an_answer_that_never_comes_reaches_the_caller_as_unknown_after_retries() -> None:
    def cut(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(GatewayUnavailableError):  # a replayable request: retried, then unavailable
        await rail(httpx.MockTransport(cut)).send_payout(REQUEST)


async def test_two_payouts_for_one_reference_are_refused_loudly() -> None:
    items = [{"id": f"pout_{n}", "reference_id": "tpi1", "status": "processed"} for n in (1, 2)]
    listing = httpx.MockTransport(lambda _: httpx.Response(200, json={"items": items, "count": 2}))
    with pytest.raises(GatewayRejectedError) as refused:
        await rail(listing).find_payout(REQUEST)
    assert refused.value.code == "duplicate_reference"
