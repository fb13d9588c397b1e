"""Money in: exactly one hold per escrow, and every other rupee recorded and returned."""

from __future__ import annotations

from core import jobs
from core.db.models import Alert, LedgerTransaction, Payment
from core.escrow import funds
from core.escrow.commands import PaymentFailed
from core.escrow.funds import PaymentOutcome
from core.escrow.states import State
from tests.world import PAYER, World


async def test_payment_for_the_amount_holds_the_escrow_and_tells_both(world: World) -> None:
    escrow = await world.create(150_000)
    await world.join(escrow)
    result = await world.pay(escrow)
    assert result.outcome is PaymentOutcome.HELD
    held = await world.escrow(escrow.id)
    assert held.state == State.HELD
    assert held.inspection_ends_at == world.clock.now() + world.deps.policy.inspection_period
    assert await world.holding(escrow) == 150_000
    assert {n.chat_id for n in await world.notifications("payment_held")} == {1001, 2002}


async def test_the_same_payment_reported_twice_holds_once(world: World) -> None:
    escrow = await world.create()
    await world.join(escrow)
    first = await world.pay(escrow, payment_id="pay_same")
    second = await world.pay(escrow, payment_id="pay_same")
    assert (first.outcome, second.outcome) == (PaymentOutcome.HELD, PaymentOutcome.DUPLICATE)
    assert await world.count(Payment) == 1
    assert await world.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1
    assert len(await world.notifications("payment_held")) == 2


async def test_wrong_amount_is_returned_and_the_escrow_keeps_waiting(world: World) -> None:
    escrow = await world.create(150_000)
    await world.join(escrow)
    result = await world.pay(escrow, amount=15_000)
    assert result.outcome is PaymentOutcome.RETURNING
    assert await world.state(escrow) == State.AWAITING_PAYMENT
    [refund] = world.gateway.succeeded()
    assert refund.request.amount_paise == 15_000
    async with world.deps.uow() as uow:
        payment = await uow.payments.by_gateway_id("setu", "pay_1")
        assert payment is not None
        assert payment.status == "returned"
    assert await world.count(Alert, Alert.kind == "unmatched_payment") == 1
    assert [n.chat_id for n in await world.notifications("payment_returned")] == [PAYER.telegram_id]
    assert (await world.pay(escrow)).outcome is PaymentOutcome.HELD  # the right amount still works


async def test_money_for_an_unknown_reference_is_returned_and_support_told(world: World) -> None:
    escrow = await world.create()
    result = await world.pay(escrow, reference="TPNOSUCHESCROW")
    assert result.outcome is PaymentOutcome.RETURNING
    assert result.escrow_id is None
    assert len(world.gateway.succeeded()) == 1
    [alert] = await world.notifications("support_alert")
    assert "unknown_reference" in alert.payload


async def test_a_second_payment_for_a_held_escrow_is_returned(world: World) -> None:
    escrow = await world.deal(50_000)
    result = await world.pay(escrow, payment_id="pay_again")
    assert result.outcome is PaymentOutcome.RETURNING
    assert await world.state(escrow) == State.HELD
    assert await world.holding(escrow) == 50_000
    assert world.gateway.money_out_for("pay_again") == 50_000


async def test_payment_after_cancellation_is_returned(world: World) -> None:
    escrow = await world.create()
    await world.join(escrow)
    await world.cancel(escrow, "payer")
    result = await world.pay(escrow)
    assert result.outcome is PaymentOutcome.RETURNING
    assert await world.state(escrow) == State.CANCELLED
    assert len(world.gateway.succeeded()) == 1


async def test_payment_after_the_window_closed_is_returned(world: World) -> None:
    escrow = await world.create()
    await world.join(escrow)
    world.tick(hours=25)
    await world.run_jobs()
    assert await world.state(escrow) == State.EXPIRED
    assert (await world.pay(escrow)).outcome is PaymentOutcome.RETURNING


async def test_a_failed_attempt_is_noted_once_then_success_still_counts(world: World) -> None:
    escrow = await world.create()
    await world.join(escrow)
    failed = PaymentFailed(
        "setu", "pay_x", escrow.payment_ref, escrow.amount_paise, "U30 debit failed"
    )
    assert (await funds.record_payment_failure(failed, world.deps)).outcome is PaymentOutcome.FAILED
    again = await funds.record_payment_failure(failed, world.deps)
    assert again.outcome is PaymentOutcome.DUPLICATE
    assert len(await world.notifications("payment_failed")) == 1
    assert (await world.pay(escrow, payment_id="pay_x")).outcome is PaymentOutcome.HELD


async def test_a_failure_reported_after_success_changes_nothing(world: World) -> None:
    escrow = await world.create()
    await world.join(escrow)
    await world.pay(escrow, payment_id="pay_y")
    late = PaymentFailed("setu", "pay_y", escrow.payment_ref, escrow.amount_paise, "late failure")
    assert (
        await funds.record_payment_failure(late, world.deps)
    ).outcome is PaymentOutcome.DUPLICATE
    assert await world.state(escrow) == State.HELD
    assert await world.notifications("payment_failed") == []


async def test_a_return_that_cannot_be_sent_now_is_retried_by_the_job(world: World) -> None:
    escrow = await world.create()
    world.gateway.script("unavailable")
    await world.pay(escrow, reference="TPUNKNOWN")
    assert world.gateway.succeeded() == []
    [intent] = await world.intents()
    assert intent.status == "unknown"
    world.tick(hours=1)
    assert await jobs.retry_transfers(world.deps) == 1
    assert len(world.gateway.succeeded()) == 1
    assert [i.status for i in await world.intents()] == ["succeeded"]
