"""Regressions from the money-safety review: each would have lost or doubled money."""

from __future__ import annotations

from sqlalchemy import select

from core import jobs
from core.db.models import Alert, LedgerTransaction, PaymentLog
from core.escrow import outbound
from core.escrow.ports import TransferState, TransferStatus
from core.escrow.states import State
from tests.fakes import FakeRail
from tests.world import World


async def test_a_refund_whose_answer_was_lost_in_a_crash_is_asked_about_not_resent(
    world: World,
) -> None:
    escrow = await world.deal(80_000)
    world.gateway.script("crash_after_accept")  # Setu refunded; we blew up reading the answer
    await world.cancel(escrow, "payee")
    assert await world.state(escrow) == State.REFUNDING
    for _ in range(5):
        world.tick(minutes=2)
        await jobs.retry_transfers(world.deps)
    assert len(world.gateway.transfers) == 1  # Setu has no idempotency: one call, one refund
    assert await world.state(escrow) == State.REFUNDED


async def test_a_payout_reversed_after_it_was_processed_goes_to_suspense_and_support(
    world: World,
) -> None:
    escrow = await world.deal()
    await world.confirm_both(escrow)
    [intent] = await world.intents(escrow)
    reversal = TransferStatus(TransferState.FAILED, intent.provider_ref, reason="reversed")
    await outbound.apply_status(intent.id, reversal, world.deps)
    await outbound.apply_status(intent.id, reversal, world.deps)  # the webhook, again
    assert await world.count(Alert, Alert.kind == "payout_reversed") == 1
    assert await world.count(PaymentLog, PaymentLog.event_type == "payout.reversed") == 1
    assert await world.count(LedgerTransaction, LedgerTransaction.kind == "reversed") == 1
    assert await world.state(escrow) == State.RELEASED  # settled; the money waits in suspense
    [reversed_intent] = await world.intents(escrow)
    assert reversed_intent.status == "reversed"


async def test_a_payout_stuck_processing_is_reported_once(world: World) -> None:
    escrow = await world.deal()
    world.rail.default = "processing"
    await world.confirm_both(escrow)
    for _ in range(48):
        world.tick(hours=1)
        await jobs.retry_transfers(world.deps)
    assert await world.count(Alert, Alert.kind == "transfer_stuck") == 1
    assert await world.state(escrow) == State.RELEASING


async def test_money_is_never_sent_through_a_provider_the_intent_was_not_made_for(
    world: World,
) -> None:
    escrow = await world.deal()
    world.rail.script("timeout_after_accept")
    await world.confirm_both(escrow)
    first_rail = world.rail
    world.deps.rail = replacement = FakeRail()
    replacement.name = "otherrail"  # PAYOUT_PROVIDER changed between two retries
    world.tick(hours=1)
    await jobs.retry_transfers(world.deps)
    assert replacement.calls == []
    assert await world.state(escrow) == State.RELEASING
    world.deps.rail = first_rail  # the original provider is back: it is asked, not paid again
    world.tick(hours=2)
    await jobs.retry_transfers(world.deps)
    assert await world.state(escrow) == State.RELEASED
    assert len(first_rail.transfers) == 1


async def test_a_refused_status_lookup_is_not_taken_for_a_failed_payout(world: World) -> None:
    escrow = await world.deal()
    world.rail.script("timeout_after_accept")
    await world.confirm_both(escrow)
    world.rail.reject_finds = 1
    world.tick(hours=1)
    await jobs.retry_transfers(world.deps)
    [intent] = await world.intents(escrow)
    assert intent.status == "unknown"
    assert await world.count(Alert, Alert.kind == "payout_failed") == 0
    world.tick(hours=2)
    await jobs.retry_transfers(world.deps)
    assert await world.state(escrow) == State.RELEASED
    assert len(world.rail.transfers) == 1


async def test_a_failing_return_of_stray_money_leaves_the_escrows_own_retry_state_alone(
    world: World,
) -> None:
    escrow = await world.deal()
    world.gateway.script("fail")
    await world.pay(escrow, payment_id="stray")  # a second payment: returned
    after = await world.escrow(escrow.id)
    assert after.payment_retry_count == 0
    assert after.last_payment_error is None


async def test_a_cancel_reason_stays_out_of_the_immutable_log(world: World) -> None:
    escrow = await world.deal()
    await world.cancel(escrow, "payer", "call me on 98450 12345, asha.r@okhdfc")
    async with world.deps.uow() as uow:
        payloads = (await uow.session.execute(select(PaymentLog.payload))).scalars().all()
    assert not any("98450" in p or "asha.r@okhdfc" in p for p in payloads)


async def test_an_unanswered_cancel_request_goes_to_support_not_to_the_payee(
    world: World,
) -> None:
    escrow = await world.deal()
    await world.cancel(escrow, "payer", "Seller stopped replying")
    world.tick(days=3)
    await jobs.expire_escrows(world.deps)
    assert await world.state(escrow) == State.DISPUTED
    assert world.rail.calls == []
    assert await world.count(Alert, Alert.kind == "dispute") == 1
