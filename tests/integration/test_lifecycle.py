"""The whole escrow, end to end through the use cases, on every database."""

from __future__ import annotations

from core.escrow.states import State
from tests.world import PAYEE_VPA, World


async def test_confirmed_escrow_is_paid_out_once_to_the_payee(world: World) -> None:
    escrow = await world.deal(150_000)
    assert escrow.state == State.HELD
    assert await world.holding(escrow) == 150_000

    first = await world.confirm(escrow, "payer")
    assert not first.money_moving
    assert await world.state(escrow) == State.HELD
    second = await world.confirm(escrow, "payee")
    assert second.money_moving

    assert await world.state(escrow) == State.RELEASED
    [payout] = world.rail.succeeded()
    assert payout.request.destination == PAYEE_VPA
    assert payout.request.amount_paise == 150_000 - 1_500  # 1% fee
    assert await world.holding(escrow) == 0
