"""The whole Setu path in one running app: join -> QR at the simulator -> mock-pay -> signed
webhook -> inbox -> status API -> HELD, exactly once; through duplicated, reordered and dropped
webhooks; and the receiver's answer to every kind of forged or broken request.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from core import audit, jobs, ledger
from core.config import Settings
from core.db.models import Base, Escrow, InboxEvent, LedgerTransaction
from core.escrow import service
from core.escrow.commands import CreateEscrow, JoinEscrow, Role
from core.escrow.states import State
from core.payments.signatures import sign
from sandbox.setu import SetuSimulator
from tests.servers import free_port, serving
from tests.world import PAYEE, PAYEE_VPA, PAYER
from trustpay import bootstrap
from trustpay.providers import SANDBOX_SETU_WEBHOOK_SECRET


@dataclass
class App:
    runtime: bootstrap.Runtime
    base: str
    http: httpx.AsyncClient

    @property
    def sim(self) -> SetuSimulator:
        assert self.runtime.setu.simulator is not None
        return self.runtime.setu.simulator

    async def escrow_awaiting_payment(self, amount: int = 150_000) -> Escrow:
        deps = self.runtime.deps
        escrow = await service.create_escrow(CreateEscrow(PAYER, Role.PAYER, amount, "Phone"), deps)
        return await service.join_escrow(JoinEscrow(PAYEE, escrow.code, PAYEE_VPA), deps)

    async def load(self, escrow_id: int) -> Escrow:
        async with self.runtime.deps.uow() as uow:
            found = await uow.escrows.get(escrow_id)
            assert found is not None
            return found

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


async def _serve(settings: Settings) -> AsyncIterator[App]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    runtime = bootstrap.build_runtime(settings, base_url=base)
    if runtime.setu.simulator is not None:
        runtime.setu.simulator.config.webhook_retry_base_seconds = 0.05
        runtime.setu.simulator.config.refund_settle_seconds = 0.1
    async with (
        serving(bootstrap.build_app(runtime, scheduler=False), port),
        httpx.AsyncClient() as http,
    ):
        app = App(runtime, base, http)
        yield app
        assert await app.problems() == []


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    async for served in _serve(settings_for(db_url)):
        yield served


async def _held_once(app: App, escrow: Escrow) -> None:
    async def held() -> bool:
        return (await app.load(escrow.id)).state == State.HELD

    await app.until(held)
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1


# --- paid through the simulator, held exactly once -----------------------------------------------


async def test_joining_creates_a_qr_at_setu_and_tells_the_payer(app: App) -> None:
    escrow = await app.escrow_awaiting_payment(150_000)
    fresh = await app.load(escrow.id)
    assert fresh.setu_qr_id is not None
    assert fresh.intent_link is not None
    assert fresh.intent_link.startswith("upi://pay?")
    assert "am=1500.00" in fresh.intent_link
    [instance] = app.sim.instances()
    assert (instance["amount"], instance["referenceId"]) == (150_000, fresh.payment_ref)


async def test_mock_pay_holds_the_escrow_once_through_the_webhook(app: App) -> None:
    escrow = await app.escrow_awaiting_payment()
    await app.pay(escrow)
    await _held_once(app, escrow)

    async def both_events_handled() -> bool:
        return await app.count(InboxEvent, InboxEvent.handled_at.is_not(None)) == 2

    await app.until(both_events_handled)  # payment.initiated and payment.success


@pytest.mark.parametrize("fault", ["duplicate_webhooks", "reorder_webhooks"])
async def test_duplicated_or_reordered_webhooks_still_hold_once(app: App, fault: str) -> None:
    setattr(app.sim.faults, fault, True)
    escrow = await app.escrow_awaiting_payment()
    await app.pay(escrow)
    await _held_once(app, escrow)
    await asyncio.sleep(0.3)  # let every copy arrive
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1
    assert await app.count(InboxEvent) == 2


async def test_a_dropped_webhook_is_healed_by_the_polling_job(app: App) -> None:
    app.sim.faults.drop_webhooks = True
    escrow = await app.escrow_awaiting_payment()
    await app.pay(escrow)
    await asyncio.sleep(0.2)
    assert (await app.load(escrow.id)).state == State.AWAITING_PAYMENT
    assert await jobs.poll_payments(app.runtime.deps) == 1
    await _held_once(app, escrow)
    await jobs.poll_payments(app.runtime.deps)  # polling again changes nothing
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1


async def test_a_late_webhook_after_polling_changes_nothing(app: App) -> None:
    app.sim.faults.webhook_delay_seconds = 0.5
    escrow = await app.escrow_awaiting_payment()
    await app.pay(escrow)
    await jobs.poll_payments(app.runtime.deps)
    await _held_once(app, escrow)

    async def webhooks_in() -> bool:
        return await app.count(InboxEvent, InboxEvent.handled_at.is_not(None)) == 2

    await app.until(webhooks_in)
    assert await app.count(LedgerTransaction, LedgerTransaction.kind == "hold") == 1


async def test_when_setu_is_down_the_escrow_waits_and_the_job_asks_again(app: App) -> None:
    app.sim.faults.fail_next, app.sim.faults.only_path_contains = 1, "/dqr"
    escrow = await app.escrow_awaiting_payment()
    waiting = await app.load(escrow.id)
    assert waiting.state == State.AWAITING_PAYMENT
    assert waiting.setu_qr_id is None
    assert waiting.last_payment_error
    await asyncio.sleep(0.1)
    await jobs.retry_transfers(app.runtime.deps)
    ready = await app.load(escrow.id)
    assert ready.setu_qr_id is not None
    assert ready.last_payment_error is None


async def test_a_held_escrow_cancelled_by_the_payee_is_refunded_through_setu(app: App) -> None:
    escrow = await app.escrow_awaiting_payment(80_000)
    await app.pay(escrow)
    await _held_once(app, escrow)
    from core.escrow.commands import Cancel

    await service.cancel_escrow(Cancel(PAYEE, escrow.code, "Out of stock"), app.runtime.deps)

    async def refunded() -> bool:
        return (await app.load(escrow.id)).state == State.REFUNDED

    await app.until(refunded)  # refund.pending, then refund.successful, via the inbox
    assert [r["amount"] for r in app.sim.refunds()] == [80_000]


async def test_an_unknown_event_type_is_stored_and_acknowledged(app: App) -> None:
    body = json.dumps({"eventId": "evt-x", "eventType": "mandate_operation.success"}).encode()
    response = await _post(app, body, sign(body, SANDBOX_SETU_WEBHOOK_SECRET, "base64"))
    assert response.json() == {"status": "accepted"}
    await app.until(lambda: _handled(app, "evt-x"))


async def _handled(app: App, event_id: str) -> bool:
    return (
        await app.count(
            InboxEvent, InboxEvent.event_id == event_id, InboxEvent.handled_at.is_not(None)
        )
        == 1
    )


# --- forged and broken requests ------------------------------------------------------------------


async def _post(app: App, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-setu-signature"] = signature
    return await app.http.post(f"{app.base}/webhooks/setu", content=body, headers=headers)


GOOD = json.dumps({"eventId": "evt-1", "eventType": "payment.success", "id": "01PAY"}).encode()


def _forgeries() -> dict[str, tuple[bytes, str | None, int]]:
    signed = sign(GOOD, SANDBOX_SETU_WEBHOOK_SECRET, "base64")
    reserialised = json.dumps(json.loads(GOOD), indent=1).encode()
    return {
        "missing header": (GOOD, None, 401),
        "wrong secret": (GOOD, sign(GOOD, "anothersecretofthirtychars0000", "base64"), 401),
        "one changed byte": (GOOD.replace(b"evt-1", b"evt-2"), signed, 401),
        "re-serialised json": (reserialised, signed, 401),
        "empty body, unsigned": (b"", None, 401),
        "huge body": (b"{" + b" " * 70_000 + b"}", signed, 413),
        "signed but not json": (
            b"not json",
            sign(b"not json", SANDBOX_SETU_WEBHOOK_SECRET, "base64"),
            400,
        ),
        "signed empty body": (b"", sign(b"", SANDBOX_SETU_WEBHOOK_SECRET, "base64"), 400),
    }


@pytest.mark.parametrize("case", list(_forgeries()))
async def test_a_forged_or_broken_webhook_writes_nothing(app: App, case: str) -> None:
    body, signature, status = _forgeries()[case]
    before = await app.rows_everywhere()
    metrics_before = (await app.http.get(f"{app.base}/metrics")).text
    response = await _post(app, body, signature)
    assert response.status_code == status
    assert await app.rows_everywhere() == before
    metrics_after = (await app.http.get(f"{app.base}/metrics")).text
    assert metrics_after != metrics_before  # only the rejected-attempt count moved


async def test_the_previous_secret_still_works_during_a_rotation(db_url: str) -> None:
    settings = settings_for(
        db_url,
        setu_client_id="live-client",
        setu_webhook_secret="newsecret00000000000000000",
        setu_webhook_secret_previous="oldsecret00000000000000000",
    )
    async for app in _serve(settings):
        for secret, status in (
            ("oldsecret00000000000000000", 200),
            ("newsecret00000000000000000", 200),
            ("retiredsecret0000000000000", 401),
        ):
            body = json.dumps({"eventId": f"evt-{secret}", "eventType": "ping"}).encode()
            assert (await _post(app, body, sign(body, secret, "base64"))).status_code == status
        duplicate = json.dumps({"eventId": "evt-oldsecret00000000000000000", "eventType": "ping"})
        again = await _post(
            app,
            duplicate.encode(),
            sign(duplicate.encode(), "oldsecret00000000000000000", "base64"),
        )
        assert again.json() == {"status": "duplicate"}


async def test_without_a_secret_the_endpoint_is_off(db_url: str) -> None:
    async for app in _serve(settings_for(db_url, setu_client_id="live-client")):
        response = await _post(app, GOOD, sign(GOOD, "", "base64"))
        assert response.status_code == 404
