"""`make bench`: run every benchmark, print ratios, save them under bench/results/."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import core_paths

RESULTS = Path(__file__).parent / "results"


async def main() -> int:
    targets: list[tuple[str, str | None]] = [("sqlite", None)]
    pg = os.environ.get("TRUSTPAY_BENCH_DATABASE_URL") or os.environ.get(
        "TRUSTPAY_TEST_DATABASE_URL"
    )
    if pg:
        targets.append(("postgresql", pg))
    else:
        print("(PostgreSQL skipped: set TRUSTPAY_BENCH_DATABASE_URL to include it)")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for kind, url in targets:
            rows += await core_paths.run(kind, url or f"sqlite:///{scratch}/bench.db")
    rows += core_paths.audit_hashing()
    width = max(len(r["name"]) for r in rows)
    print(f"{'benchmark':<{width}}  {'value':>12}  {'baseline':>12}  ratio")
    for row in rows:
        print(
            f"{row['name']:<{width}}  {row['value']:>12.1f}  {row['baseline']:>12.1f}  "
            f"{row['ratio']:.3f}  ({row['unit']}; {row['meaning']})"
        )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
