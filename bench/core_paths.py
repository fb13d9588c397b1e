"""The money paths against their physical floor.

- payment_held: applying a payment (inbox-free core path: dedupe insert, guarded transition,
  two ledger entries, audit append, two outbox rows) per second, against the same database's
  rate of bare one-row INSERT+COMMIT transactions. The ratio says how many commits' worth of
  work the money path costs (1.0 would be free beyond the commit itself).
- release: confirm by both parties + payout + settlement per second, same baseline.
- audit_verify: re-hashing the chain per entry, against plain sha256 of the same bytes.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from sqlalchemy import text

from core import audit
from core.db import migrate
from core.db.engine import is_sqlite, make_engine
from tests.databases import PostgresSchema
from tests.world import World

N_PAYMENTS = 300


async def _commit_rate(url: str, n: int) -> float:
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER)"))
    start = time.perf_counter()
    for i in range(n):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO bench_floor (id) VALUES (:i)"), {"i": i})
    elapsed = time.perf_counter() - start
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE bench_floor"))
    await engine.dispose()
    return n / elapsed


async def run(kind: str, url: str) -> list[dict[str, Any]]:
    schema = None
    if is_sqlite(url):
        migrate.upgrade(url)
    else:
        import os

        os.environ.setdefault("TRUSTPAY_TEST_DATABASE_URL", url)
        schema = PostgresSchema()
        url = schema.reset()
    world = await World.open(url)
    world.with_policy(max_open_escrows_per_user=100_000)
    try:
        floor = await _commit_rate(url, N_PAYMENTS)
        escrows = []
        for _ in range(N_PAYMENTS):
            escrow = await world.create(10_000)
            escrows.append(await world.join(escrow))
        start = time.perf_counter()
        for escrow in escrows:
            await world.pay(escrow)
        paid = N_PAYMENTS / (time.perf_counter() - start)
        start = time.perf_counter()
        for escrow in escrows[:100]:
            await world.confirm(escrow, "payer")
            await world.confirm(escrow, "payee")
        released = 100 / (time.perf_counter() - start)
        assert await world.problems() == []
    finally:
        await world.close()
        if schema is not None:
            schema.drop()
    return [
        _row(
            f"{kind}: payment_held",
            paid,
            floor,
            "per second",
            "payments held / bare commits; 1.0 = no cost beyond one commit",
        ),
        _row(
            f"{kind}: release",
            released,
            floor,
            "per second",
            "escrows released (2 confirms + payout) / bare commits",
        ),
    ]


def audit_hashing(n: int = 20_000) -> list[dict[str, Any]]:
    from datetime import UTC, datetime

    fields = audit.LogFields(
        1,
        1,
        "payment.held",
        "HELD",
        "pay_1",
        10_000,
        '{"rrn":"RRN00000001"}',
        None,
        datetime.now(UTC),
    )
    body = audit.canonical_json(fields.__repr__()).encode()
    start = time.perf_counter()
    for _ in range(n):
        hashlib.sha256(body).hexdigest()
    raw = n / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(n):
        audit.entry_hash(audit.GENESIS_HASH, fields)
    chained = n / (time.perf_counter() - start)
    return [
        _row(
            "audit_verify per entry",
            chained,
            raw,
            "per second",
            "entry hashes / raw sha256 of similar bytes",
        )
    ]


def _row(name: str, value: float, baseline: float, unit: str, meaning: str) -> dict[str, Any]:
    return {
        "name": name,
        "value": value,
        "baseline": baseline,
        "ratio": value / baseline,
        "unit": unit,
        "meaning": meaning,
    }
