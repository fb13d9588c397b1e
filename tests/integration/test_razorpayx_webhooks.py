"""POST /webhooks/razorpayx: hex HMAC over the raw body, dedupe on X-Razorpay-Event-Id."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from core.payments.signatures import sign
from tests.running import App, serve, settings_for
from trustpay.providers import SANDBOX_RAZORPAYX_WEBHOOK_SECRET

EVENT = json.dumps(
    {
        "entity": "event",
        "event": "payout.processed",
        "payload": {"payout": {"entity": {"id": "pout_X", "reference_id": "tpi999"}}},
    }
).encode()


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    async for served in serve(settings_for(db_url)):
        yield served


async def post(
    app: App, body: bytes, signature: str | None, event_id: str | None
) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["X-Razorpay-Signature"] = signature
    if event_id is not None:
        headers["X-Razorpay-Event-Id"] = event_id
    return await app.http.post(f"{app.base}/webhooks/razorpayx", content=body, headers=headers)


def signed(body: bytes = EVENT, secret: str = SANDBOX_RAZORPAYX_WEBHOOK_SECRET) -> str:
    return sign(body, secret, "hex")


@pytest.mark.parametrize(
    ("body", "signature", "event_id", "status"),
    [
        (EVENT, None, "evt_1", 401),
        (EVENT, signed(secret="not-the-webhook-secret-000"), "evt_1", 401),
        (EVENT.replace(b"tpi999", b"tpi998"), signed(), "evt_1", 401),
        (json.dumps(json.loads(EVENT), indent=2).encode(), signed(), "evt_1", 401),
        (EVENT, signed(), None, 400),
        (b"[]", signed(b"[]"), "evt_1", 400),
        (b"{" + b" " * 70_000 + b"}", signed(), "evt_1", 413),
    ],
    ids=[
        "missing",
        "wrong secret",
        "changed byte",
        "re-serialised",
        "no event id",
        "not an event",
        "huge",
    ],
)
async def test_forged_or_broken_events_write_nothing(
    app: App, body: bytes, signature: str | None, event_id: str | None, status: int
) -> None:
    before = await app.rows_everywhere()
    response = await post(app, body, signature, event_id)
    assert response.status_code == status
    assert await app.rows_everywhere() == before


async def test_an_event_is_stored_once_per_event_id(app: App) -> None:
    first = await post(app, EVENT, signed(), "evt_dup")
    again = await post(app, EVENT, signed(), "evt_dup")
    assert (first.json(), again.json()) == ({"status": "accepted"}, {"status": "duplicate"})


async def test_the_previous_secret_works_during_a_rotation(db_url: str) -> None:
    settings = settings_for(
        db_url,
        payout_provider="razorpayx",
        razorpayx_key_id="rzp_live_x",
        razorpayx_webhook_secret="newwebhooksecret0000000000",
        razorpayx_webhook_secret_previous="oldwebhooksecret0000000000",
    )
    async for app in serve(settings):
        old = await post(app, EVENT, signed(secret="oldwebhooksecret0000000000"), "evt_old")
        assert old.status_code == 200
        retired = await post(app, EVENT, signed(secret="retiredsecret0000000000000"), "evt_2")
        assert retired.status_code == 401
