"""Opening and joining escrows: who may, with what, and what everyone is told."""

from __future__ import annotations

import pytest

from core.db.models import JoinAttempt, User
from core.errors import ConflictError, ForbiddenError, InputError, NotFoundError, RateLimitedError
from core.escrow import service
from core.escrow.commands import Actor, CreateEscrow, JoinEscrow, Role
from core.escrow.states import State
from tests.world import PAYEE, PAYEE_VPA, PAYER, STRANGER, World


async def test_creator_who_pays_gets_a_code_a_name_and_a_seven_day_expiry(world: World) -> None:
    escrow = await world.create(150_000, description="Royal Enfield helmet, size L")
    assert escrow.state == State.AWAITING_PARTNER
    assert len(escrow.code) == 6
    assert escrow.code.isupper()
    assert len(escrow.name.split()) == 2
    assert escrow.payer_id is not None
    assert escrow.payee_id is None
    assert escrow.expires_at - escrow.created_at == world.deps.policy.code_ttl
    assert len(escrow.status_token) >= 32


async def test_creator_who_receives_must_give_a_upi_id(world: World) -> None:
    with pytest.raises(InputError) as error:
        await world.create(role=Role.PAYEE, upi_id=None)
    assert error.value.key == "vpa.required"
    escrow = await world.create(role=Role.PAYEE, upi_id=" Bilal.K@OKAXIS ")
    assert escrow.payee_vpa == PAYEE_VPA


@pytest.mark.parametrize(
    ("amount", "key"),
    [
        (0, "amount.not_positive"),
        (-5, "amount.not_positive"),
        (99, "amount.too_small"),
        (10_000_001, "amount.too_large"),
    ],
)
async def test_amounts_outside_the_limits_are_refused(world: World, amount: int, key: str) -> None:
    with pytest.raises(InputError) as error:
        await world.create(amount)
    assert error.value.key == key


async def test_description_keeps_any_unicode_and_is_bounded(world: World) -> None:
    text = "पुराना फ़ोन 📱 — «mint» condition, ஒரு"
    escrow = await world.create(description=f"  {text}\x00 ")
    assert escrow.description == text
    with pytest.raises(InputError) as error:
        await world.create(description="x" * 201)
    assert error.value.key == "description.too_long"
    with pytest.raises(InputError):
        await world.create(description=" \n ")


async def test_partner_joins_by_code_in_any_case_with_spaces(world: World) -> None:
    escrow = await world.create()
    code = f"  {escrow.code[:3].lower()} {escrow.code[3:].lower()} "
    joined = await world.join(escrow, code=code)
    assert joined.state == State.AWAITING_PAYMENT
    assert joined.payee_vpa == PAYEE_VPA
    assert joined.payment_due_at == world.clock.now() + world.deps.policy.payment_window
    [note] = await world.notifications("partner_joined")
    assert note.chat_id == PAYER.telegram_id


async def test_nobody_can_join_their_own_escrow(world: World) -> None:
    escrow = await world.create()
    with pytest.raises(ForbiddenError) as error:
        await world.join(escrow, actor=PAYER)
    assert error.value.key == "join.own_escrow"


async def test_a_joined_escrow_cannot_be_joined_again(world: World) -> None:
    escrow = await world.create()
    await world.join(escrow)
    with pytest.raises(ConflictError) as error:
        await world.join(escrow, actor=STRANGER, upi_id="chen@ybl")
    assert error.value.key == "join.not_open"
    with pytest.raises(ConflictError) as again:
        await world.join(escrow)
    assert again.value.key == "join.already_joined"


async def test_payee_joining_without_a_upi_id_is_asked_for_one(world: World) -> None:
    escrow = await world.create()
    with pytest.raises(InputError) as error:
        await world.join(escrow, upi_id=None)
    assert error.value.key == "vpa.required_to_join"
    assert await world.state(escrow) == State.AWAITING_PARTNER


async def test_a_saved_upi_id_is_reused_next_time(world: World) -> None:
    first = await world.create()
    await world.join(first)  # the payee gives their UPI id once
    second = await world.create()
    joined = await world.join(second, upi_id=None)
    assert joined.payee_vpa == PAYEE_VPA


async def test_an_unknown_or_malformed_code_is_refused_clearly(world: World) -> None:
    escrow = await world.create()
    with pytest.raises(InputError):
        await world.join(escrow, code="12")
    with pytest.raises(NotFoundError):
        await world.join(escrow, code="ZZZZZZ" if escrow.code != "ZZZZZZ" else "YYYYYY")


async def test_an_expired_code_cannot_be_joined(world: World) -> None:
    escrow = await world.create()
    world.tick(days=7, seconds=1)
    with pytest.raises(ConflictError) as error:
        await world.join(escrow)
    assert error.value.key == "join.expired"


async def test_guessing_codes_is_rate_limited_per_person(world: World) -> None:
    escrow = await world.create()
    limit = world.deps.policy.join_attempts_per_hour
    for attempt in range(limit):
        with pytest.raises(NotFoundError):
            await world.join(escrow, code=f"ZZZZ{'ABCDEFGHJKMNPQRSTUVWXYZ'[attempt % 23]}Z")
        world.tick(seconds=1)
    with pytest.raises(RateLimitedError) as error:
        await world.join(escrow)  # even the right code waits now
    assert 0 < error.value.retry_after_seconds <= 3600
    assert await world.count(JoinAttempt, JoinAttempt.succeeded.is_(False)) == limit
    world.tick(hours=1)
    assert (await world.join(escrow)).state == State.AWAITING_PAYMENT


async def test_banned_people_cannot_open_or_join(world: World) -> None:
    escrow = await world.create()
    async with world.deps.uow() as uow:
        user = await uow.users.upsert(PAYEE, world.clock.now())
        user.banned_at = world.clock.now()
        await uow.commit()
    with pytest.raises(ForbiddenError) as error:
        await world.join(escrow)
    assert error.value.key == "user.banned"


async def test_open_escrows_per_person_are_capped(world: World) -> None:
    world.with_policy(max_open_escrows_per_user=2)
    await world.create()
    await world.create()
    with pytest.raises(ForbiddenError) as error:
        await world.create()
    assert error.value.key == "escrow.too_many_open"


async def test_telegram_profile_changes_are_remembered(world: World) -> None:
    await world.create()
    renamed = Actor(PAYER.telegram_id, first_name="Asha R", username="asha_r", language="hi")
    await service.create_escrow(CreateEscrow(renamed, Role.PAYER, 500, "Books"), world.deps)
    assert await world.count(User) == 1
    async with world.deps.uow() as uow:
        user = await uow.users.by_telegram_id(PAYER.telegram_id)
        assert user is not None
        assert (user.first_name, user.username) == ("Asha R", "asha_r")


async def test_joining_as_payer_of_a_payee_created_escrow(world: World) -> None:
    escrow = await world.create(role=Role.PAYEE)
    cmd = JoinEscrow(PAYER, escrow.code, "asha.r@okhdfc")
    joined = await service.join_escrow(cmd, world.deps)
    assert joined.payer_id is not None
    assert joined.payer_vpa == "asha.r@okhdfc"
    assert joined.payee_vpa == PAYEE_VPA
    assert joined.creator_role == "payee"
    assert PAYEE.telegram_id != PAYER.telegram_id
