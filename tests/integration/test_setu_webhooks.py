"""The whole Setu path in one running app: join -> QR at the simulator -> mock-pay -> signed
webhook -> inbox -> status API -> HELD, exactly once; through duplicated, reordered and dropped
webhooks; and the receiver's answer to every kind of forged or broken request.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from core import jobs
from core.db.models import Escrow, InboxEvent, LedgerTransaction
from core.escrow import service
from core.escrow.states import State
from core.payments.signatures import sign
from tests.running import App, serve, settings_for
from tests.world import PAYEE
from trustpay.providers import SANDBOX_SETU_WEBHOOK_SECRET

PAYMENT_EVENT = InboxEvent.event_type.like("payment.%")  # not the UPI id check's


LEASE = timedelta(seconds=1)


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    settings = settings_for(db_url, intent_lease=LEASE, provider_call_timeout=LEASE / 3)
    async for served in serve(settings):
        yield served


async def _held_once(app: App, escrow: Escrow) -> None:
    async def held() -> bool:
        return (await app.load(escrow.id)).state == State.HELD

    await app.until(held)
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1


# --- paid through the simulator, held exactly once -----------------------------------------------


async def test_joining_creates_a_qr_at_setu_and_tells_the_payer(app: App) -> None:
    escrow = await app.escrow_awaiting_payment(150_000)
    fresh = await app.load(escrow.id)
    assert fresh.setu_qr_id is not None
    assert fresh.intent_link is not None
    assert fresh.intent_link.startswith("upi://pay?")
    assert "am=1500.00" in fresh.intent_link
    [instance] = app.sim.instances()
    assert (instance["amount"], instance["referenceId"]) == (150_000, fresh.payment_ref)


async def test_mock_pay_holds_the_escrow_once_through_the_webhook(app: App) -> None:
    escrow = await app.escrow_awaiting_payment()
    await app.pay(escrow)
    await _held_once(app, escrow)

    async def both_events_handled() -> bool:
        return await app.count(InboxEvent, PAYMENT_EVENT, InboxEvent.handled_at.is_not(None)) == 2

    await app.until(both_events_handled)  # payment.initiated and payment.success


@pytest.mark.parametrize("fault", ["duplicate_webhooks", "reorder_webhooks"])
async def test_duplicated_or_reordered_webhooks_still_hold_once(app: App, fault: str) -> None:
    setattr(app.sim.faults, fault, True)
    escrow = await app.escrow_awaiting_payment()
    await app.pay(escrow)
    await _held_once(app, escrow)
    await asyncio.sleep(0.3)  # let every copy arrive
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1
    assert await app.count(InboxEvent, PAYMENT_EVENT) == 2


async def test_a_dropped_webhook_is_healed_by_the_polling_job(app: App) -> None:
    escrow = await app.escrow_awaiting_payment()
    app.sim.faults.drop_webhooks = True
    await app.pay(escrow)
    await asyncio.sleep(0.2)
    assert (await app.load(escrow.id)).state == State.AWAITING_PAYMENT
    assert await jobs.poll_payments(app.runtime.deps) == 1
    await _held_once(app, escrow)
    await jobs.poll_payments(app.runtime.deps)  # polling again changes nothing
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1


async def test_a_late_webhook_after_polling_changes_nothing(app: App) -> None:
    app.sim.faults.webhook_delay_seconds = 0.5
    escrow = await app.escrow_awaiting_payment()
    await app.pay(escrow)
    await jobs.poll_payments(app.runtime.deps)
    await _held_once(app, escrow)

    async def webhooks_in() -> bool:
        return await app.count(InboxEvent, PAYMENT_EVENT, InboxEvent.handled_at.is_not(None)) == 2

    await app.until(webhooks_in)
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1


async def test_when_setu_is_down_the_escrow_waits_and_the_job_asks_again(app: App) -> None:
    app.sim.faults.fail_next, app.sim.faults.only_path_contains = 1, "/dqr"
    escrow = await app.escrow_awaiting_payment(asked_to_pay=False)

    async def qr_refused() -> bool:  # after the payee's UPI id checked out
        return bool((await app.load(escrow.id)).last_payment_error)

    await app.until(qr_refused, within=20)
    waiting = await app.load(escrow.id)
    assert waiting.state == State.AWAITING_PAYMENT
    assert waiting.setu_qr_id is None
    assert waiting.last_payment_error
    await asyncio.sleep(LEASE.total_seconds())  # the 500 may have made a QR: wait it out
    await jobs.retry_transfers(app.runtime.deps)
    ready = await app.load(escrow.id)
    assert ready.setu_qr_id is not None
    assert ready.last_payment_error is None


async def test_a_held_escrow_cancelled_by_the_payee_is_refunded_through_setu(app: App) -> None:
    escrow = await app.escrow_awaiting_payment(80_000)
    await app.pay(escrow)
    await _held_once(app, escrow)
    from core.escrow.commands import Cancel

    await service.cancel_escrow(Cancel(PAYEE, escrow.code, "Out of stock"), app.runtime.deps)

    async def refunded() -> bool:
        return (await app.load(escrow.id)).state == State.REFUNDED

    await app.until(refunded)  # refund.pending, then refund.successful, via the inbox
    assert [r["amount"] for r in app.sim.refunds()] == [80_000]


async def test_an_unknown_event_type_is_stored_and_acknowledged(app: App) -> None:
    body = json.dumps({"eventId": "evt-x", "eventType": "mandate_operation.success"}).encode()
    response = await _post(app, body, sign(body, SANDBOX_SETU_WEBHOOK_SECRET, "base64"))
    assert response.json() == {"status": "accepted"}
    await app.until(lambda: _handled(app, "evt-x"))


async def _handled(app: App, event_id: str) -> bool:
    return (
        await app.count(
            InboxEvent, InboxEvent.event_id == event_id, InboxEvent.handled_at.is_not(None)
        )
        == 1
    )


# --- forged and broken requests ------------------------------------------------------------------


async def _post(app: App, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-setu-signature"] = signature
    return await app.http.post(f"{app.base}/webhooks/setu", content=body, headers=headers)


GOOD = json.dumps({"eventId": "evt-1", "eventType": "payment.success", "id": "01PAY"}).encode()


def _forgeries() -> dict[str, tuple[bytes, str | None, int]]:
    signed = sign(GOOD, SANDBOX_SETU_WEBHOOK_SECRET, "base64")
    reserialised = json.dumps(json.loads(GOOD), indent=1).encode()
    return {
        "missing header": (GOOD, None, 401),
        "wrong secret": (GOOD, sign(GOOD, "anothersecretofthirtychars0000", "base64"), 401),
        "one changed byte": (GOOD.replace(b"evt-1", b"evt-2"), signed, 401),
        "re-serialised json": (reserialised, signed, 401),
        "empty body, unsigned": (b"", None, 401),
        "huge body": (b"{" + b" " * 70_000 + b"}", signed, 413),
        "signed but not json": (
            b"not json",
            sign(b"not json", SANDBOX_SETU_WEBHOOK_SECRET, "base64"),
            400,
        ),
        "signed empty body": (b"", sign(b"", SANDBOX_SETU_WEBHOOK_SECRET, "base64"), 400),
    }


@pytest.mark.parametrize("case", list(_forgeries()))
async def test_a_forged_or_broken_webhook_writes_nothing(app: App, case: str) -> None:
    body, signature, status = _forgeries()[case]
    before = await app.rows_everywhere()
    metrics_before = (await app.http.get(f"{app.base}/metrics")).text
    response = await _post(app, body, signature)
    assert response.status_code == status
    assert await app.rows_everywhere() == before
    metrics_after = (await app.http.get(f"{app.base}/metrics")).text
    assert metrics_after != metrics_before  # only the rejected-attempt count moved


async def test_the_previous_secret_still_works_during_a_rotation(db_url: str) -> None:
    settings = settings_for(
        db_url,
        setu_client_id="live-client",
        setu_webhook_secret="newsecret00000000000000000",
        setu_webhook_secret_previous="oldsecret00000000000000000",
    )
    async for app in serve(settings):
        for secret, status in (
            ("oldsecret00000000000000000", 200),
            ("newsecret00000000000000000", 200),
            ("retiredsecret0000000000000", 401),
        ):
            body = json.dumps({"eventId": f"evt-{secret}", "eventType": "ping"}).encode()
            assert (await _post(app, body, sign(body, secret, "base64"))).status_code == status
        duplicate = json.dumps({"eventId": "evt-oldsecret00000000000000000", "eventType": "ping"})
        again = await _post(
            app,
            duplicate.encode(),
            sign(duplicate.encode(), "oldsecret00000000000000000", "base64"),
        )
        assert again.json() == {"status": "duplicate"}


async def test_without_a_secret_the_endpoint_is_off(db_url: str) -> None:
    async for app in serve(settings_for(db_url, setu_client_id="live-client")):
        response = await _post(app, GOOD, sign(GOOD, "", "base64"))
        assert response.status_code == 404
