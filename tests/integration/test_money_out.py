"""Money out: confirmations, cancellations, disputes and the payout/refund machinery."""

from __future__ import annotations

import pytest

from core import jobs
from core.db.models import Alert, LedgerTransaction
from core.errors import ConflictError, ForbiddenError, InputError, NotFoundError
from core.escrow import disputes, outbound, service
from core.escrow.commands import Cancel, Confirm, OpenDispute, Outcome, Resolve
from core.escrow.ports import TransferState
from core.escrow.states import State
from tests.world import PAYEE, PAYER, STRANGER, World


async def test_payout_starts_only_when_both_parties_have_confirmed(world: World) -> None:
    escrow = await world.deal(100_000)
    await world.confirm(escrow, "payee")
    again = await world.confirm(escrow, "payee")
    assert not again.changed
    assert world.rail.calls == []
    await world.confirm(escrow, "payer")
    assert await world.state(escrow) == State.RELEASED
    assert len(world.rail.succeeded()) == 1
    assert await world.count(LedgerTransaction, LedgerTransaction.kind == "fee") == 1


async def test_confirming_before_payment_is_refused(world: World) -> None:
    escrow = await world.create()
    await world.join(escrow)
    with pytest.raises(ConflictError) as error:
        await world.confirm(escrow, "payer")
    assert error.value.key == "confirm.not_now"


async def test_outsiders_cannot_confirm_cancel_or_dispute(world: World) -> None:
    escrow = await world.deal()
    attempts = (
        service.confirm_release(Confirm(STRANGER, escrow.code), world.deps),
        service.cancel_escrow(Cancel(STRANGER, escrow.code), world.deps),
        disputes.open_dispute(OpenDispute(STRANGER, escrow.code, "not mine"), world.deps),
    )
    for attempt in attempts:
        with pytest.raises(NotFoundError):
            await attempt
    assert await world.state(escrow) == State.HELD


async def test_payee_cancelling_a_held_escrow_refunds_the_payer(world: World) -> None:
    escrow = await world.deal(80_000)
    result = await world.cancel(escrow, "payee", "Sold out, sorry")
    assert result.money_moving
    assert await world.state(escrow) == State.REFUNDED
    [refund] = world.gateway.succeeded()
    assert refund.request.amount_paise == 80_000
    assert world.rail.succeeded() == []


async def test_payer_cancelling_a_held_escrow_only_asks_the_payee(world: World) -> None:
    escrow = await world.deal()
    asked = await world.cancel(escrow, "payer", "Changed my mind")
    assert not asked.money_moving
    assert await world.state(escrow) == State.HELD
    [note] = await world.notifications("cancel_requested")
    assert note.chat_id == PAYEE.telegram_id
    assert not (await world.cancel(escrow, "payer")).changed
    await world.cancel(escrow, "payee")
    assert await world.state(escrow) == State.REFUNDED


@pytest.mark.parametrize("role", ["payer", "payee"])
async def test_either_party_cancels_before_payment(world: World, role: str) -> None:
    escrow = await world.create()
    await world.join(escrow)
    await world.cancel(escrow, role)
    cancelled = await world.escrow(escrow.id)
    assert cancelled.state == State.CANCELLED
    assert not cancelled.code_active


async def test_nothing_cancels_once_money_is_leaving(world: World) -> None:
    escrow = await world.deal()
    world.rail.script("processing")
    await world.confirm_both(escrow)
    assert await world.state(escrow) == State.RELEASING
    with pytest.raises(ConflictError):
        await world.cancel(escrow, "payee")
    with pytest.raises(ConflictError):
        await world.dispute(escrow)


async def test_a_dispute_freezes_the_escrow_until_support_splits_it(world: World) -> None:
    escrow = await world.deal(100_000)
    await world.dispute(escrow, "payer")
    assert await world.state(escrow) == State.DISPUTED
    assert not (await world.dispute(escrow, "payee")).changed
    with pytest.raises(ConflictError):
        await world.confirm(escrow, "payer")
    assert await world.count(Alert, Alert.kind == "dispute") == 1

    await world.resolve(escrow, Outcome.SPLIT, 60_000)
    final = await world.escrow(escrow.id)
    assert (final.state, final.resolution) == (State.SPLIT, "split")
    [payout] = world.rail.succeeded()
    [refund] = world.gateway.succeeded()
    assert payout.request.amount_paise == 60_000 - 600  # 1% fee on the payee's share
    assert refund.request.amount_paise == 40_000
    assert await world.holding(escrow) == 0


