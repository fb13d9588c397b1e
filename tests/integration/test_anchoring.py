"""Anchoring the payment log: batches tile the log, roots reach the chain, failures only alert,
and verification finds any change to an anchored entry or root.

The chain here is `Ledger`, an in-memory stand-in for the port that behaves as the contract
does (refuses duplicates, remembers first entry and count); `tests/integration/test_chain.py`
covers the real contract and `test_audit_cli.py` the whole thing on the sandbox EVM.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select, text, update

from core import anchoring, audit, jobs, merkle
from core.chain import AnchorReceipt, Anchors, ChainError, OnChainRoot
from core.db.models import Alert, AnchorBatch, Notification, PaymentLog
from core.escrow.states import State
from tests.integration.test_cli import tamper
from tests.running import serve, settings_for
from tests.servers import free_port
from tests.world import World


class Ledger:
    """The contract's behaviour, in memory; `down` makes every call fail as an RPC would."""

    def __init__(self) -> None:
        self.roots: dict[bytes, OnChainRoot] = {}
        self.down = False
        self.lose_receipt = False  # the transaction lands, but we never hear back
        self.calls = 0

    @property
    def description(self) -> str:
        return "in-memory chain (test)"

    async def anchor(self, root: bytes, first_entry: int, entry_count: int) -> AnchorReceipt:
        self.calls += 1
        if self.down:
            raise ChainError("connection refused")
        if root in self.roots:
            raise ChainError("root already anchored")
        block = len(self.roots) + 1
        self.roots[root] = OnChainRoot(first_entry, entry_count, block)
        if self.lose_receipt:
            raise ChainError("timed out waiting for the receipt")
        return AnchorReceipt("0x" + hashlib.sha256(root).hexdigest(), block)

    async def lookup(self, root: bytes) -> OnChainRoot | None:
        if self.down:
            raise ChainError("connection refused")
        return self.roots.get(root)

    async def aclose(self) -> None:
        pass


@pytest.fixture
def chain() -> Ledger:
    return Ledger()


def connect(chain: Ledger) -> Callable[[], Awaitable[Anchors]]:
    async def connected() -> Anchors:
        return chain

    return connected


async def batches(world: World) -> list[AnchorBatch]:
    async with world.deps.uow() as uow:
        return list((await uow.session.scalars(select(AnchorBatch).order_by(AnchorBatch.id))).all())


async def entries(world: World) -> int:
    async with world.deps.uow() as uow:
        return int((await uow.session.scalar(text("SELECT count(*) FROM payment_log"))) or 0)


async def problems(world: World, chain: Ledger | None) -> list[str]:
    async with world.deps.uow() as uow:
        found = await audit.verify_chain(uow.session)
        found += await anchoring.verify_batches(uow.session, connect(chain) if chain else None)
    return [str(p) for p in found]


async def test_new_entries_are_anchored_in_batches_that_tile_the_log(
    world: World, chain: Ledger
) -> None:
    await world.deal()
    run = await anchoring.anchor_pending(world.deps, connect(chain), limit=3)
    assert run.error is None
    count = await entries(world)
    found = await batches(world)
    assert [(b.first_entry_id, b.last_entry_id) for b in found] == [
        (first, min(first + 2, count)) for first in range(1, count + 1, 3)
    ]
    assert all(b.block_number and b.tx_hash for b in found)
    assert len(chain.roots) == len(found)
    assert await problems(world, chain) == []
    again = await anchoring.anchor_pending(world.deps, connect(chain))
    assert again.anchored == []  # nothing new: nothing sent

    escrow = await world.create()
    more = await anchoring.anchor_pending(world.deps, connect(chain))
    assert [(b.first_entry, b.last_entry) for b in more.anchored] == [
        (count + 1, await entries(world))
    ]
    assert escrow.id


