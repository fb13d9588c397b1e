"""The send rule (core.escrow.money_states): a call never outlives its lease, an unanswered
intent is resolved by lookup, and a second send needs proof of nothing plus RESEND_AFTER."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from core import jobs
from core.db.models import Alert, MoneyIntent, PaymentLog
from core.escrow import outbound
from core.escrow.money_states import IntentStatus
from core.escrow.ports import TransferRequest, TransferState, TransferStatus
from core.escrow.states import State
from tests.fakes import FakeGateway
from tests.world import World


class SlowGateway(FakeGateway):
    """Setu behind a long 429 Retry-After: the refund reaches Setu only after `delay` seconds,
    unless our side gives up waiting first."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def refund(self, request: TransferRequest) -> TransferStatus:
        self.calls.append(("waiting", request.idempotency_key))
        await asyncio.sleep(self.delay)
        return await self.send(request)


async def test_a_provider_call_is_cut_off_well_inside_its_lease(world: World) -> None:
    world.with_policy(intent_lease=timedelta(seconds=0.6), provider_call_timeout=timedelta(1))
    assert world.deps.policy.call_deadline == timedelta(seconds=0.2)  # a third of the lease
    slow = SlowGateway(delay=5.0)
    slow.name = world.gateway.name
    world.deps.gateway = slow
    escrow = await world.deal(80_000)
    await world.cancel(escrow, "payee")  # REFUNDING: the refund call hangs in the 429 wait
    [intent] = await world.intents(escrow)
    assert intent.status == IntentStatus.UNKNOWN
    assert "no answer within 0.2 s" in (intent.last_error or "")
    assert slow.transfers == {}  # cut off before it reached Setu


async def test_an_unanswered_refund_is_sent_again_only_after_resend_after_and_a_lookup(
    world: World,
) -> None:
    escrow = await world.deal(80_000)
    world.gateway.script("unavailable")  # a 503: did Setu make the refund? we cannot know
    await world.cancel(escrow, "payee")
    for _ in range(4):  # four minutes of retries: lookups only, nothing at Setu
        world.tick(minutes=1)
        await jobs.retry_transfers(world.deps)
    sends = [call for call in world.gateway.calls if call[0] == "send"]
    assert len(sends) == 1
    assert [call[0] for call in world.gateway.calls].count("find") >= 1
    world.tick(minutes=2)  # past RESEND_AFTER (5 minutes) since the send began
    await jobs.retry_transfers(world.deps)
    assert len(world.gateway.transfers) == 1
    assert await world.state(escrow) == State.REFUNDED


async def test_a_lookup_that_finds_the_refund_never_sends_it_again(world: World) -> None:
    escrow = await world.deal(80_000)
    world.gateway.script("timeout_after_accept")
    await world.cancel(escrow, "payee")
    for _ in range(10):
        world.tick(minutes=10)
        await jobs.retry_transfers(world.deps)
    assert [call[0] for call in world.gateway.calls].count("send") == 1
    assert await world.state(escrow) == State.REFUNDED


async def test_a_send_needs_the_lease_to_still_be_ours(world: World) -> None:
    escrow = await world.deal(80_000)
    world.gateway.script("unavailable")
    await world.cancel(escrow, "payee")
    [intent] = await world.intents(escrow)
    world.tick(minutes=6)
    now = world.clock.now()
    async with world.deps.uow() as uow:  # another process holds the lease now
        assert await uow.intents.lease(intent.id, now, now + timedelta(seconds=60))
        await uow.commit()
    async with world.deps.uow() as uow:  # a stale holder cannot claim the send
        assert not await uow.intents.claim_send(intent.id, now, now + timedelta(seconds=1))


async def test_an_answer_about_another_payout_changes_nothing_and_is_reported_once(
    world: World,
) -> None:
    escrow = await world.deal(250_000)
    world.rail.default = "processing"
    await world.confirm_both(escrow)
    [intent] = await world.intents(escrow)
    foreign = TransferStatus(
        TransferState.FAILED,
        provider_ref="pout_Someone0000000",
        reason="reversed: beneficiary_vpa_invalid",
        retryable=False,
        reference="tpi-someone-else",
        amount_paise=500_000,
    )
    for _ in range(2):  # the webhook, then its retry
        await outbound.apply_status(intent.id, foreign, world.deps)
    [after] = await world.intents(escrow)
    assert (after.status, after.provider_ref) == (IntentStatus.SUBMITTED, intent.provider_ref)
    assert await world.state(escrow) == State.RELEASING
    assert await world.count(Alert, Alert.kind == "foreign_transfer") == 1
    logged = PaymentLog.event_type == "transfer.foreign_answer"
    assert await world.count(PaymentLog, logged) == 2


async def test_an_intent_never_adopts_a_second_provider_id(world: World) -> None:
    escrow = await world.deal(250_000)
    world.rail.default = "processing"
    await world.confirm_both(escrow)
    [intent] = await world.intents(escrow)
    assert intent.provider_ref
    other = TransferStatus(TransferState.SUCCEEDED, provider_ref="pout_Other00000000")
    await outbound.apply_status(intent.id, other, world.deps)
    [after] = await world.intents(escrow)
    assert after.status == IntentStatus.SUBMITTED
    assert await world.count(MoneyIntent, MoneyIntent.kind == "payout") == 1
    assert await world.count(Alert, Alert.kind == "foreign_transfer") == 1