@pytest.mark.parametrize(
    ("outcome", "state"), [(Outcome.RELEASE, State.RELEASED), (Outcome.REFUND, State.REFUNDED)]
)
async def test_support_resolves_a_dispute_either_way(
    world: World, outcome: Outcome, state: State
) -> None:
    escrow = await world.deal()
    await world.dispute(escrow)
    await world.resolve(escrow, outcome)
    assert await world.state(escrow) == state


async def test_only_support_resolves_and_splits_must_be_partial(world: World) -> None:
    escrow = await world.deal(100_000)
    await world.dispute(escrow)
    with pytest.raises(ForbiddenError):
        await disputes.resolve_dispute(Resolve(PAYER, escrow.code, Outcome.RELEASE), world.deps)
    for share in (None, 0, 100_000, 150_000):
        with pytest.raises(InputError):
            await world.resolve(escrow, Outcome.SPLIT, share)
    assert await world.state(escrow) == State.DISPUTED


async def test_a_failed_payout_is_retried_with_a_new_key_then_succeeds(world: World) -> None:
    escrow = await world.deal()
    world.rail.script("fail")
    await world.confirm_both(escrow)
    waiting = await world.escrow(escrow.id)
    assert waiting.state == State.RELEASING
    assert waiting.payment_retry_count == 1
    assert waiting.last_payment_error == "bank down"
    assert waiting.next_retry_at is not None
    assert await jobs.retry_transfers(world.deps) == 0  # not due yet
    world.tick(minutes=5)
    await jobs.retry_transfers(world.deps)
    assert await world.state(escrow) == State.RELEASED
    keys = [i.idempotency_key for i in await world.intents(escrow)]
    assert len(set(keys)) == 2
    assert len(world.rail.succeeded()) == 1


async def test_payout_gives_up_after_the_maximum_and_alerts_support(world: World) -> None:
    world.with_policy(payout_max_attempts=3)
    escrow = await world.deal()
    world.rail.default = "fail"
    await world.confirm_both(escrow)
    for _ in range(5):
        world.tick(hours=2)
        await jobs.retry_transfers(world.deps)
    stuck = await world.escrow(escrow.id)
    assert stuck.state == State.RELEASING
    assert stuck.next_retry_at is None
    assert [i.status for i in await world.intents(escrow)] == ["failed"] * 3
    assert await world.count(Alert, Alert.kind == "payout_failed") == 1
    assert await world.holding(escrow) == escrow.amount_paise


async def test_a_rejected_payout_is_not_retried_and_waits_for_a_new_upi_id(world: World) -> None:
    escrow = await world.deal()
    world.rail.script("reject")
    await world.confirm_both(escrow)
    world.tick(hours=2)
    await jobs.retry_transfers(world.deps)
    assert len(await world.intents(escrow)) == 1
    assert await world.state(escrow) == State.PAYOUT_FAILED
    assert await world.count(Alert, Alert.kind == "payout_refused") == 1
    assert len(await world.notifications("payout_refused")) == 2  # payer and payee


async def test_a_timed_out_payout_is_resolved_by_asking_never_by_paying_again(world: World) -> None:
    escrow = await world.deal()
    world.rail.script("timeout_after_accept")
    await world.confirm_both(escrow)
    [intent] = await world.intents(escrow)
    assert intent.status == "unknown"
    assert await world.state(escrow) == State.RELEASING
    world.tick(hours=1)
    await jobs.retry_transfers(world.deps)
    assert await world.state(escrow) == State.RELEASED
    assert [call for call, _ in world.rail.calls] == ["send", "find"]
    assert len(world.rail.transfers) == 1


async def test_a_processing_payout_completes_when_the_rail_reports_it(world: World) -> None:
    escrow = await world.deal()
    world.rail.script("processing")
    await world.confirm_both(escrow)
    [intent] = await world.intents(escrow)
    assert intent.status == "submitted"
    status = world.rail.settle(intent.idempotency_key)
    await outbound.apply_status(intent.id, status, world.deps)
    await outbound.apply_status(intent.id, status, world.deps)  # a duplicate webhook
    released = await world.escrow(escrow.id)
    assert released.state == State.RELEASED
    assert released.payout_at is not None
    assert await world.count(LedgerTransaction, LedgerTransaction.kind == "release") == 1


async def test_a_processing_payout_that_fails_later_is_retried(world: World) -> None:
    escrow = await world.deal()
    world.rail.script("processing")
    await world.confirm_both(escrow)
    [intent] = await world.intents(escrow)
    world.rail.settle(intent.idempotency_key, TransferState.FAILED)
    world.tick(minutes=2)
    await jobs.retry_transfers(world.deps)  # the poll sees the failure
    world.tick(minutes=5)
    await jobs.retry_transfers(world.deps)  # the new attempt pays
    assert await world.state(escrow) == State.RELEASED
    assert len(world.rail.succeeded()) == 1
