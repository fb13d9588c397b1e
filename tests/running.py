"""The running app for end-to-end tests: real HTTP, both sandboxes mounted, a real database.

async for app in serve(settings_for(db_url)):
    escrow = await app.escrow_awaiting_payment()
    await app.pay(escrow)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import httpx
from sqlalchemy import func, select

from core import audit, jobs, ledger
from core.config import Settings
from core.db.models import Base, Escrow
from core.escrow import service
from core.escrow.commands import Confirm, CreateEscrow, JoinEscrow, Role
from core.escrow.states import State
from sandbox.razorpayx import RazorpayXSimulator
from sandbox.setu import SetuSimulator
from tests.servers import free_port, serving
from tests.world import PAYEE, PAYEE_VPA, PAYER
from trustpay import bootstrap


@dataclass
class App:
    runtime: bootstrap.Runtime
    base: str
    http: httpx.AsyncClient

    @property
    def sim(self) -> SetuSimulator:
        assert self.runtime.setu.simulator is not None
        return self.runtime.setu.simulator

    @property
    def rx(self) -> RazorpayXSimulator:
        assert self.runtime.payouts.simulator is not None
        return self.runtime.payouts.simulator

    async def escrow_awaiting_payment(
        self, amount: int = 150_000, upi_id: str = PAYEE_VPA, *, asked_to_pay: bool = True
    ) -> Escrow:
        """Created and joined; by default also until the payer was asked to pay (after Setu
        checked the payee's UPI id, which its webhook reports)."""
        deps = self.runtime.deps
        escrow = await service.create_escrow(CreateEscrow(PAYER, Role.PAYER, amount, "Phone"), deps)
        joined = await service.join_escrow(JoinEscrow(PAYEE, escrow.code, upi_id), deps)

        async def has_qr() -> bool:
            return (await self.load(joined.id)).setu_qr_id is not None

        if asked_to_pay:
            await self.until(has_qr, within=20)
        return await self.load(joined.id)

    async def load(self, escrow_id: int) -> Escrow:
        async with self.runtime.deps.uow() as uow:
            found = await uow.escrows.get(escrow_id)
            assert found is not None
            return found

    async def escrow_released(self, amount: int = 150_000) -> Escrow:
        """An escrow paid through the Setu simulator, confirmed by both, payee paid."""
        escrow = await self.escrow_awaiting_payment(amount)
        await self.pay(escrow)
        await self.wait_state(escrow, State.HELD)
        for actor in (PAYER, PAYEE):
            await service.confirm_release(Confirm(actor, escrow.code), self.runtime.deps)
        await self.wait_state(escrow, State.RELEASED, within=10)
        return await self.load(escrow.id)

    async def pay(self, escrow: Escrow, **fields: Any) -> None:
        token = await self.runtime.setu.gateway.transport.token()
        fresh = await self.load(escrow.id)
        body = {"refId": fresh.setu_qr_id, "payerVpa": "asha.r@okhdfc", "payeeVpa": "trustpay@setu"}
        response = await self.http.post(
            f"{self.base}/sandbox/setu/api/v1/merchants/pay",
            json=body | fields,
            headers={"Authorization": f"Bearer {token}", "merchantId": self.sim.config.merchant_id},
        )
        assert response.status_code == 200, response.text

    async def until(self, check: Callable[[], Any], within: float = 5.0) -> None:
        for _ in range(int(within / 0.02)):
            if await check():
                return
            await asyncio.sleep(0.02)
        raise AssertionError("condition not met in time")

    async def wait_state(self, escrow: Escrow, state: str, within: float = 5.0) -> None:
        async def reached() -> bool:
            return (await self.load(escrow.id)).state == state

        await self.until(reached, within)

    async def run_jobs(self) -> None:
        """Every scheduled job once, as the scheduler would."""
        deps = self.runtime.deps
        for job in (
            jobs.process_inbox,
            jobs.poll_payments,
            jobs.expire_escrows,
            jobs.retry_transfers,
        ):
            await job(deps)

    async def count(self, model: type[Any], *where: Any) -> int:
        async with self.runtime.deps.uow() as uow:
            query = select(func.count()).select_from(model).where(*where)
            return int((await uow.session.execute(query)).scalar_one())

    async def rows_everywhere(self) -> dict[str, int]:
        async with self.runtime.deps.uow() as uow:
            return {
                table.name: int(
                    (
                        await uow.session.execute(select(func.count()).select_from(table))
                    ).scalar_one()
                )
                for table in Base.metadata.sorted_tables
            }

    async def problems(self) -> list[str]:
        async with self.runtime.deps.uow() as uow:
            chain = await audit.verify_chain(uow.session)
            books = await ledger.check_invariants(uow.session)
        return [str(p) for p in chain] + [str(v) for v in books]


def settings_for(db_url: str, **changes: Any) -> Settings:
    return Settings(
        _env_file=None,
        database_url=db_url,
        admin_telegram_ids=[9009],
        payment_poll_after=timedelta(0),
        retry_base_delay=timedelta(milliseconds=20),
        **changes,
    )


async def serve(settings: Settings, *, scheduler: bool = False) -> AsyncIterator[App]:
    """The whole app on a free port. Without `scheduler` the jobs run only when a test runs
    them (`App.run_jobs`, `Chat.settle`); with it they run on their timers, as in production."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runtime = bootstrap.build_runtime(settings, base_url=base)
    if runtime.setu.simulator is not None:
        runtime.setu.simulator.config.webhook_retry_base_seconds = 0.05
        runtime.setu.simulator.config.refund_settle_seconds = 0.1
    if runtime.payouts.simulator is not None:
        runtime.payouts.simulator.config.webhook_retry_base_seconds = 0.05
        runtime.payouts.simulator.config.settle_seconds = 0.1
    web = bootstrap.build_app(runtime, scheduler=scheduler)
    server = partial(bootstrap.Server, runtime=runtime)
    async with serving(web, port, server), httpx.AsyncClient() as http:
        app = App(runtime, base, http)
        yield app
        assert await app.problems() == []
