"""Money out end to end in the running app: the real RazorpayX and Setu clients against their
simulators over HTTP, webhooks included. Every escrow must end with exactly one payout (or one
refund) at the provider, whatever goes wrong on the way; the books must balance after each.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from core import crashpoints
from core.db.models import Alert, Escrow, InboxEvent, LedgerTransaction, MoneyIntent
from core.errors import ConflictError
from core.escrow import payee_upi, service, support
from core.escrow.commands import Cancel, Confirm
from core.escrow.queries import escrow_snapshot
from core.escrow.states import State
from tests.running import App, serve, settings_for
from tests.world import PAYEE, PAYEE_VPA, PAYER

LEASE = timedelta(seconds=2)  # short, so a "dead" process's calls are taken over quickly


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    settings = settings_for(
        db_url,
        fee_bps=100,
        intent_lease=LEASE,
        provider_call_timeout=LEASE / 3,
        resend_after=LEASE,
        razorpayx_timeout_seconds=0.5,
    )
    async for served in serve(settings):
        yield served


async def held(app: App, amount: int = 150_000, upi_id: str = PAYEE_VPA) -> Escrow:
    escrow = await app.escrow_awaiting_payment(amount, upi_id=upi_id)
    await app.pay(escrow)
    await app.wait_state(escrow, State.HELD)
    return escrow


async def confirm_both(app: App, escrow: Escrow) -> None:
    for actor in (PAYER, PAYEE):
        await service.confirm_release(Confirm(actor, escrow.code), app.runtime.deps)


async def intents(app: App, escrow: Escrow, kind: str) -> list[MoneyIntent]:
    async with app.runtime.deps.uow() as uow:
        query = select(MoneyIntent).where(
            MoneyIntent.escrow_id == escrow.id, MoneyIntent.kind == kind
        )
        return list((await uow.session.execute(query)).scalars())


async def payouts_at_razorpayx(app: App, escrow: Escrow) -> list[dict[str, Any]]:
    references = {f"tpi{i.id}" for i in await intents(app, escrow, "payout")}
    return [p for p in app.rx.payouts() if p["reference_id"] in references]


async def recover(app: App, escrow: Escrow, state: State) -> None:
    """What a restarted process does: run the jobs until the escrow settles (bounded)."""
    for _ in range(150):  # past the lease of the "dead" process and the wait before a resend
        await asyncio.sleep(0.2)
        await app.run_jobs()
        if (await app.load(escrow.id)).state == state:
            return
    raise AssertionError(f"{escrow.code} never reached {state}")


# --- releases ------------------------------------------------------------------------------------


async def test_both_confirm_and_the_payee_is_paid_once_less_our_fee(app: App) -> None:
    escrow = await held(app, 150_000)
    await confirm_both(app, escrow)
    await app.wait_state(escrow, State.RELEASED)
    [payout] = await payouts_at_razorpayx(app, escrow)
    assert payout["amount"] == 150_000 - 1_500
    assert payout["status"] == "processed"
    assert payout["fund_account"]["vpa"]["address"] == PAYEE_VPA
    assert await app.count(LedgerTransaction, LedgerTransaction.kind.in_(("release", "fee"))) == 2
    assert await app.count(InboxEvent, InboxEvent.provider == "razorpayx") >= 2


@pytest.mark.parametrize(
    "fault",
    [
        {"fail_next": 2},
        {"fail_after_accept_next": 1},
        {"rate_limit_next": 1},
        {"timeout_next": 1, "timeout_seconds": 2.0},
        {"duplicate_webhooks": True},
        {"reorder_webhooks": True},
        {"drop_webhooks": True},
    ],
    ids=lambda fault: ",".join(fault),
)
async def test_one_payout_through_5xx_timeouts_and_bad_webhooks(
    app: App, fault: dict[str, Any]
) -> None:
    escrow = await held(app)
    for name, value in fault.items():
        setattr(app.rx.faults, name, value)
    app.rx.faults.only_path_contains = "/v1/payouts" if "fail_next" in fault else ""
    await confirm_both(app, escrow)
    await recover(app, escrow, State.RELEASED)
    assert len(await payouts_at_razorpayx(app, escrow)) == 1
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "release") == 1


async def test_a_cancelled_held_escrow_is_refunded_once_through_setu(app: App) -> None:
    escrow = await held(app, 80_000)
    await service.cancel_escrow(Cancel(PAYEE, escrow.code, "Sold out"), app.runtime.deps)
    await recover(app, escrow, State.REFUNDED)
    assert [r["amount"] for r in app.sim.refunds()] == [80_000]
    assert app.rx.payouts() == []


async def test_a_upi_id_the_bank_refuses_strands_no_money_the_payee_gives_a_new_one(
    app: App,
) -> None:
    escrow = await held(app, 250_000)
    app.rx.faults.invalid_vpa = True  # the bank: "UPI validation failed" for this id
    await confirm_both(app, escrow)
    await app.wait_state(escrow, State.PAYOUT_FAILED, within=10)
    assert await app.count(Alert, Alert.kind == "payout_refused") == 1
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "release") == 0
    with pytest.raises(ConflictError):  # /retry would pay the same refused id again
        await support.retry_escrow(None, escrow.code, app.runtime.deps)
    app.rx.faults.invalid_vpa = False
    change = payee_upi.ChangePayeeUpi(PAYEE, escrow.code, "bilal.k2@okicici")
    await payee_upi.change_payee_upi(change, app.runtime.deps)
    await recover(app, escrow, State.RELEASED)
    payouts = await payouts_at_razorpayx(app, escrow)
    assert [(p["fund_account"]["vpa"]["address"], p["status"]) for p in payouts] == [
        (PAYEE_VPA, "reversed"),
        ("bilal.k2@okicici", "processed"),
    ]
    assert sum(p["amount"] for p in payouts if p["status"] == "processed") == 250_000 - 2_500
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "release") == 1


async def test_a_reversal_after_processed_is_flagged_and_repaid_to_a_new_upi_id(app: App) -> None:
    escrow = await held(app)
    await confirm_both(app, escrow)
    await app.wait_state(escrow, State.RELEASED)
    [payout] = await payouts_at_razorpayx(app, escrow)
    await app.rx.settle(str(payout["id"]), "reversed", "beneficiary_bank_rejected")  # days later

    async def reversed_() -> bool:
        return await app.count(LedgerTransaction, LedgerTransaction.kind == "reversed") == 1

    await app.until(reversed_)
    assert await app.count(Alert, Alert.kind == "payout_reversed") == 1
    command = support.RepayReversedPayout(actor=None, code=escrow.code, upi_id="bilal.new@okicici")
    await support.repay_reversed_payout(command, app.runtime.deps)

    async def repaid() -> bool:
        return await app.count(LedgerTransaction, LedgerTransaction.kind == "repaid") == 1

    await app.until(repaid)
    addresses = [p["fund_account"]["vpa"]["address"] for p in app.rx.payouts()]
    assert addresses == [PAYEE_VPA, "bilal.new@okicici"]
    async with app.runtime.deps.uow() as uow:  # support sees both, UPI ids masked
        snapshot = await escrow_snapshot(uow, escrow.code)
    assert snapshot is not None
    assert [(p["kind"], p["destination"]) for p in snapshot["payouts"]] == [
        ("payout", "bi***@okaxis"),
        ("repayout", "bi***@okicici"),
    ]


async def test_a_short_balance_queues_the_payout_until_money_arrives(app: App) -> None:
    await app.rx.set_balance(0)
    escrow = await held(app)
    await confirm_both(app, escrow)
    await asyncio.sleep(0.3)
    assert (await app.load(escrow.id)).state == State.RELEASING
    await app.rx.top_up(10_000_000)
    await recover(app, escrow, State.RELEASED)
    assert len(await payouts_at_razorpayx(app, escrow)) == 1


# --- crashes between the steps -------------------------------------------------------------------


@pytest.mark.parametrize(
    "label", ["release.committed", "transfer.leased", "transfer.answered", "transfer.applied"]
)
async def test_a_crash_anywhere_in_a_release_still_pays_exactly_once(app: App, label: str) -> None:
    escrow = await held(app)
    app.rx.faults.drop_webhooks = True  # recovery may only rely on asking RazorpayX
    crashpoints.ARMED.add(label)
    try:
        with pytest.raises(crashpoints.SimulatedCrash):
            await confirm_both(app, escrow)
    finally:
        crashpoints.ARMED.clear()
    await recover(app, escrow, State.RELEASED)
    assert len(await payouts_at_razorpayx(app, escrow)) == 1


@pytest.mark.parametrize(
    "label", ["refund.committed", "transfer.leased", "transfer.answered", "transfer.applied"]
)
async def test_a_crash_anywhere_in_a_refund_still_refunds_exactly_once(
    app: App, label: str
) -> None:
    escrow = await held(app, 80_000)
    app.sim.faults.drop_webhooks = True  # recovery may only rely on asking Setu
    crashpoints.ARMED.add(label)
    try:
        with pytest.raises(crashpoints.SimulatedCrash):
            await service.cancel_escrow(Cancel(PAYEE, escrow.code), app.runtime.deps)
    finally:
        crashpoints.ARMED.clear()
    await recover(app, escrow, State.REFUNDED)
    assert [r["amount"] for r in app.sim.refunds()] == [80_000]  # Setu would refund twice if asked


# --- the manual rail -----------------------------------------------------------------------------


async def test_a_manual_payout_waits_for_supports_utr_then_completes(db_url: str) -> None:
    async for app in serve(settings_for(db_url, payout_provider="manual")):
        escrow = await held(app)
        await confirm_both(app, escrow)
        async with app.runtime.deps.uow() as uow:
            [alert] = await uow.alerts.open()
        assert alert.kind == "manual_payout_needed"
        assert PAYEE_VPA in alert.detail  # support must know where to send the money
        await asyncio.sleep(0.1)
        await app.run_jobs()
        assert (await app.load(escrow.id)).state == State.RELEASING
        record = support.RecordManualPayout(actor=None, code=escrow.code, utr="UTR123456789")
        await support.record_manual_payout(record, app.runtime.deps)
        released = await app.load(escrow.id)
        assert released.state == State.RELEASED
        [intent] = await intents(app, escrow, "payout")
        assert intent.utr == "UTR123456789"
