"""Whatever people type, a use case answers with a result or a ServiceError, never a crash."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ServiceError
from core.escrow import disputes, service
from core.escrow.commands import (
    Actor,
    Cancel,
    Confirm,
    CreateEscrow,
    JoinEscrow,
    OpenDispute,
    Role,
)
from tests.world import World

ANY_TEXT = st.text(max_size=300) | st.sampled_from(["", " ", "\x00", "😀" * 80, "ab@cd", "🇮🇳@ybl"])
PEOPLE = st.builds(
    Actor,
    telegram_id=st.integers(1, 2**40),
    first_name=ANY_TEXT,
    username=st.none() | ANY_TEXT,
    language=st.sampled_from(["en", "hi", "", "xx", "hi-IN"]),
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(
    actor=PEOPLE,
    role=st.sampled_from(Role),
    amount=st.integers(-(2**70), 2**70) | st.integers(100, 10_000_000),
    description=ANY_TEXT,
    upi_id=st.none() | ANY_TEXT,
)
async def test_creating_with_any_input_never_crashes(
    world: World, actor: Actor, role: Role, amount: int, description: str, upi_id: str | None
) -> None:
    world.with_policy(max_open_escrows_per_user=10_000)
    with contextlib.suppress(ServiceError):
        escrow = await service.create_escrow(
            CreateEscrow(actor, role, amount, description, upi_id), world.deps
        )
        assert escrow.description == escrow.description.strip()


@FUZZ
@given(actor=PEOPLE, code=ANY_TEXT, upi_id=st.none() | ANY_TEXT, reason=ANY_TEXT)
async def test_acting_on_any_code_never_crashes(
    world: World, actor: Actor, code: str, upi_id: str | None, reason: str
) -> None:
    world.with_policy(join_attempts_per_hour=10_000)
    for attempt in (
        service.join_escrow(JoinEscrow(actor, code, upi_id), world.deps),
        service.confirm_release(Confirm(actor, code), world.deps),
        service.cancel_escrow(Cancel(actor, code, reason), world.deps),
        disputes.open_dispute(OpenDispute(actor, code, reason), world.deps),
    ):
        with contextlib.suppress(ServiceError):
            await attempt
