"""The CLI's audit work: escrow snapshots, verification, anchoring and inclusion proofs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core import anchoring, audit, ledger
from core.config import Settings
from core.escrow.queries import escrow_snapshot
from trustpay.bootstrap import opened


async def snapshot(settings: Settings, code: str) -> dict[str, Any] | None:
    async with opened(settings) as runtime, runtime.deps.uow() as uow:
        return await escrow_snapshot(uow, code)


@dataclass(frozen=True, slots=True)
class Verdict:
    problems: list[str]  # first bad entry first
    unanchored: int  # entries not on the chain yet (not a problem: the job anchors them)
    chain: str  # which chain was checked


async def verify(settings: Settings) -> Verdict:
    """Every problem with the audit chain, its anchors and the ledger, as lines for a person."""
    async with opened(settings) as runtime:
        async with runtime.deps.uow() as uow:
            chain = await audit.verify_chain(uow.session)
            batches = await anchoring.verify_batches(uow.session, runtime.anchors)
            books = await ledger.check_invariants(uow.session)
            unanchored = await anchoring.unanchored_count(uow.session)
        connected = runtime.chain.anchors_factory.connected
    # the hash chain names the first bad entry; batch problems say which anchor disagrees
    problems = [str(p) for p in [*chain, *batches]] + [str(v) for v in books]
    where = connected.description if connected else "not read (nothing anchored yet)"
    return Verdict(problems, unanchored, where)


async def anchor(settings: Settings) -> anchoring.AnchorRun:
    """Anchor now what the job would anchor next."""
    async with opened(settings) as runtime:
        return await anchoring.anchor_pending(runtime.deps, runtime.anchors)


async def proof(settings: Settings, entry_id: int) -> dict[str, Any] | None:
    """The inclusion proof of one entry, with the chain that holds its root."""
    async with opened(settings) as runtime:
        async with runtime.deps.uow() as uow:
            found = await anchoring.proof(uow.session, entry_id)
        if found is not None:
            found["chain"] = await runtime.chain_facts()
        return found
