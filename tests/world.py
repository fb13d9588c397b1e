"""A small world for use-case tests: one database, the real use cases, fake providers.

world = await World.open(url)
escrow = await world.deal()          # created, joined, paid: HELD
await world.confirm(escrow, "payer")
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from core import audit, jobs, ledger
from core.db.engine import make_engine, make_session_factory
from core.db.models import Escrow, MoneyIntent, Notification
from core.db.uow import UnitOfWork
from core.deps import Deps
from core.escrow import disputes, funds, service
from core.escrow.commands import (
    Actor,
    Cancel,
    Confirm,
    CreateEscrow,
    JoinEscrow,
    OpenDispute,
    Outcome,
    PaymentReceived,
    Resolve,
    Role,
)
from core.escrow.policy import Policy
from core.escrow.results import ActionResult
from core.money import AmountLimits
from tests.fakes import FakeClock, FakeGateway, FakeRail

PAYER = Actor(telegram_id=1001, first_name="Asha", username="asha")
PAYEE = Actor(telegram_id=2002, first_name="Bilal", username="bilal")
STRANGER = Actor(telegram_id=3003, first_name="Chen")
ADMIN = Actor(telegram_id=9009, first_name="Support")
PAYEE_VPA = "bilal.k@okaxis"

DEFAULT_POLICY = Policy(
    limits=AmountLimits(100, 10_000_000),
    admin_telegram_ids=frozenset({ADMIN.telegram_id}),
    fee_bps=100,
)


@dataclass
class World:
    engine: AsyncEngine
    deps: Deps
    clock: FakeClock
    rail: FakeRail
    gateway: FakeGateway
    _payments: int = field(default=0)

    @classmethod
    async def open(cls, url: str, policy: Policy = DEFAULT_POLICY, seed: int = 7) -> World:
        engine = make_engine(url, pool_size=60)
        sessions = make_session_factory(engine)
        clock, rail, gateway = FakeClock(), FakeRail(), FakeGateway()
        deps = Deps(
            uow=lambda: UnitOfWork(sessions),
            clock=clock,
            gateway=gateway,
            rail=rail,
            policy=policy,
            rng=random.Random(seed),
        )
        return cls(engine, deps, clock, rail, gateway)

    async def close(self) -> None:
        await self.engine.dispose()

    def with_policy(self, **changes: Any) -> None:
        self.deps.policy = replace(self.deps.policy, **changes)

    # --- people do things ---
    async def create(self, amount: int = 150_000, role: Role = Role.PAYER, **kw: Any) -> Escrow:
        actor = kw.pop("actor", PAYER if role is Role.PAYER else PAYEE)
        upi = kw.pop("upi_id", PAYEE_VPA if role is Role.PAYEE else None)
        cmd = CreateEscrow(actor, role, amount, kw.pop("description", "iPhone 13, 128 GB"), upi)
        return await service.create_escrow(cmd, self.deps)

    async def join(self, escrow: Escrow, actor: Actor | None = None, **kw: Any) -> Escrow:
        joiner = actor or (PAYEE if escrow.creator_role == "payer" else PAYER)
        upi = kw.pop("upi_id", PAYEE_VPA if joiner == PAYEE else None)
        return await service.join_escrow(
            JoinEscrow(joiner, kw.pop("code", escrow.code), upi), self.deps
        )

    async def pay(
        self,
        escrow: Escrow,
        amount: int | None = None,
        payment_id: str | None = None,
        reference: str | None = None,
    ) -> funds.PaymentResult:
        self._payments += 1
        cmd = PaymentReceived(
            provider="setu",
            gateway_payment_id=payment_id or f"pay_{self._payments}",
            reference=reference or escrow.payment_ref,
            amount_paise=escrow.amount_paise if amount is None else amount,
            payer_vpa="asha.r@okhdfc",
            rrn=f"RRN{self._payments:08d}",
        )
        return await funds.record_payment(cmd, self.deps)

    async def deal(self, amount: int = 150_000) -> Escrow:
        escrow = await self.create(amount)
        await self.join(escrow)
        await self.pay(escrow)
        return await self.escrow(escrow.id)

    async def confirm(self, escrow: Escrow, role: str) -> ActionResult:
        actor = PAYER if role == "payer" else PAYEE
        return await service.confirm_release(Confirm(actor, escrow.code), self.deps)

    async def confirm_both(self, escrow: Escrow) -> ActionResult:
        """The payer, then the payee, say the deal is done."""
        await self.confirm(escrow, "payer")
        return await self.confirm(escrow, "payee")

    async def cancel(self, escrow: Escrow, role: str, reason: str = "") -> ActionResult:
        actor = PAYER if role == "payer" else PAYEE
        return await service.cancel_escrow(Cancel(actor, escrow.code, reason), self.deps)

    async def dispute(self, escrow: Escrow, role: str = "payer") -> ActionResult:
        actor = PAYER if role == "payer" else PAYEE
        cmd = OpenDispute(actor, escrow.code, "Phone arrived with a cracked screen 📱")
        return await disputes.open_dispute(cmd, self.deps)

    async def resolve(self, escrow: Escrow, outcome: Outcome, share: int | None = None) -> Any:
        cmd = Resolve(ADMIN, escrow.code, outcome, share)
        return await disputes.resolve_dispute(cmd, self.deps)

    def tick(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))

    async def run_jobs(self) -> None:
        """Every scheduled job once, in the order a quiet minute would run them."""
        await jobs.process_inbox(self.deps)
        await jobs.poll_payments(self.deps)
        await jobs.expire_escrows(self.deps)
        await jobs.retry_transfers(self.deps)

    # --- looking at the world ---
    async def escrow(self, escrow_id: int) -> Escrow:
        async with self.deps.uow() as uow:
            found = await uow.escrows.get(escrow_id)
            assert found is not None
            return found

    async def state(self, escrow: Escrow) -> str:
        return (await self.escrow(escrow.id)).state

    async def intents(
        self, escrow: Escrow | None = None, kinds: tuple[str, ...] = ("payout", "refund", "return")
    ) -> list[MoneyIntent]:
        """Money-out intents by default; pass kinds=("collect",) for payment requests."""
        async with self.deps.uow() as uow:
            query = select(MoneyIntent).where(MoneyIntent.kind.in_(kinds)).order_by(MoneyIntent.id)
            if escrow is not None:
                query = query.where(MoneyIntent.escrow_id == escrow.id)
            return list((await uow.session.execute(query)).scalars())

    async def notifications(self, kind: str | None = None) -> list[Notification]:
        async with self.deps.uow() as uow:
            query = select(Notification).order_by(Notification.id)
            if kind is not None:
                query = query.where(Notification.kind == kind)
            return list((await uow.session.execute(query)).scalars())

    async def count(self, model: type[Any], *where: Any) -> int:
        async with self.deps.uow() as uow:
            return int(
                (
                    await uow.session.execute(select(func.count()).select_from(model).where(*where))
                ).scalar_one()
            )

    async def holding(self, escrow: Escrow) -> int:
        async with self.deps.uow() as uow:
            return await ledger.holding_balance(uow.session, escrow.id)

    async def problems(self) -> list[str]:
        """Audit-chain and ledger problems: empty when everything holds."""
        async with self.deps.uow() as uow:
            chain = await audit.verify_chain(uow.session)
            books = await ledger.check_invariants(uow.session)
        return [str(p) for p in chain] + [str(v) for v in books]


@asynccontextmanager
async def opened_world(url: str) -> AsyncIterator[World]:
    """A world whose invariants are checked when the block ends without an error."""
    world = await World.open(url)
    try:
        yield world
        assert await world.problems() == []
    finally:
        await world.close()
