"""The CLI's read-only work: escrow snapshots and the audit/ledger verification."""

from __future__ import annotations

from typing import Any

from core import audit, ledger
from core.config import Settings
from core.escrow.queries import escrow_snapshot
from trustpay.bootstrap import build_runtime


async def snapshot(settings: Settings, code: str) -> dict[str, Any] | None:
    runtime = build_runtime(settings)
    try:
        async with runtime.deps.uow() as uow:
            return await escrow_snapshot(uow, code)
    finally:
        await runtime.aclose()


async def verify(settings: Settings) -> list[str]:
    """Every problem with the audit chain and the ledger, as lines for a person."""
    runtime = build_runtime(settings)
    try:
        async with runtime.deps.uow() as uow:
            chain = await audit.verify_chain(uow.session)
            books = await ledger.check_invariants(uow.session)
    finally:
        await runtime.aclose()
    return [str(problem) for problem in chain] + [str(violation) for violation in books]
