"""Unit of work: one transaction, its repositories, and an explicit commit.

    async with uow_factory() as uow:
        ...
        await uow.commit()

Leaving the block without `commit()` rolls everything back, exceptions included.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.db.repositories import (
    Alerts,
    Confirmations,
    Disputes,
    Escrows,
    Intents,
    JoinAttempts,
    Payments,
    Users,
)


class UnitOfWork:
    session: AsyncSession
    users: Users
    escrows: Escrows
    confirmations: Confirmations
    payments: Payments
    intents: Intents
    disputes: Disputes
    alerts: Alerts
    join_attempts: JoinAttempts

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        self.users = Users(self.session)
        self.escrows = Escrows(self.session)
        self.confirmations = Confirmations(self.session)
        self.payments = Payments(self.session)
        self.intents = Intents(self.session)
        self.disputes = Disputes(self.session)
        self.alerts = Alerts(self.session)
        self.join_attempts = JoinAttempts(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and detaches the objects without
        # expiring them, so what a use case returns stays readable.
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()
