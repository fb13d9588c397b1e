"""A Hypothesis state machine over the money intents: random provider outcomes, timeouts,
duplicate and foreign webhooks, crashes at each labelled point, refused UPI ids, and money that a
provider moved outside our books.

Invariants after every step: per escrow, the money our intents moved at the providers is at most
what the escrow held; at most one payout succeeds per release (however many intents the chain
took); the books and the audit chain hold. At the end, once the providers behave, comparing our
books with the providers' records is clean exactly when no fault moved money outside our books.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from core import crashpoints, jobs, provider_reconciliation
from core.db.models import LedgerTransaction, MoneyIntent
from core.errors import ServiceError
from core.escrow import outbound, payee_upi
from core.escrow.commands import Outcome
from core.escrow.money_states import LIVE, IntentKind
from core.escrow.ports import TransferState, TransferStatus
from core.escrow.states import State
from core.reconciliation import Period
from tests.databases import PG_URL
from tests.fakes import BEHAVIOURS, FakeProvider
from tests.world import PAYEE, World

T = TypeVar("T")
EXAMPLES = int(os.environ.get("TRUSTPAY_STATEFUL_EXAMPLES", 12 if PG_URL else 30))
CRASHES = sorted(crashpoints.LABELS - {"payment.requested"})  # World pays without a QR


class IntentMachine(RuleBasedStateMachine):
    make_url: Callable[[], str]
    escrows = Bundle("escrows")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.world = self.run(World.open(type(self).make_url()))
        self.world.with_policy(payout_max_attempts=3, max_open_escrows_per_user=1000)
        self.rogue: set[str] = set()  # provider keys of money moved outside our books

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def attempt(self, coroutine: Coroutine[Any, Any, object]) -> None:
        """Refusals are ServiceErrors; a simulated crash stops the process mid-step."""
        with contextlib.suppress(ServiceError, crashpoints.SimulatedCrash):
            self.run(coroutine)
        crashpoints.ARMED.clear()

    @initialize(
        rail=st.sampled_from(["succeed", "processing"]),
        gateway=st.sampled_from(["succeed", "processing"]),
    )
    def providers_usually(self, rail: str, gateway: str) -> None:
        """Slow providers keep intents live, where webhooks, timeouts and crashes matter most."""
        self.world.rail.default, self.world.gateway.default = rail, gateway

    @rule(target=escrows, amount=st.integers(100, 500_000))
    def held(self, amount: int) -> int:
        escrow = self.run(self.world.create(amount))
        self.run(self.world.join(escrow))
        self.run(self.world.pay(escrow, amount=amount))
        return escrow.id

    @rule(
        escrow_id=escrows,
        how=st.sampled_from(["release", "refund", "split"]),
        crash=st.sampled_from([None, None, None, *CRASHES]),
    )
    def settle(self, escrow_id: int, how: str, crash: str | None) -> None:
        escrow = self.run(self.world.escrow(escrow_id))
        if crash:
            crashpoints.ARMED.add(crash)
        if how == "release":
            self.attempt(self.world.confirm_both(escrow))
        elif how == "refund":
            self.attempt(self.world.cancel(escrow, "payee"))
        else:
            self.attempt(self.split(escrow_id))

    async def split(self, escrow_id: int) -> None:
        escrow = await self.world.escrow(escrow_id)
        await self.world.dispute(escrow)
        share = max(1, escrow.amount_paise * 2 // 3)
        await self.world.resolve(await self.world.escrow(escrow_id), Outcome.SPLIT, share)

    @rule(provider=st.sampled_from(["rail", "gateway"]), behaviour=st.sampled_from(BEHAVIOURS))
    def provider_misbehaves_next(self, provider: str, behaviour: str) -> None:
        self.provider(provider).script(behaviour)

    @rule(provider=st.sampled_from(["rail", "gateway"]), succeed=st.booleans(), twice=st.booleans())
    def a_webhook_settles_a_processing_transfer(
        self, provider: str, succeed: bool, twice: bool
    ) -> None:
        fake = self.provider(provider)
        waiting = [
            k for k, t in fake.transfers.items() if t.status.state is TransferState.PROCESSING
        ]
        if not waiting:
            return
        status = fake.settle(
            waiting[0], TransferState.SUCCEEDED if succeed else TransferState.FAILED
        )
        for _ in range(2 if twice else 1):  # delivered at least once
            self.run(outbound.apply_status(self.intent_id(waiting[0]), status, self.world.deps))

    @rule(escrow_id=escrows, which=st.sampled_from(["reference", "amount", "provider_ref"]))
    def a_signed_webhook_names_someone_elses_transfer(self, escrow_id: int, which: str) -> None:
        live = self.live_intents(escrow_id)
        if not live:
            return
        intent = live[0]
        lies: dict[str, dict[str, Any]] = {
            "reference": {"reference": "tpi999999"},
            "amount": {"amount_paise": intent.amount_paise + 100},
            "provider_ref": {"provider_ref": "pout_Someone0000000"},
        }
        lie = lies[which]
        base: dict[str, Any] = (
            {"provider_ref": intent.provider_ref} if which != "provider_ref" else {}
        )
        failed = TransferStatus(TransferState.FAILED, reason="reversed", retryable=False)
        foreign = replace(failed, **(base | lie))
        if which == "provider_ref" and not intent.provider_ref:
            return  # an intent with no provider id yet is checked by reference and amount
        self.run(outbound.apply_status(intent.id, foreign, self.world.deps))

    @rule(escrow_id=escrows)
    def the_payee_gives_a_new_upi_id(self, escrow_id: int) -> None:
        escrow = self.run(self.world.escrow(escrow_id))
        if escrow.state == State.PAYOUT_FAILED:
            cmd = payee_upi.ChangePayeeUpi(PAYEE, escrow.code, f"bilal.k{escrow_id}@okicici")
            self.attempt(payee_upi.change_payee_upi(cmd, self.world.deps))

    @rule(provider=st.sampled_from(["rail", "gateway"]))
    def a_provider_moves_money_outside_our_books(self, provider: str) -> None:
        """A second transfer for one of ours, made by hand or by a bug we do not know about."""
        fake = self.provider(provider)
        done = [t for t in fake.transfers.values() if t.status.state is TransferState.SUCCEEDED]
        if not done:
            return
        key = f"rogue-{len(self.rogue)}"
        fake.transfers[key] = type(done[0])(done[0].request, done[0].status)
        self.rogue.add(key)

    @rule(minutes=st.sampled_from([1, 4, 6, 61, 60 * 25]))
    def time_passes(self, minutes: int) -> None:
        self.world.tick(minutes=minutes)
        self.attempt(self.world.run_jobs())

    @invariant()
    def books_and_audit_chain_hold(self) -> None:
        assert self.run(self.world.problems()) == []

    @invariant()
    def money_out_never_exceeds_what_an_escrow_held(self) -> None:
        intents = {i.idempotency_key: i for i in self.run(self.world.intents())}
        out: Counter[int] = Counter()
        payouts: Counter[int] = Counter()
        for fake in (self.world.rail, self.world.gateway):
            for key, transfer in fake.transfers.items():
                intent = intents.get(transfer.request.idempotency_key)
                if key in self.rogue or intent is None or intent.escrow_id is None:
                    continue
                if transfer.status.state is TransferState.SUCCEEDED and intent.kind != "return":
                    out[intent.escrow_id] += transfer.request.amount_paise
                    payouts[intent.escrow_id] += intent.kind == IntentKind.PAYOUT
        held = self.run(self.held_amounts())
        for escrow_id, paise in out.items():
            assert paise <= held.get(escrow_id, 0), (escrow_id, paise, held.get(escrow_id))
        assert all(n <= 1 for n in payouts.values()), payouts

    def teardown(self) -> None:
        try:
            self.settle_everything()
        finally:
            crashpoints.ARMED.clear()
            self.run(self.world.close())
            self.loop.close()

    def settle_everything(self) -> None:
        for fake in (self.world.rail, self.world.gateway):
            fake._script.clear()
            fake.default = "succeed"
            for key, transfer in list(fake.transfers.items()):
                if transfer.status.state is TransferState.PROCESSING and key not in self.rogue:
                    status = fake.settle(key)
                    self.run(outbound.apply_status(self.intent_id(key), status, self.world.deps))
        for _ in range(3):
            self.time_passes(60 * 25)
        live = self.run(self.world.intents(kinds=tuple(IntentKind)))
        assert [i.id for i in live if i.status in LIVE] == []
        start = self.world.clock.now() - timedelta(days=60)
        period = Period(start.date(), self.world.clock.now().date())
        found = self.run(provider_reconciliation.compare(self.world.deps, period))
        assert found.unreachable == []
        assert (found.mismatches == []) == (not self.rogue), found.mismatches

    def provider(self, name: str) -> FakeProvider:
        return self.world.rail if name == "rail" else self.world.gateway

    def intent_id(self, key: str) -> int:
        return {i.idempotency_key: i.id for i in self.run(self.world.intents())}[key]

    def live_intents(self, escrow_id: int) -> list[MoneyIntent]:
        intents = self.run(self.world.intents(kinds=(IntentKind.PAYOUT, IntentKind.REFUND)))
        return [i for i in intents if i.escrow_id == escrow_id and i.status in LIVE]

    async def held_amounts(self) -> dict[int, int]:
        async with self.world.deps.uow() as uow:
            query = select(LedgerTransaction.escrow_id, LedgerTransaction.kind).where(
                LedgerTransaction.kind == "hold"
            )
            held = {e for e, _ in (await uow.session.execute(query)).all() if e}
        return {e: (await self.world.escrow(e)).amount_paise for e in held}


def test_no_sequence_of_faults_pays_twice_or_hides_money_from_reconciliation(
    fresh_db: Callable[[], str],
) -> None:
    IntentMachine.make_url = staticmethod(fresh_db)
    run_state_machine_as_test(
        IntentMachine,
        settings=settings(max_examples=EXAMPLES, stateful_step_count=25, deadline=None),
    )


async def test_a_double_refund_made_outside_our_books_is_caught(world: World) -> None:
    """The reproduction of the lease bug, at the fake: Setu made the ₹4 refund twice."""
    escrow = await world.deal(1_000)
    await world.dispute(escrow)
    await world.resolve(await world.escrow(escrow.id), Outcome.SPLIT, 600)
    [refund] = [t for t in world.gateway.transfers.values() if t.request.amount_paise == 400]
    world.gateway.transfers["again"] = type(refund)(refund.request, refund.status)
    period = Period(world.clock.now().date(), world.clock.now().date())
    found = await provider_reconciliation.compare(world.deps, period)
    assert [m.kind for m in found.mismatches] == ["duplicate_refund"]
    assert await provider_reconciliation.raise_alerts(world.deps, found) == 1
    assert await provider_reconciliation.raise_alerts(world.deps, found) == 0  # alerted once
    assert await jobs.reconcile_providers(world.deps) == 1
