"""Hypothesis properties of the escrow core, on real databases."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core import jobs
from core.db.models import Escrow
from core.errors import ConflictError
from core.escrow import service
from core.escrow.funds import PaymentOutcome
from core.escrow.states import State
from tests.world import World, opened_world

EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


async def test_thousands_of_escrows_never_share_an_active_code(world: World) -> None:
    world.with_policy(max_open_escrows_per_user=10_000)
    codes = [(await world.create(100)).code for _ in range(1500)]
    assert len(set(codes)) == len(codes)
    async with world.deps.uow() as uow:
        query = (
            select(Escrow.code)
            .where(Escrow.code_active.is_(True))
            .group_by(Escrow.code)
            .having(func.count() > 1)
        )
        assert (await uow.session.execute(query)).all() == []


@EXAMPLES
@given(pool=st.lists(st.sampled_from(["AAAAAA", "BBBBBB", "CCCCCC"]), min_size=1, max_size=40))
async def test_colliding_codes_are_skipped_never_duplicated(
    fresh_db: Callable[[], str], monkeypatch: pytest.MonkeyPatch, pool: list[str]
) -> None:
    draws = itertools.cycle(pool)
    monkeypatch.setattr(service, "new_code", lambda: next(draws))
    async with opened_world(fresh_db()) as world:
        world.with_policy(max_open_escrows_per_user=100)
        created: list[str] = []
        for _ in range(5):
            try:
                created.append((await world.create(100)).code)
            except ConflictError:
                assert set(created) == set(pool)  # only when every code in the pool is taken
        assert len(created) == len(set(created))


@EXAMPLES
@given(
    created_hours=st.lists(st.integers(min_value=0, max_value=24 * 14), min_size=1, max_size=8),
    wait_hours=st.integers(min_value=0, max_value=24 * 14),
)
async def test_codes_older_than_seven_days_are_deactivated(
    fresh_db: Callable[[], str], created_hours: list[int], wait_hours: int
) -> None:
    async with opened_world(fresh_db()) as world:
        world.with_policy(max_open_escrows_per_user=100)
        start = world.clock.now()
        for hours in sorted(created_hours):
            world.clock.current = start + timedelta(hours=hours)
            await world.create(100)
        world.tick(hours=wait_hours)
        await jobs.expire_escrows(world.deps)
        now, ttl = world.clock.now(), world.deps.policy.code_ttl
        async with world.deps.uow() as uow:
            for escrow in (await uow.session.execute(select(Escrow))).scalars():
                old = now - escrow.created_at >= ttl
                assert escrow.code_active is not old
                assert (escrow.state == State.EXPIRED) is old


# Ways to bring an escrow into each state before a payment arrives.
async def _bring_to(world: World, target: str) -> Escrow:
    escrow = await world.create(50_000)
    if target == "AWAITING_PARTNER":
        return escrow
    if target == "EXPIRED":
        world.tick(days=8)
        await jobs.expire_escrows(world.deps)
        return await world.escrow(escrow.id)
    await world.join(escrow)
    if target == "CANCELLED":
        await world.cancel(escrow, "payee")
    elif target != "AWAITING_PAYMENT":
        await world.pay(escrow, payment_id="first")
        steps = {
            "DISPUTED": [("dispute", "payer")],
            "RELEASED": [("confirm", "payer"), ("confirm", "payee")],
            "REFUNDED": [("cancel", "payee")],
        }.get(target, [])
        for action, role in steps:
            await getattr(world, action)(escrow, role)
    return await world.escrow(escrow.id)


@EXAMPLES
@given(
    state=st.sampled_from(
        [
            "AWAITING_PARTNER",
            "AWAITING_PAYMENT",
            "HELD",
            "DISPUTED",
            "RELEASED",
            "REFUNDED",
            "CANCELLED",
            "EXPIRED",
        ]
    ),
    amount_delta=st.sampled_from([0, 0, -1, 1, -49_000]),
)
async def test_only_an_escrow_awaiting_payment_is_held_by_a_payment(
    fresh_db: Callable[[], str], state: str, amount_delta: int
) -> None:
    async with opened_world(fresh_db()) as world:
        escrow = await _bring_to(world, state)
        assert escrow.state == state
        before = len(world.gateway.succeeded())
        result = await world.pay(escrow, amount=escrow.amount_paise + amount_delta)
        after = await world.escrow(escrow.id)
        if state == "AWAITING_PAYMENT" and amount_delta == 0:
            assert result.outcome is PaymentOutcome.HELD
            assert after.state == State.HELD
        else:
            assert result.outcome is PaymentOutcome.RETURNING
            assert after.state == state
            assert len(world.gateway.succeeded()) == before + 1  # the money went back


@EXAMPLES
@given(confirmations=st.lists(st.sampled_from(["payer", "payee"]), min_size=1, max_size=8))
async def test_payout_starts_exactly_when_both_have_confirmed(
    fresh_db: Callable[[], str], confirmations: list[str]
) -> None:
    async with opened_world(fresh_db()) as world:
        escrow = await world.deal()
        seen: set[str] = set()
        for role in confirmations:
            try:
                await world.confirm(escrow, role)
            except ConflictError:
                assert seen == {"payer", "payee"}  # already released: nothing more to confirm
            seen.add(role)
            expected = 1 if seen == {"payer", "payee"} else 0
            assert len(world.rail.transfers) == expected
            assert len(await world.intents(escrow)) == expected
