"""A Hypothesis state machine drives whole lifecycles with duplicated, reordered and failing events.

After every step: the audit chain and ledger invariants hold, no escrow was paid out or refunded
twice, and no more money left than came in. At the end, once the providers behave, every rupee
is either held, paid out, returned, or waiting on support with an alert.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import Counter
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from core.db.models import Alert, Escrow, MoneyIntent, Payment
from core.errors import ServiceError
from core.escrow import money_states, outbound
from core.escrow.commands import Outcome, Role
from core.escrow.ports import TransferState
from tests.databases import PG_URL
from tests.fakes import BEHAVIOURS, FakeProvider
from tests.world import World

T = TypeVar("T")
# CI runs a modest number; set TRUSTPAY_STATEFUL_EXAMPLES=2000 for a long hunt.
EXAMPLES = int(os.environ.get("TRUSTPAY_STATEFUL_EXAMPLES", 12 if PG_URL else 25))


class EscrowMachine(RuleBasedStateMachine):
    make_url: Callable[[], str]
    escrows = Bundle("escrows")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.world = self.run(World.open(type(self).make_url()))
        self.world.with_policy(payout_max_attempts=3, max_open_escrows_per_user=1000)
        self.delivered: list[tuple[int, str, int]] = []  # (escrow id, payment id, amount)

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coroutine)

    def attempt(self, coroutine: Coroutine[Any, Any, object]) -> None:
        """People try things the rules may refuse; a refusal is a ServiceError, never a crash."""
        with contextlib.suppress(ServiceError):
            self.run(coroutine)

    def escrow(self, escrow_id: int) -> Escrow:
        return self.run(self.world.escrow(escrow_id))

    @rule(target=escrows, amount=st.integers(100, 500_000), role=st.sampled_from(Role))
    def create(self, amount: int, role: Role) -> int:
        return self.run(self.world.create(amount, role)).id

    @rule(target=escrows, amount=st.integers(100, 500_000))
    def paid_deal(self, amount: int) -> int:
        """A shortcut to HELD, so disputes, refunds and splits get explored too."""
        escrow = self.run(self.world.create(amount))
        self.run(self.world.join(escrow))
        self.delivered.append((escrow.id, f"pay_{len(self.delivered)}", amount))
        self.run(self.world.pay(escrow, amount=amount, payment_id=self.delivered[-1][1]))
        return escrow.id

    @rule(escrow_id=escrows)
    def join(self, escrow_id: int) -> None:
        self.attempt(self.world.join(self.escrow(escrow_id)))

    @rule(escrow_id=escrows, off_by=st.sampled_from([0, 0, 0, 1, -1]), again=st.booleans())
    def pay(self, escrow_id: int, off_by: int, again: bool) -> None:
        escrow = self.escrow(escrow_id)
        mine = [d for d in self.delivered if d[0] == escrow_id]
        if again and mine:  # the gateway re-delivers an event it already sent
            _, payment_id, amount = mine[-1]
        else:
            payment_id, amount = f"pay_{len(self.delivered)}", escrow.amount_paise + off_by
            self.delivered.append((escrow_id, payment_id, amount))
        self.run(self.world.pay(escrow, amount=amount, payment_id=payment_id))

    @rule(escrow_id=escrows, role=st.sampled_from(["payer", "payee"]))
    def confirm(self, escrow_id: int, role: str) -> None:
        self.attempt(self.world.confirm(self.escrow(escrow_id), role))

    @rule(escrow_id=escrows, role=st.sampled_from(["payer", "payee"]))
    def cancel(self, escrow_id: int, role: str) -> None:
        self.attempt(self.world.cancel(self.escrow(escrow_id), role))

    @rule(escrow_id=escrows, role=st.sampled_from(["payer", "payee"]))
    def dispute(self, escrow_id: int, role: str) -> None:
        self.attempt(self.world.dispute(self.escrow(escrow_id), role))

    @rule(escrow_id=escrows, outcome=st.sampled_from(Outcome), share=st.floats(0.01, 0.99))
    def resolve(self, escrow_id: int, outcome: Outcome, share: float) -> None:
        escrow = self.escrow(escrow_id)
        payee_share = max(1, int(escrow.amount_paise * share))
        self.attempt(self.world.resolve(escrow, outcome, payee_share))

    @rule(provider=st.sampled_from(["rail", "gateway"]), behaviour=st.sampled_from(BEHAVIOURS))
    def provider_misbehaves_next(self, provider: str, behaviour: str) -> None:
        self.provider(provider).script(behaviour)

    @rule(provider=st.sampled_from(["rail", "gateway"]), succeed=st.booleans(), twice=st.booleans())
    def provider_reports_a_processing_transfer(
        self, provider: str, succeed: bool, twice: bool
    ) -> None:
        fake = self.provider(provider)
        waiting = [
            key
            for key, transfer in fake.transfers.items()
            if transfer.status.state is TransferState.PROCESSING
        ]
        if not waiting:
            return
        state = TransferState.SUCCEEDED if succeed else TransferState.FAILED
        status = fake.settle(waiting[0], state)
        intent_id = self.intent_id(waiting[0])
        for _ in range(2 if twice else 1):  # webhooks are delivered at least once
            self.run(outbound.apply_status(intent_id, status, self.world.deps))

    @rule(hours=st.sampled_from([0, 1, 6, 25, 80, 200]))
    def time_passes(self, hours: int) -> None:
        self.world.tick(hours=hours)
        self.run(self.world.run_jobs())

    @invariant()
    def books_and_audit_chain_hold(self) -> None:
        assert self.run(self.world.problems()) == []

    @invariant()
    def nothing_is_paid_out_or_refunded_twice(self) -> None:
        intents = self.intents_by_key()
        for fake, kinds in ((self.world.rail, {"payout"}), (self.world.gateway, {"refund"})):
            owners = Counter(
                intents[t.request.idempotency_key].escrow_id
                for t in fake.succeeded()
                if intents[t.request.idempotency_key].kind in kinds
            )
            assert all(count == 1 for count in owners.values()), owners

    @invariant()
    def no_more_money_leaves_than_came_in(self) -> None:
        received = sum(p.amount_paise for p in self.payments() if p.status != "failed")
        left = self.world.rail.money_out_for() + self.world.gateway.money_out_for()
        assert left <= received

    def teardown(self) -> None:
        try:
            self.settle_everything()
        finally:
            self.run(self.world.close())
            self.loop.close()

    def settle_everything(self) -> None:
        """Providers recover; after enough time every rupee is accounted for."""
        for fake in (self.world.rail, self.world.gateway):
            fake._script.clear()
            fake.default = "succeed"
            for key, transfer in fake.transfers.items():
                if transfer.status.state is TransferState.PROCESSING:
                    status = fake.settle(key)
                    self.run(outbound.apply_status(self.intent_id(key), status, self.world.deps))
        for _ in range(4):
            self.time_passes(200)
        self.check_every_rupee_is_accounted_for()

    def check_every_rupee_is_accounted_for(self) -> None:
        escrows, alerted, live = self.run(self.final_state())
        assert live == []
        for escrow in escrows:
            if escrow.state in ("RELEASING", "REFUNDING"):
                assert escrow.id in alerted, f"{escrow.code} stuck in {escrow.state} unflagged"
        returning = [p for p in self.payments() if p.status == "returning"]
        for payment in returning:  # a return that gave up must be in support's alerts
            assert payment.escrow_id is None or payment.escrow_id in alerted

    async def final_state(self) -> tuple[list[Escrow], set[int | None], list[MoneyIntent]]:
        async with self.world.deps.uow() as uow:
            escrows = (await uow.session.execute(select(Escrow))).scalars().all()
            alerted = set((await uow.session.execute(select(Alert.escrow_id))).scalars())
            live = select(MoneyIntent).where(MoneyIntent.status.in_(money_states.LIVE))
            return list(escrows), alerted, list((await uow.session.execute(live)).scalars())

    def provider(self, name: str) -> FakeProvider:
        return self.world.rail if name == "rail" else self.world.gateway

    def intents_by_key(self) -> dict[str, MoneyIntent]:
        return {i.idempotency_key: i for i in self.run(self.world.intents())}

    def intent_id(self, key: str) -> int:
        return self.intents_by_key()[key].id

    def payments(self) -> list[Payment]:
        async def load() -> list[Payment]:
            async with self.world.deps.uow() as uow:
                return list((await uow.session.execute(select(Payment))).scalars())

        return self.run(load())


def test_escrow_lifecycle_state_machine(fresh_db: Callable[[], str]) -> None:
    EscrowMachine.make_url = staticmethod(fresh_db)
    run_state_machine_as_test(
        EscrowMachine,
        settings=settings(max_examples=EXAMPLES, stateful_step_count=30, deadline=None),
    )
