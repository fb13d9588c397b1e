"""Anchoring the payment log: batches of entries, their Merkle roots on a chain, and the checks.

The log is cut into batches that tile it from entry #1 with no gap. Each batch is written
(range and root) before its root goes to the chain, so a crash in between leaves a batch that
the next run finishes: it first asks the chain whether the root is already there.

Anchoring runs from a job and never from a money flow: when the chain is down the batch waits,
the attempt is recorded, and support is alerted once after a few failures.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core import audit, merkle
from core.chain import Anchors, ChainError, OnChainRoot, RootAlreadyAnchoredError
from core.db.models import AnchorBatch, PaymentLog
from core.deps import Deps
from core.escrow.notices import alert_support
from core.logs import get_logger

log = get_logger("trustpay.anchoring")
BATCH_LIMIT = 1000  # entries per root at most
ALERT_AFTER = 3  # failed attempts at one batch before support hears of it


@dataclass(frozen=True, slots=True)
class Anchored:
    batch_id: int
    first_entry: int
    last_entry: int
    root: str
    tx_hash: str | None
    block_number: int


@dataclass(frozen=True, slots=True)
class AnchorRun:
    anchored: list[Anchored]
    error: str | None = None  # why the run stopped early (the chain), if it did


async def anchor_pending(
    deps: Deps, connect: Callable[[], Awaitable[Anchors]], *, limit: int = BATCH_LIMIT
) -> AnchorRun:
    """Anchor every entry not anchored yet, a batch at a time; stops at the first chain error.
    `connect` gives the chain (connecting, or deploying the contract, the first time)."""
    done: list[Anchored] = []
    while (batch_id := await _next_batch(deps, limit)) is not None:
        try:
            done.append(await _anchor(deps, await connect(), batch_id))
        except ChainError as exc:
            await _failed(deps, batch_id, exc)
            return AnchorRun(done, str(exc))
    return AnchorRun(done)


async def _next_batch(deps: Deps, limit: int) -> int | None:
    """The batch to anchor now: one cut earlier but not on the chain yet, else a new one."""
    async with deps.uow() as uow:
        session = uow.session
        waiting = await session.scalar(
            select(AnchorBatch.id)
            .where(AnchorBatch.block_number.is_(None))
            .order_by(AnchorBatch.id)
            .limit(1)
        )
        if waiting is not None:
            return int(waiting)
        last = await session.scalar(select(func.max(AnchorBatch.last_entry_id))) or 0
        rows = (
            await session.execute(
                select(PaymentLog.id, PaymentLog.hash)
                .where(PaymentLog.id > last)
                .order_by(PaymentLog.id)
                .limit(limit)
            )
        ).all()
        if not rows:
            return None
        batch = AnchorBatch(
            first_entry_id=rows[0].id,
            last_entry_id=rows[-1].id,
            entry_count=len(rows),
            root=merkle.root([merkle.leaf(row.hash) for row in rows]).hex(),
            created_at=deps.clock.now(),
        )
        session.add(batch)
        try:
            await uow.commit()
        except IntegrityError:  # another process cut the same batch first: anchor theirs
            return None
        return batch.id


async def _anchor(deps: Deps, anchors: Anchors, batch_id: int) -> Anchored:
    async with deps.uow() as uow:
        batch = await uow.session.get(AnchorBatch, batch_id)
        assert batch is not None
        root, first, count = bytes.fromhex(batch.root), batch.first_entry_id, batch.entry_count
    known = await anchors.lookup(root)  # a crash after sending it last time, or another process
    if known is not None:
        _same_range(known, first, count)
        tx_hash, block = None, known.block_number
    else:
        try:
            receipt = await anchors.anchor(root, first, count)
            tx_hash, block = receipt.tx_hash, receipt.block_number
        except RootAlreadyAnchoredError:  # an earlier attempt was mined after all
            landed = await anchors.lookup(root)
            if landed is None:
                raise
            _same_range(landed, first, count)
            tx_hash, block = None, landed.block_number
    async with deps.uow() as uow:
        batch = await uow.session.get(AnchorBatch, batch_id)
        assert batch is not None
        batch.tx_hash = tx_hash or batch.tx_hash
        batch.block_number = block
        batch.anchored_at = deps.clock.now()
        batch.last_error = None
        await uow.commit()
        result = Anchored(
            batch.id, batch.first_entry_id, batch.last_entry_id, batch.root, batch.tx_hash, block
        )
    log.info(
        "audit.anchored",
        batch_id=batch_id,
        entries=f"{result.first_entry}-{result.last_entry}",
        block=block,
        tx_hash=tx_hash,
    )
    return result


def _same_range(known: OnChainRoot, first: int, count: int) -> None:
    if (known.first_entry, known.entry_count) != (first, count):
        raise ChainError(
            f"the chain holds this root for entries #{known.first_entry} "
            f"(+{known.entry_count}), not #{first} (+{count})"
        )


async def _failed(deps: Deps, batch_id: int, exc: ChainError) -> None:
    async with deps.uow() as uow:
        batch = await uow.session.get(AnchorBatch, batch_id)
        assert batch is not None
        batch.attempts += 1
        batch.last_error = str(exc)[:500]
        log.warning(
            "audit.anchor_failed", batch_id=batch_id, attempts=batch.attempts, error=str(exc)
        )
        if batch.attempts == ALERT_AFTER:
            detail = (
                f"Audit anchoring failed {batch.attempts} times for entries "
                f"#{batch.first_entry_id}-#{batch.last_entry_id}: {str(exc)[:200]}. "
                "Money is unaffected; anchoring retries on its own."
            )
            await alert_support(uow, deps.policy, "anchor_failed", detail, deps.clock.now())
        await uow.commit()


# --- checking --------------------------------------------------------------------------------


async def verify_batches(
    session: AsyncSession, connect: Callable[[], Awaitable[Anchors]] | None
) -> list[audit.ChainProblem]:
    """Every batch tiles the log, matches its entries' root, and (with `connect`, called only
    if some batch is anchored) is the root the chain holds for that range. A problem names the
    batch's first entry."""
    problems: list[audit.ChainProblem] = []
    anchors: Anchors | None = None
    unreachable: str | None = None
    expected_first = 1
    query = select(AnchorBatch).order_by(AnchorBatch.first_entry_id)
    for batch in (await session.scalars(query)).all():
        where = f"anchor batch #{batch.id} (entries #{batch.first_entry_id}-#{batch.last_entry_id})"

        def problem(detail: str, at: AnchorBatch = batch, where: str = where) -> None:
            problems.append(audit.ChainProblem(at.first_entry_id, f"{where}: {detail}"))

        if batch.first_entry_id != expected_first:
            problem(f"expected the batch to start at entry #{expected_first}")
        expected_first = batch.last_entry_id + 1
        hashes = (
            await session.scalars(
                select(PaymentLog.hash)
                .where(PaymentLog.id.between(batch.first_entry_id, batch.last_entry_id))
                .order_by(PaymentLog.id)
            )
        ).all()
        try:
            actual = merkle.root([merkle.leaf(h) for h in hashes]).hex() if hashes else ""
        except ValueError:  # a hash that is not even hex: the chain check names the entry
            actual = ""
        if len(hashes) != batch.entry_count or actual != batch.root:
            problem("its entries no longer add up to the recorded root")
        if connect is None or batch.block_number is None or unreachable:
            continue  # (once the chain failed, the one problem it made is enough)
        try:
            anchors = anchors or await connect()
            on_chain = await anchors.lookup(bytes.fromhex(batch.root))
        except (ChainError, ValueError) as exc:
            unreachable = str(exc) or type(exc).__name__
            problem(f"could not check this or later roots on the chain: {unreachable}")
            continue
        if on_chain is None:
            problem("the recorded root is not on the chain")
        elif (on_chain.first_entry, on_chain.entry_count) != (
            batch.first_entry_id,
            batch.entry_count,
        ):
            problem(
                f"the chain holds the root for entries #{on_chain.first_entry} "
                f"(+{on_chain.entry_count})"
            )
    return problems


