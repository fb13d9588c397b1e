"""Where each chat's deal card for an escrow is, so it can be edited in place."""

from __future__ import annotations

from sqlalchemy import select

from core.db.models import DealCard
from core.db.statements import upsert
from core.deps import Deps


async def card_message(escrow_id: int, chat_id: int, deps: Deps) -> int | None:
    async with deps.uow() as uow:
        query = select(DealCard.message_id).where(
            DealCard.escrow_id == escrow_id, DealCard.chat_id == chat_id
        )
        return (await uow.session.execute(query)).scalar_one_or_none()


async def remember_card(escrow_id: int, chat_id: int, message_id: int, deps: Deps) -> None:
    """The newest card message for this chat is the one kept up to date."""
    values = {
        "escrow_id": escrow_id,
        "chat_id": chat_id,
        "message_id": message_id,
        "updated_at": deps.clock.now(),
    }
    async with deps.uow() as uow:
        await upsert(
            uow.session, DealCard, values, ["escrow_id", "chat_id"], ["message_id", "updated_at"]
        )
        await uow.commit()
