"""Time: codes age out after 7 days, payment windows close, inspection periods end."""

from __future__ import annotations

from datetime import timedelta

from core import jobs
from core.escrow.states import State
from tests.world import PAYER, World


async def test_an_unjoined_escrow_expires_with_its_code_after_seven_days(world: World) -> None:
    escrow = await world.create()
    world.tick(days=6, hours=23)
    await jobs.expire_escrows(world.deps)
    assert await world.state(escrow) == State.AWAITING_PARTNER
    world.tick(hours=1)
    counts = await jobs.expire_escrows(world.deps)
    assert counts["codes"] == 1
    expired = await world.escrow(escrow.id)
    assert (expired.state, expired.code_active) == (State.EXPIRED, False)
    [note] = await world.notifications("expired")
    assert note.chat_id == PAYER.telegram_id


async def test_a_deactivated_code_still_works_for_the_parties(world: World) -> None:
    world.with_policy(inspection_period=timedelta(days=10))
    escrow = await world.deal()
    world.tick(days=7)
    await jobs.expire_escrows(world.deps)
    held = await world.escrow(escrow.id)
    assert (held.state, held.code_active) == (State.HELD, False)
    await world.confirm_both(held)
    assert await world.state(held) == State.RELEASED


async def test_an_unpaid_escrow_expires_when_the_payment_window_closes(world: World) -> None:
    escrow = await world.create()
    await world.join(escrow)
    world.tick(hours=23)
    await jobs.expire_escrows(world.deps)
    assert await world.state(escrow) == State.AWAITING_PAYMENT
    world.tick(hours=1)
    assert (await jobs.expire_escrows(world.deps))["payment_windows"] == 0  # not asked Setu yet
    await jobs.poll_payments(world.deps)
    assert (await jobs.expire_escrows(world.deps))["payment_windows"] == 1
    assert await world.state(escrow) == State.EXPIRED
    assert len(await world.notifications("expired")) == 2


async def test_a_held_escrow_nobody_disputes_is_released_after_inspection(world: World) -> None:
    escrow = await world.deal()
    world.tick(days=3)
    assert (await jobs.expire_escrows(world.deps))["auto_released"] == 1
    assert await world.state(escrow) == State.RELEASED
    assert len(world.rail.succeeded()) == 1


async def test_a_disputed_escrow_is_never_auto_released(world: World) -> None:
    escrow = await world.deal()
    await world.dispute(escrow)
    world.tick(days=30)
    await jobs.expire_escrows(world.deps)
    assert await world.state(escrow) == State.DISPUTED
    assert world.rail.calls == []


async def test_running_the_jobs_twice_changes_nothing_more(world: World) -> None:
    await world.create()
    world.tick(days=8)
    first = await jobs.expire_escrows(world.deps)
    second = await jobs.expire_escrows(world.deps)
    assert first["codes"] == 1
    assert second == {"codes": 0, "payment_windows": 0, "auto_released": 0}