async def unanchored_count(session: AsyncSession) -> int:
    """Entries not yet in an anchored batch."""
    anchored = await session.scalar(
        select(func.max(AnchorBatch.last_entry_id)).where(AnchorBatch.block_number.is_not(None))
    )
    total = await session.scalar(select(func.max(PaymentLog.id)))
    return int(total or 0) - int(anchored or 0)


async def anchor_of_entry(session: AsyncSession, entry_id: int) -> AnchorBatch | None:
    """The anchored batch holding entry `entry_id`, if it is anchored yet."""
    query = select(AnchorBatch).where(
        AnchorBatch.first_entry_id <= entry_id,
        AnchorBatch.last_entry_id >= entry_id,
        AnchorBatch.block_number.is_not(None),
    )
    batch: AnchorBatch | None = await session.scalar(query)
    return batch


# --- proofs ----------------------------------------------------------------------------------

ALGORITHM = (
    "entry_hash = sha256(prev_hash + '\\n' + entry_canonical_json) as hex; "
    "leaf = sha256(0x00 || bytes(entry_hash)); node = sha256(0x01 || left || right); "
    "fold the proof from the leaf: a 'left' sibling goes before, a 'right' one after; "
    "the result must equal the root the contract holds"
)


async def proof(session: AsyncSession, entry_id: int) -> dict[str, Any] | None:
    """Everything a third party needs to check that entry `entry_id` is in an anchored root:
    the entry and its hash inputs, the Merkle path, the batch and its transaction. None when
    the entry is not anchored yet (or does not exist)."""
    batch = await anchor_of_entry(session, entry_id)
    if batch is None:
        return None
    rows = (
        await session.scalars(
            select(PaymentLog)
            .where(PaymentLog.id.between(batch.first_entry_id, batch.last_entry_id))
            .order_by(PaymentLog.id)
        )
    ).all()
    leaves = [merkle.leaf(row.hash) for row in rows]
    index = entry_id - batch.first_entry_id
    entry = rows[index]
    return {
        "entry": {
            "id": entry.id,
            "prev_hash": entry.prev_hash,
            "canonical_json": audit.entry_body(audit.LogFields.of(entry)),
            "hash": entry.hash,
        },
        "leaf": leaves[index].hex(),
        "path": [
            {"side": step.side, "hash": step.sibling.hex()} for step in merkle.proof(leaves, index)
        ],
        "root": batch.root,
        "batch": {
            "id": batch.id,
            "first_entry": batch.first_entry_id,
            "entry_count": batch.entry_count,
            "tx_hash": batch.tx_hash,
            "block_number": batch.block_number,
        },
        "algorithm": ALGORITHM,
    }