async def test_chain_down_leaves_money_alone_retries_and_alerts_once(
    world: World, chain: Ledger
) -> None:
    chain.down = True
    escrow = await world.deal()
    for _ in range(anchoring.ALERT_AFTER + 2):
        run = await anchoring.anchor_pending(world.deps, connect(chain))
        assert run.anchored == []
        assert "connection refused" in (run.error or "")
    # money moved on while the chain was down
    await world.confirm_both(escrow)
    await world.run_jobs()
    assert await world.state(escrow) == State.RELEASED
    [batch] = await batches(world)
    assert batch.attempts == anchoring.ALERT_AFTER + 2
    assert batch.block_number is None
    assert await world.count(Alert, Alert.kind == "anchor_failed") == 1
    assert await world.count(Notification, Notification.kind == "support_alert") >= 1

    chain.down = False
    run = await anchoring.anchor_pending(world.deps, connect(chain))
    assert run.error is None
    found = await batches(world)
    assert found[0].id == batch.id  # the same batch, finished
    assert found[0].block_number
    assert found[-1].last_entry_id == await entries(world)
    assert await problems(world, chain) == []


async def test_a_root_that_landed_without_a_receipt_is_not_sent_twice(
    world: World, chain: Ledger
) -> None:
    await world.deal()
    chain.lose_receipt = True
    run = await anchoring.anchor_pending(world.deps, connect(chain))
    assert run.error
    assert run.anchored == []
    chain.lose_receipt = False
    sent = chain.calls
    run = await anchoring.anchor_pending(world.deps, connect(chain))
    assert [b.tx_hash for b in run.anchored] == [None]  # found on the chain, not sent again
    assert chain.calls == sent
    assert (await batches(world))[0].block_number == 1
    assert await problems(world, chain) == []


async def test_connecting_to_the_chain_failing_is_a_failed_attempt(world: World) -> None:
    await world.deal()

    async def unreachable() -> Anchors:
        raise ChainError("no contract at the configured address")

    run = await anchoring.anchor_pending(world.deps, unreachable)
    assert run.error == "no contract at the configured address"
    assert (await batches(world))[0].attempts == 1


# --- tampering -----------------------------------------------------------------------------------


@pytest.fixture
async def anchored(world: World, chain: Ledger) -> World:
    escrow = await world.deal()
    await world.confirm_both(escrow)
    await world.run_jobs()
    run = await anchoring.anchor_pending(world.deps, connect(chain), limit=4)
    assert run.error is None
    assert len(run.anchored) >= 2
    assert await problems(world, chain) == []
    return world


@pytest.mark.breaks_invariants
async def test_changing_an_entry_names_it(anchored: World, chain: Ledger, db_url: str) -> None:
    tamper(db_url, "UPDATE payment_log SET amount_paise = 1 WHERE id = 6")
    found = await problems(anchored, chain)
    assert found[0].startswith("payment_log #6:")


@pytest.mark.breaks_invariants
async def test_an_entry_rewritten_with_its_hashes_redone_is_caught_by_the_chain(
    anchored: World, chain: Ledger, db_url: str
) -> None:
    """Someone who rewrites an entry and every hash after it, and the batch roots in our
    database too, still cannot change what the chain holds."""
    async with anchored.deps.uow() as uow:
        rows = list((await uow.session.scalars(select(PaymentLog).order_by(PaymentLog.id))).all())
        batch_rows = list(
            (await uow.session.scalars(select(AnchorBatch).order_by(AnchorBatch.id))).all()
        )
    rows[5].amount_paise = 1
    statements, prev = [], audit.GENESIS_HASH
    for row in rows:
        row.prev_hash, row.hash = prev, audit.entry_hash(prev, audit.LogFields.of(row))
        prev = row.hash
        statements.append(
            f"UPDATE payment_log SET amount_paise = {row.amount_paise or 'NULL'}, "
            f"prev_hash = 'x{row.id}', hash = 'y{row.id}' WHERE id = {row.id}"
        )
    statements += [
        f"UPDATE payment_log SET prev_hash = '{row.prev_hash}', hash = '{row.hash}' "
        f"WHERE id = {row.id}"
        for row in rows
    ]
    statements.append(f"UPDATE audit_head SET last_hash = '{prev}'")
    for batch in batch_rows:
        leaves = [merkle.leaf(r.hash) for r in rows[batch.first_entry_id - 1 : batch.last_entry_id]]
        statements.append(
            f"UPDATE anchor_batches SET root = '{merkle.root(leaves).hex()}' WHERE id = {batch.id}"
        )
    tamper(db_url, *statements)
    found = await problems(anchored, chain)
    assert found, "a rewritten history passed verification"
    assert "entries #5-#8" in found[0]
    assert "not on the chain" in found[0]


