"""The payee's UPI id: checked before anyone pays, and a refused payout never strands money."""

from __future__ import annotations

import json

import pytest

from core import jobs
from core.db.models import Alert, Escrow, LedgerTransaction
from core.errors import ConflictError, ForbiddenError, InputError
from core.escrow import payee_upi, support
from core.escrow.commands import Actor, Outcome
from core.escrow.money_states import IntentStatus
from core.escrow.states import State
from tests.world import PAYEE, PAYEE_VPA, PAYER, World


def change(code: str, upi_id: str, actor: Actor = PAYEE) -> payee_upi.ChangePayeeUpi:
    return payee_upi.ChangePayeeUpi(actor, code, upi_id)


async def refused(world: World, amount: int = 250_000) -> Escrow:
    escrow = await world.deal(amount)
    world.rail.script("reject")  # the bank: "UPI validation failed" for this id, for good
    await world.confirm_both(escrow)
    assert await world.state(escrow) == State.PAYOUT_FAILED
    return escrow


async def test_a_refused_payout_waits_for_a_new_upi_id_which_is_checked_and_paid_once(
    world: World,
) -> None:
    escrow = await refused(world)
    [told_payer, told_payee] = await world.notifications("payout_refused")
    assert {told_payer.chat_id, told_payee.chat_id} == {PAYER.telegram_id, PAYEE.telegram_id}
    assert await world.holding(escrow) == 250_000  # the money waits with us
    told = len(await world.notifications("payee_upi_verified"))  # when it joined
    after = await payee_upi.change_payee_upi(change(escrow.code, "bilal.k2@okicici"), world.deps)
    assert after.payee_vpa_status == "valid"
    assert await world.state(escrow) == State.RELEASED
    [first, second] = await world.intents(escrow)
    assert (first.status, first.destination) == (IntentStatus.FAILED, PAYEE_VPA)
    assert (second.status, second.destination) == (IntentStatus.SUCCEEDED, "bilal.k2@okicici")
    assert [t.request.destination for t in world.rail.succeeded()] == ["bilal.k2@okicici"]
    assert len(await world.notifications("payee_upi_verified")) == told + 2  # both, again
    assert await world.count(LedgerTransaction, LedgerTransaction.kind == "release") == 1


async def test_the_refused_id_cannot_be_given_again_nor_by_anyone_but_the_payee(
    world: World,
) -> None:
    escrow = await refused(world)
    with pytest.raises(ConflictError):
        await payee_upi.change_payee_upi(change(escrow.code, PAYEE_VPA), world.deps)
    with pytest.raises(ForbiddenError):
        await payee_upi.change_payee_upi(change(escrow.code, "a.b@okicici", PAYER), world.deps)
    with pytest.raises(InputError):  # RazorpayX refuses "_"
        await payee_upi.change_payee_upi(change(escrow.code, "priya_s@okaxis"), world.deps)
    with pytest.raises(ConflictError):  # /retry would pay the refused id again
        await support.retry_escrow(None, escrow.code, world.deps)


async def test_support_can_refund_a_refused_payout_but_not_release_it_again(
    world: World,
) -> None:
    escrow = await refused(world)
    with pytest.raises(ConflictError):
        await world.resolve(escrow, Outcome.RELEASE)
    await world.resolve(escrow, Outcome.REFUND)
    assert await world.state(escrow) == State.REFUNDED
    assert (await world.escrow(escrow.id)).fee_paise == 0  # no fee on money sent back
    assert await world.holding(escrow) == 0


async def test_support_can_split_a_refused_payout(world: World) -> None:
    escrow = await refused(world, 100_000)
    await world.resolve(escrow, Outcome.SPLIT, 40_000)
    assert await world.state(escrow) == State.SPLIT
    assert await world.holding(escrow) == 0


async def test_a_payee_upi_id_that_does_not_exist_stops_the_payment_request(
    world: World,
) -> None:
    world.gateway.vpa_outcomes["nobody@okaxis"] = "invalid"
    escrow = await world.create()
    await world.join(escrow, upi_id="nobody@okaxis")
    assert world.gateway.qrs == {}  # nobody is asked to pay an id that does not exist
    assert len(await world.notifications("payee_upi_invalid")) == 2
    world.tick(hours=1)
    await jobs.retry_transfers(world.deps)
    assert world.gateway.qrs == {}
    await payee_upi.change_payee_upi(change(escrow.code, "bilal.k@okaxis"), world.deps)
    assert len(world.gateway.qrs) == 1
    [requested] = await world.notifications("payment_requested")
    assert json.loads(requested.payload)["payee_name"] == "Bilal K"


async def test_a_check_the_gateway_cannot_finish_goes_ahead_unverified_after_two_minutes(
    world: World,
) -> None:
    world.gateway.vpa_outcomes[PAYEE_VPA] = "pending"
    escrow = await world.create()
    await world.join(escrow)
    assert world.gateway.qrs == {}
    world.tick(minutes=3)
    await jobs.retry_transfers(world.deps)
    assert len(world.gateway.qrs) == 1
    assert (await world.escrow(escrow.id)).payee_vpa_status == "failed"
    assert len(await world.notifications("payee_upi_unverified")) == 2


async def test_a_refused_payout_is_an_alert_for_support_once(world: World) -> None:
    escrow = await refused(world)
    for _ in range(3):
        world.tick(hours=2)
        await jobs.retry_transfers(world.deps)
    assert await world.count(Alert, Alert.kind == "payout_refused") == 1
    assert await world.state(escrow) == State.PAYOUT_FAILED
