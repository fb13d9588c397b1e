"""Finding the person behind a request and the escrow they mean, locked for the change."""

from __future__ import annotations

from datetime import datetime

from core.db.models import Escrow, User
from core.db.uow import UnitOfWork
from core.errors import ForbiddenError, NotFoundError
from core.escrow.codes import normalise_code
from core.escrow.commands import Actor


async def person(
    uow: UnitOfWork, actor: Actor, now: datetime, *, allow_banned: bool = False
) -> User:
    user = await uow.users.upsert(actor, now)
    if user.banned_at is not None and not allow_banned:
        raise ForbiddenError("user.banned")
    return user


async def locked(uow: UnitOfWork, escrow_id: int) -> Escrow:
    escrow = await uow.escrows.get(escrow_id, lock=True)
    assert escrow is not None
    return escrow


async def party_escrow(
    uow: UnitOfWork, actor: Actor, code_text: str, now: datetime
) -> tuple[User, Escrow, str]:
    """The person, their escrow with this code (row-locked) and their role in it."""
    code = normalise_code(code_text)
    user = await person(uow, actor, now)
    found = await uow.escrows.for_party(code, user.id)
    if found is None:
        raise NotFoundError(code=code)
    escrow = await locked(uow, found.id)
    role = escrow.role_of(user.id)
    assert role is not None
    return user, escrow, role
