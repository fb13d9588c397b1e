"""Races on PostgreSQL: many identical events and many people tapping at once.

These need real row locks and concurrent connections, so they run only on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Coroutine
from typing import Any

import pytest

from core import jobs
from core.db.models import LedgerTransaction, MoneyIntent, Notification, Payment
from core.errors import ServiceError
from core.escrow import funds, service
from core.escrow.commands import Cancel, Confirm, PaymentFailed, PaymentReceived
from core.escrow.funds import PaymentOutcome
from core.escrow.states import State
from tests.databases import PG_URL, PostgresSchema
from tests.running import serve, settings_for
from tests.world import PAYEE, PAYER, World

pytestmark = pytest.mark.postgres_only
RACERS = 50


@pytest.fixture
def db_url(request: pytest.FixtureRequest) -> str:
    """These tests run on PostgreSQL only (the `world` fixture builds on this)."""
    if not PG_URL:
        pytest.skip("needs PostgreSQL: set TRUSTPAY_TEST_DATABASE_URL")
    schema: PostgresSchema = request.getfixturevalue("postgres")
    return schema.reset()


async def test_fifty_identical_payment_events_hold_exactly_once(world: World) -> None:
    escrow = await world.create(99_900)
    await world.join(escrow)
    event = PaymentReceived("setu", "pay_storm", escrow.payment_ref, 99_900, "a@okhdfc", "RRN1")
    results = await asyncio.gather(
        *(funds.record_payment(event, world.deps) for _ in range(RACERS))
    )
    outcomes = Counter(result.outcome for result in results)
    assert outcomes == {PaymentOutcome.HELD: 1, PaymentOutcome.DUPLICATE: RACERS - 1}
    assert await world.state(escrow) == State.HELD
    assert await world.count(Payment) == 1
    assert await world.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1
    assert await world.count(Notification, Notification.kind == "payment_held") == 2


async def test_fifty_different_payments_for_one_escrow_hold_one_and_return_the_rest(
    world: World,
) -> None:
    escrow = await world.create(10_000)
    await world.join(escrow)
    events = [
        PaymentReceived("setu", f"pay_{n}", escrow.payment_ref, 10_000) for n in range(RACERS)
    ]
    results = await asyncio.gather(*(funds.record_payment(e, world.deps) for e in events))
    outcomes = Counter(result.outcome for result in results)
    assert outcomes == {PaymentOutcome.HELD: 1, PaymentOutcome.RETURNING: RACERS - 1}
    assert world.gateway.money_out_for() == (RACERS - 1) * 10_000
    assert await world.holding(escrow) == 10_000


async def test_success_and_failure_of_one_payment_racing_never_deadlock(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = funds._claim_payment

    async def slow_claim(*args: Any) -> Any:  # widen the window the failure event lands in
        await asyncio.sleep(0.2)
        return await claim(*args)

    monkeypatch.setattr(funds, "_claim_payment", slow_claim)
    escrows = [await world.create(2_000 + n) for n in range(10)]
    for escrow in escrows:
        await world.join(escrow)
    racing = []
    for n, escrow in enumerate(escrows):
        ok = PaymentReceived("setu", f"p{n}", escrow.payment_ref, escrow.amount_paise)
        bad = PaymentFailed("setu", f"p{n}", escrow.payment_ref, escrow.amount_paise, "U30")
        racing += [
            funds.record_payment(ok, world.deps),
            funds.record_payment_failure(bad, world.deps),
        ]
    results = await asyncio.gather(*racing, return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    for escrow in escrows:
        assert await world.state(escrow) == State.HELD


async def test_racing_confirms_and_cancels_end_in_exactly_one_resolution(world: World) -> None:
    escrow = await world.deal(70_000)
    attempts = []
    for n in range(RACERS):
        if n % 3 == 0:
            attempts.append(service.confirm_release(Confirm(PAYER, escrow.code), world.deps))
        elif n % 3 == 1:
            attempts.append(service.confirm_release(Confirm(PAYEE, escrow.code), world.deps))
        else:
            attempts.append(service.cancel_escrow(Cancel(PAYEE, escrow.code), world.deps))
    results = await asyncio.gather(*attempts, return_exceptions=True)
    unexpected = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, ServiceError) for r in unexpected), unexpected
    final = await world.escrow(escrow.id)
    assert final.state in (State.RELEASED, State.REFUNDED)
    resolutions = await world.count(
        LedgerTransaction, LedgerTransaction.kind.in_(("release", "refund"))
    )
    assert resolutions == 1
    assert await world.count(MoneyIntent, MoneyIntent.kind != "collect") == 1
    assert len(world.rail.succeeded()) + len(world.gateway.succeeded()) == 1


async def test_both_parties_confirming_at_the_same_moment_still_releases(world: World) -> None:
    escrows = [await world.deal(1_000 + n) for n in range(10)]
    confirmations = [
        service.confirm_release(Confirm(actor, escrow.code), world.deps)
        for escrow in escrows
        for actor in (PAYER, PAYEE) * (RACERS // 20)
    ]
    results = await asyncio.gather(*confirmations, return_exceptions=True)
    assert all(not isinstance(r, BaseException) or isinstance(r, ServiceError) for r in results)
    for escrow in escrows:  # no write skew: each saw the other's confirmation, or waited for it
        assert await world.state(escrow) == State.RELEASED
    assert len(world.rail.succeeded()) == len(escrows)


async def test_two_processes_running_the_same_jobs_release_each_escrow_once(
    world: World, db_url: str
) -> None:
    escrows = [await world.deal(5_000 + n) for n in range(10)]
    other = await World.open(db_url)  # a second process: its own engine, same providers
    other.deps.rail, other.deps.gateway = world.rail, world.gateway
    other.clock.current = world.clock.current
    try:
        world.tick(days=4)
        other.tick(days=4)
        racing: list[Coroutine[Any, Any, object]] = [
            jobs.expire_escrows(w.deps) for w in (world, other) for _ in range(3)
        ]
        racing += [service.confirm_release(Confirm(PAYER, e.code), world.deps) for e in escrows]
        results = await asyncio.gather(*racing, return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        assert all(isinstance(f, ServiceError) for f in failures), failures
        for escrow in escrows:
            assert await world.state(escrow) == State.RELEASED
        payees = Counter(t.request.intent_id for t in world.rail.succeeded())
        assert len(payees) == len(escrows)
        assert await world.count(LedgerTransaction, LedgerTransaction.kind == "release") == 10
    finally:
        await other.close()


async def test_fifty_confirms_and_a_cancel_against_the_real_rails_move_money_once(
    db_url: str,
) -> None:
    async for app in serve(settings_for(db_url)):
        escrow = await app.escrow_awaiting_payment(60_000)
        await app.pay(escrow)
        await app.wait_state(escrow, State.HELD)
        deps = app.runtime.deps
        racing: list[Coroutine[Any, Any, object]] = [
            service.confirm_release(Confirm(PAYER if n % 2 else PAYEE, escrow.code), deps)
            for n in range(RACERS)
        ]
        racing.insert(RACERS // 2, service.cancel_escrow(Cancel(PAYEE, escrow.code), deps))
        results = await asyncio.gather(*racing, return_exceptions=True)
        assert all(not isinstance(r, BaseException) or isinstance(r, ServiceError) for r in results)
        for _ in range(50):
            await app.run_jobs()
            if (await app.load(escrow.id)).state in (State.RELEASED, State.REFUNDED):
                break
            await asyncio.sleep(0.1)
        final = (await app.load(escrow.id)).state
        assert final in (State.RELEASED, State.REFUNDED)
        assert len(app.rx.payouts()) + len(app.sim.refunds()) == 1
