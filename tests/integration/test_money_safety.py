"""The reproductions of the money-safety review (issue 11), in the running app: the real Setu and
RazorpayX clients against their simulators over HTTP. Each was a way to pay twice or to leave
our books quietly different from the providers' records.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core import crashpoints, jobs, provider_reconciliation
from core.db.models import Alert, LedgerTransaction, MoneyIntent, PaymentLog
from core.escrow import disputes, payee_upi, service
from core.escrow.commands import Cancel, Confirm, OpenDispute, Outcome, Resolve
from core.escrow.money_states import IntentStatus
from core.escrow.ports import TransferRequest
from core.escrow.states import State
from core.payments.signatures import sign
from core.reconciliation import Period
from tests.running import App, serve, settings_for
from tests.world import ADMIN, PAYEE, PAYER
from trustpay import operator
from trustpay.providers import SANDBOX_RAZORPAYX_WEBHOOK_SECRET, SANDBOX_SETU_WEBHOOK_SECRET

LEASE = timedelta(seconds=0.4)  # the lease the review shrank to reproduce the double refund


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    settings = settings_for(
        db_url, intent_lease=LEASE, provider_call_timeout=LEASE / 4, resend_after=LEASE * 3
    )
    async for served in serve(settings):
        yield served


async def held(app: App, amount: int, upi_id: str = "bilal.k@okaxis") -> Any:
    escrow = await app.escrow_awaiting_payment(amount, upi_id=upi_id)
    await app.pay(escrow)
    await app.wait_state(escrow, State.HELD)
    return escrow


async def settle(app: App, escrow: Any, state: State, within: float = 30) -> None:
    """Run the jobs (as a live process would) until the escrow reaches `state`."""
    for _ in range(int(within / 0.1)):
        await app.run_jobs()
        if (await app.load(escrow.id)).state == state:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{escrow.code} is {(await app.load(escrow.id)).state}, not {state}")


async def intents(app: App, escrow: Any, kind: str) -> list[MoneyIntent]:
    async with app.runtime.deps.uow() as uow:
        query = select(MoneyIntent).where(
            MoneyIntent.escrow_id == escrow.id, MoneyIntent.kind == kind
        )
        return list((await uow.session.execute(query.order_by(MoneyIntent.id))).scalars())


def refunds_of(app: App, escrow: Any) -> list[int]:
    return [r["amount"] for r in app.sim.refunds() if r["paymentId"] == escrow.setu_payment_id]


async def split(app: App, escrow: Any, payee_share: int) -> None:
    deps = app.runtime.deps
    await disputes.open_dispute(OpenDispute(PAYER, escrow.code, "Only half arrived"), deps)
    await disputes.resolve_dispute(Resolve(ADMIN, escrow.code, Outcome.SPLIT, payee_share), deps)


async def test_a_refund_call_slower_than_the_lease_refunds_once(app: App) -> None:
    """A refund request that takes 1 s to reach Setu (429 with Retry-After, retries, a login),
    longer than the 0.4 s lease, while another process's retry job runs: the ₹4 leg of a split
    was refunded twice (4 runs of 4)."""
    for _ in range(4):
        escrow = await held(app, 1_000)
        faults = app.sim.faults
        faults.slow_next, faults.slow_seconds, faults.only_method = 1, 1.0, "POST"
        faults.only_path_contains = "/refunds"
        other_process = asyncio.create_task(_retry_job_every(app, 0.1, times=40))
        await split(app, await app.load(escrow.id), 600)
        await other_process
        await settle(app, escrow, State.SPLIT)
        fresh = await app.load(escrow.id)
        assert refunds_of(app, fresh) == [400]
        app.sim.faults.reset()


async def _retry_job_every(app: App, seconds: float, times: int) -> None:
    for _ in range(times):
        await asyncio.sleep(seconds)
        await jobs.retry_transfers(app.runtime.deps)


async def test_a_signed_webhook_naming_a_foreign_payout_sends_no_second_payout(app: App) -> None:
    escrow = await held(app, 250_000, upi_id="bilal.k@slow")  # the bank takes its time
    for actor in (PAYER, PAYEE):
        await service.confirm_release(Confirm(actor, escrow.code), app.runtime.deps)
    [ours] = await intents(app, escrow, "payout")
    assert ours.status == IntentStatus.SUBMITTED
    foreign = await _someone_elses_failed_payout(app, 500_000)
    entity = foreign | {"reference_id": f"tpi{ours.id}"}  # a real, signed event, another payout
    response = await _razorpayx_webhook(app, "payout.failed", entity)
    assert response.status_code == 200
    for _ in range(5):
        await app.run_jobs()
        await asyncio.sleep(0.05)
    [after] = await intents(app, escrow, "payout")
    assert (after.status, after.provider_ref) == (IntentStatus.SUBMITTED, ours.provider_ref)
    assert (await app.load(escrow.id)).state == State.RELEASING
    mine = [p for p in app.rx.payouts() if p["reference_id"] == f"tpi{ours.id}"]
    assert len(mine) == 1
    assert await app.count(Alert, Alert.kind == "foreign_transfer") == 1
    assert await app.count(PaymentLog, PaymentLog.event_type == "transfer.foreign_answer") >= 1


async def _someone_elses_failed_payout(app: App, amount: int) -> dict[str, Any]:
    rail = app.runtime.payouts.rail
    request = TransferRequest(0, "someone-else-01", "someone-else", amount, "mallory@fail", "x")
    created = await rail.send_payout(request)
    for _ in range(200):
        [entity] = [p for p in app.rx.payouts() if p["id"] == created.provider_ref]
        if entity["status"] in ("failed", "reversed"):
            return entity
        await asyncio.sleep(0.02)
    raise AssertionError("the foreign payout never failed")


async def _razorpayx_webhook(app: App, event: str, entity: dict[str, Any]) -> Any:
    body = json.dumps(
        {
            "entity": "event",
            "event": event,
            "contains": ["payout"],
            "payload": {"payout": {"entity": entity}},
            "created_at": 1_700_000_000,
        }
    ).encode()
    headers = {
        "content-type": "application/json",
        "X-Razorpay-Signature": sign(body, SANDBOX_RAZORPAYX_WEBHOOK_SECRET, "hex"),
        "X-Razorpay-Event-Id": f"evt_{uuid.uuid4().hex[:14]}",
    }
    return await app.http.post(f"{app.base}/webhooks/razorpayx", content=body, headers=headers)


async def test_a_webhook_with_a_malformed_payout_id_never_reaches_a_url(app: App) -> None:
    escrow = await held(app, 100_000, upi_id="bilal.k@slow")
    for actor in (PAYER, PAYEE):
        await service.confirm_release(Confirm(actor, escrow.code), app.runtime.deps)
    [ours] = await intents(app, escrow, "payout")
    entity = {"id": "../../v1/payouts/x?", "reference_id": f"tpi{ours.id}", "status": "failed"}
    assert (await _razorpayx_webhook(app, "payout.failed", entity)).status_code == 200
    for _ in range(3):
        await app.run_jobs()
    [after] = await intents(app, escrow, "payout")
    assert after.status == IntentStatus.SUBMITTED  # it read its own payout: still processing


async def test_a_setu_refund_webhook_naming_another_refund_changes_nothing(app: App) -> None:
    app.sim.config.refund_settle_seconds = None  # our refund stays pending at Setu
    other = await held(app, 50_000)
    escrow = await held(app, 80_000)
    for cancelled in (other, escrow):
        await service.cancel_escrow(Cancel(PAYEE, cancelled.code), app.runtime.deps)
    [ours] = await intents(app, escrow, "refund")
    [theirs] = await intents(app, other, "refund")
    assert ours.provider_ref
    assert theirs.provider_ref
    event = {
        "eventId": str(uuid.uuid4()),
        "eventType": "refund.successful",
        "id": theirs.provider_ref,  # someone else's refund...
        "referenceId": f"tpi{ours.id}",  # ...pointed at ours
        "status": "success",
        "txnId": "999999999999",
    }
    body = json.dumps(event).encode()
    signature = sign(body, SANDBOX_SETU_WEBHOOK_SECRET, "base64")
    response = await app.http.post(
        f"{app.base}/webhooks/setu", content=body, headers={"x-setu-signature": signature}
    )
    assert response.status_code == 200
    for _ in range(3):
        await app.run_jobs()
    [after] = await intents(app, escrow, "refund")
    assert after.status == IntentStatus.SUBMITTED
    assert after.utr is None
    assert await app.count(Alert, Alert.kind == "foreign_transfer") == 1


@pytest.mark.parametrize("style", ["spec", "docs"])
async def test_a_refund_whose_answer_was_lost_is_found_under_either_reference_name(
    app: App, style: str
) -> None:
    """Setu's spec says `referenceId`, its docs `merchantReferenceId`: after a timeout the
    lookup must find our refund either way, or it would be sent a second time."""
    app.sim.faults.refund_reference_style = style  # type: ignore[assignment]
    escrow = await held(app, 80_000)
    app.sim.faults.timeout_next, app.sim.faults.only_path_contains = 1, "/refunds"
    app.sim.faults.timeout_seconds = 5.0  # Setu refunds; the answer never comes in time
    await service.cancel_escrow(Cancel(PAYEE, escrow.code), app.runtime.deps)
    await settle(app, escrow, State.REFUNDED)
    assert refunds_of(app, await app.load(escrow.id)) == [80_000]

    async def told_the_bank_reference() -> bool:  # the refund.successful webhook's txnId
        return (await intents(app, escrow, "refund"))[0].utr is not None

    await app.until(told_the_bank_reference, within=10)
    [refund] = await intents(app, escrow, "refund")
    [at_setu] = app.sim.refunds()
    assert refund.utr is not None
    assert refund.utr.startswith("SET")  # NPCI's txnId from the webhook...
    assert refund.utr != at_setu["crn"]  # ...not Setu's own CRN


async def test_a_crash_after_setu_made_the_qr_sends_one_collect_request(app: App) -> None:
    deps = app.runtime.deps
    app.sim.config.vpa_verify_seconds = None  # the payee's UPI id check waits for us
    escrow = await service.create_escrow(_create(upi_id="asha.r@okhdfc"), deps)
    escrow = await service.join_escrow(_join(escrow.code), deps)  # the payer gave a UPI id
    fresh = await app.load(escrow.id)
    assert fresh.payee_vpa_check_id
    app.sim.faults.drop_webhooks = True  # delivered by hand below, so the crash is ours
    await _decide_vpa_check(app, fresh.payee_vpa_check_id, "valid")
    crashpoints.ARMED.add("payment.requested")
    try:
        with pytest.raises(crashpoints.SimulatedCrash):  # Setu made the QR and the request
            await payee_upi.on_check_event(fresh.payee_vpa_check_id, deps)
    finally:
        crashpoints.ARMED.clear()
    await _until_asked_to_pay(app, escrow.id)
    collects = [i for i in app.sim.instances() if i.get("customerVpa") == "asha.r@okhdfc"]
    assert len(collects) == 1  # never a second request on the payer's phone
    requested = await app.count(PaymentLog, PaymentLog.event_type == "payment.requested")
    assert requested == 1


async def _decide_vpa_check(app: App, check_id: str, status: str) -> None:
    token = await app.runtime.setu.gateway.transport.token()
    response = await app.http.post(
        f"{app.base}/sandbox/setu/api/v1/merchants/customer-vpas/mock/verify",
        json={"id": check_id, "status": status},
        headers={"Authorization": f"Bearer {token}", "merchantId": app.sim.config.merchant_id},
    )
    assert response.status_code == 200, response.text


def _create(upi_id: str) -> Any:
    from core.escrow.commands import CreateEscrow, Role

    return CreateEscrow(PAYER, Role.PAYER, 120_000, "Camera lens", upi_id)


def _join(code: str) -> Any:
    from core.escrow.commands import JoinEscrow

    return JoinEscrow(PAYEE, code, "bilal.k@okaxis")


async def _until_asked_to_pay(app: App, escrow_id: int) -> None:
    for _ in range(300):
        await app.run_jobs()
        if (await app.load(escrow_id)).setu_qr_id:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the payer was never asked to pay")


async def test_razorpayx_fees_are_booked_and_come_back_with_a_reversal(app: App) -> None:
    escrow = await held(app, 150_000)
    for actor in (PAYER, PAYEE):
        await service.confirm_release(Confirm(actor, escrow.code), app.runtime.deps)
    await settle(app, escrow, State.RELEASED)
    [payout] = [p for p in app.rx.payouts() if p["status"] == "processed"]
    assert payout["fees"] == 500  # the simulator's fee, tax (90) included
    fee = LedgerTransaction.kind == "provider_fee"
    assert await app.count(LedgerTransaction, fee) == 1
    await app.rx.settle(str(payout["id"]), "reversed", "beneficiary_bank_rejected")

    async def fee_returned() -> bool:
        await app.run_jobs()
        return await app.count(LedgerTransaction, LedgerTransaction.kind == "fee_returned") == 1

    await app.until(fee_returned, within=10)


async def test_reconcile_reports_a_double_refund_and_a_double_payout(app: App) -> None:
    released = await held(app, 250_000)
    for actor in (PAYER, PAYEE):
        await service.confirm_release(Confirm(actor, released.code), app.runtime.deps)
    await settle(app, released, State.RELEASED)
    refunded = await held(app, 1_000)
    await split(app, refunded, 600)  # ₹6 to the payee, ₹4 back to the payer
    await settle(app, refunded, State.SPLIT)
    today = app.runtime.deps.clock.now().date()
    period = Period(today, today)
    port = int(app.base.rpartition(":")[2])  # the command's runtime talks to this app's sandboxes
    settings = app.runtime.settings.model_copy(update={"host": "127.0.0.1", "port": port})
    _, clean = await operator.reconcile(settings, period)
    assert clean.mismatches == []
    assert clean.unreachable == []
    # the providers pay twice, as the bugs did: a second ₹2,475 payout, a second refund
    [payout] = await intents(app, released, "payout")
    [refund] = await intents(app, refunded, "refund")
    again = TransferRequest(
        0, "tp-again-1", f"tpi{payout.id}", payout.amount_paise, payout.destination or "", "again"
    )
    await app.runtime.payouts.rail.send_payout(again)
    refund_again = TransferRequest(
        0, "x", f"tpi{refund.id}", refund.amount_paise, refund.destination or "", "again"
    )
    await app.runtime.setu.gateway.refund(refund_again)
    _, found = await operator.reconcile(settings, period)
    kinds = sorted(m.kind for m in found.mismatches)
    assert kinds == ["duplicate_payout", "duplicate_refund"]
    assert await app.count(Alert, Alert.kind == "reconciliation_mismatch") == 2
    await operator.reconcile(settings, period)  # alerted once, not on every run
    assert await app.count(Alert, Alert.kind == "reconciliation_mismatch") == 2
    assert (await provider_reconciliation.compare(app.runtime.deps, period)).mismatches