@pytest.mark.breaks_invariants
async def test_deleting_an_entry_names_the_gap(anchored: World, chain: Ledger, db_url: str) -> None:
    tamper(db_url, "DELETE FROM payment_log WHERE id = 3")
    found = await problems(anchored, chain)
    assert found[0].startswith("payment_log #4:")  # the entry after the hole
    assert any("entries #1-#4" in p for p in found)


@pytest.mark.breaks_invariants
async def test_inserting_an_entry_is_caught(anchored: World, chain: Ledger, db_url: str) -> None:
    forged_prev, forged = (hashlib.sha256(text).hexdigest() for text in (b"prev", b"forged"))
    tamper(db_url, "UPDATE payment_log SET id = id + 1000 WHERE id > 2")
    tamper(
        db_url,
        "INSERT INTO payment_log (id, escrow_id, event_type, status, payload, created_at, "
        "prev_hash, hash) SELECT 3, escrow_id, event_type, status, payload, created_at, "
        f"'{forged_prev}', '{forged}' FROM payment_log WHERE id = 2",
    )
    found = await problems(anchored, chain)
    assert found[0].startswith("payment_log #3:")


@pytest.mark.breaks_invariants
async def test_changing_an_anchored_root_is_caught(
    anchored: World, chain: Ledger, db_url: str
) -> None:
    async with anchored.deps.uow() as uow:
        await uow.session.execute(
            update(AnchorBatch).where(AnchorBatch.id == 2).values(root="ab" * 32)
        )
        await uow.commit()
    found = await problems(anchored, chain)
    assert found[0].startswith("payment_log #5: anchor batch #2 (entries #5-#8)")
    assert any("not on the chain" in p for p in found)


async def test_verify_reports_a_chain_it_cannot_read_and_does_not_need_one_before(
    world: World, chain: Ledger
) -> None:
    await world.deal()

    async def unreachable() -> Anchors:
        raise ChainError("connection refused")

    async with world.deps.uow() as uow:
        assert await anchoring.verify_batches(uow.session, unreachable) == []  # nothing anchored
    await anchoring.anchor_pending(world.deps, connect(chain), limit=2)
    async with world.deps.uow() as uow:
        found = [str(p) for p in await anchoring.verify_batches(uow.session, unreachable)]
    assert len(found) == 1  # once: not one line per batch
    assert "could not check this or later roots on the chain: connection refused" in found[0]


async def test_a_real_chain_that_is_down_only_delays_anchoring(db_url: str) -> None:
    """The whole app with CHAIN_RPC_URL pointing at nothing: money moves, anchoring waits."""
    settings = settings_for(
        db_url, chain_rpc_url=f"http://127.0.0.1:{free_port()}", chain_private_key="0x" + "11" * 32
    )
    async for app in serve(settings):
        await app.escrow_released()
        run = await jobs.anchor_audit_log(app.runtime.deps, app.runtime.anchors)
        assert run.anchored == []
        assert "unreachable" in (run.error or "")
        async with app.runtime.deps.uow() as uow:
            [batch] = (await uow.session.scalars(select(AnchorBatch))).all()
        assert batch.attempts == 1
        assert batch.block_number is None
        assert "unreachable" in (batch.last_error or "")
