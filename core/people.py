"""People: their language, their chat flow drafts, bans, dispute evidence and admin logins."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from core import audit
from core.db.models import AdminToken, ChatDraft, DisputeEvidence, Escrow, User
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.errors import ForbiddenError, InputError, NotFoundError
from core.escrow.commands import Actor
from core.escrow.states import State
from core.escrow.text import clean_text

LANGUAGES = ("en", "hi")
ADMIN_LINK_TTL = timedelta(minutes=10)


@dataclass
class Draft:
    """A multi-step chat flow in progress: which flow, which step, what was said so far."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


async def person(uow: UnitOfWork, actor: Actor, now: datetime) -> User:
    return await uow.users.upsert(actor, now)


async def language_of(actor: Actor, deps: Deps) -> str:
    """The language this person chose (or Telegram's, on first contact)."""
    async with deps.uow() as uow:
        user = await person(uow, actor, deps.clock.now())
        await uow.commit()
        return user.language


async def language_for_chat(chat_id: int, deps: Deps) -> str:
    async with deps.uow() as uow:
        user = await uow.users.by_telegram_id(chat_id)
        return user.language if user else "en"


async def set_language(actor: Actor, language: str, deps: Deps) -> None:
    if language not in LANGUAGES:
        raise InputError("language.unknown")
    async with deps.uow() as uow:
        user = await person(uow, actor, deps.clock.now())
        user.language = language
        await uow.commit()


async def load_draft(actor: Actor, deps: Deps) -> Draft | None:
    async with deps.uow() as uow:
        user = await person(uow, actor, deps.clock.now())
        row = await uow.session.get(ChatDraft, user.id)
        await uow.commit()
        return Draft(row.flow, row.step, json.loads(row.data)) if row else None


async def save_draft(actor: Actor, draft: Draft, deps: Deps) -> None:
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await person(uow, actor, now)
        row = await uow.session.get(ChatDraft, user.id)
        data = json.dumps(draft.data, ensure_ascii=False)
        if row is None:
            uow.session.add(
                ChatDraft(
                    user_id=user.id, flow=draft.flow, step=draft.step, data=data, updated_at=now
                )
            )
        else:
            row.flow, row.step, row.data, row.updated_at = draft.flow, draft.step, data, now
        await uow.commit()


async def clear_draft(actor: Actor, deps: Deps) -> None:
    async with deps.uow() as uow:
        user = await uow.users.by_telegram_id(actor.telegram_id)
        if user is not None:
            await uow.session.execute(delete(ChatDraft).where(ChatDraft.user_id == user.id))
            await uow.commit()


async def add_evidence(
    actor: Actor, code: str, deps: Deps, *, text: str | None = None, file_id: str | None = None
) -> Escrow:
    """Attach a party's text or photo to the open dispute of their escrow `code`.

    Raises NotFoundError (no such escrow of theirs with an open dispute), InputError (empty).
    """
    body = (
        clean_text(text, 2000, "evidence", required=file_id is None)
        if text or not file_id
        else None
    )
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await person(uow, actor, now)
        escrow = await uow.escrows.for_party(code, user.id)
        dispute = await uow.disputes.open_for(escrow.id) if escrow else None
        if escrow is None or dispute is None or escrow.state != State.DISPUTED:
            raise NotFoundError(code=code)
        uow.session.add(
            DisputeEvidence(
                dispute_id=dispute.id, user_id=user.id, text=body, file_id=file_id, created_at=now
            )
        )
        await uow.commit()
    return escrow


async def evidence_for(code: str, deps: Deps) -> list[DisputeEvidence]:
    """Everything sent for the open dispute of escrow `code` (for support)."""
    async with deps.uow() as uow:
        escrow = await uow.escrows.by_code(code)
        dispute = await uow.disputes.open_for(escrow.id) if escrow else None
        if dispute is None:
            return []
        query = select(DisputeEvidence).where(DisputeEvidence.dispute_id == dispute.id)
        return list((await uow.session.execute(query.order_by(DisputeEvidence.id))).scalars())


async def ban(
    actor: Actor, telegram_id: int, reason: str, deps: Deps, *, banned: bool = True
) -> User:
    """Support bans (or unbans) a person: they can no longer open or join escrows."""
    if not deps.policy.is_admin(actor.telegram_id):
        raise ForbiddenError("admin.only")
    if deps.policy.is_admin(telegram_id):
        raise ForbiddenError("ban.admin")
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await uow.users.by_telegram_id(telegram_id)
        if user is None:
            raise NotFoundError("user.not_found", telegram_id=telegram_id)
        user.banned_at = now if banned else None
        user.ban_reason = clean_text(reason, 200, "reason", required=False) if banned else None
        await audit.append(
            uow.session,
            event_type="user.banned" if banned else "user.unbanned",
            status="banned" if banned else "active",
            now=now,
            payload={"user_id": user.id, "by": actor.telegram_id},
        )
        await uow.commit()
        return user


async def admin_login_token(actor: Actor, deps: Deps) -> str:
    """A one-time admin web login token (10 minutes). Only its hash is stored."""
    if not deps.policy.is_admin(actor.telegram_id):
        raise ForbiddenError("admin.only")
    token = secrets.token_urlsafe(32)
    now = deps.clock.now()
    async with deps.uow() as uow:
        uow.session.add(
            AdminToken(
                token_hash=token_hash(token),
                telegram_id=actor.telegram_id,
                expires_at=now + ADMIN_LINK_TTL,
                created_at=now,
            )
        )
        await uow.commit()
    return token


async def admin_token_holder(token: str, deps: Deps) -> int | None:
    """Whose sign-in link this is, if it would still work, without using it up (a link
    preview or a scanner fetching the link must not spend it)."""
    async with deps.uow() as uow:
        query = select(AdminToken).where(AdminToken.token_hash == token_hash(token))
        row = (await uow.session.execute(query)).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= deps.clock.now():
        return None
    return row.telegram_id if deps.policy.is_admin(row.telegram_id) else None


async def redeem_admin_token(token: str, deps: Deps) -> int | None:
    """The admin's Telegram id if the token is valid, unused and fresh (it is then used up)."""
    now = deps.clock.now()
    async with deps.uow() as uow:
        query = (
            select(AdminToken).where(AdminToken.token_hash == token_hash(token)).with_for_update()
        )
        row = (await uow.session.execute(query)).scalar_one_or_none()
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        if not deps.policy.is_admin(row.telegram_id):
            return None
        row.used_at = now
        await uow.commit()
        return row.telegram_id


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
