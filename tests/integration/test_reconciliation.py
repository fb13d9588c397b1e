"""Reconciliation from the ledger: money in, out and fees over whole UTC days, with the
references an admin matches against the providers' statements; and `trustpay reconcile`."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest

from core import reconciliation
from core.escrow.commands import Outcome
from core.ledger import Kind
from core.reconciliation import Period, PeriodError
from tests.fakes import T0
from tests.integration.test_cli import trustpay
from tests.world import World

DAY = "2026-01-15"  # the test world's clock starts on this day


async def a_busy_day(world: World) -> None:
    """Released (1% fee), refunded, and money for a wrong amount handed back."""
    released = await world.deal(150_000)
    await world.confirm_both(released)
    refunded = await world.deal(80_000)
    await world.dispute(refunded)
    await world.resolve(refunded, Outcome.REFUND)
    waiting = await world.create(50_000)
    await world.join(waiting)
    await world.pay(waiting, amount=5_000)
    await world.run_jobs()


async def report(world: World, first: str = DAY, last: str = DAY) -> reconciliation.Report:
    async with world.deps.uow() as uow:
        return await reconciliation.report(uow.session, Period.parse(first, last))


async def test_a_day_of_money_adds_up(world: World) -> None:
    await a_busy_day(world)
    found = await report(world)
    assert found.totals == {
        "hold": 230_000,
        "release": 148_500,
        "fee": 1_500,
        "refund": 80_000,
        "unmatched": 5_000,
        "returned": 5_000,
    }
    assert found.total("in") == 235_000
    assert found.total("out") == 233_500
    assert found.total("fee") == 1_500
    assert found.net_paise == 1_500  # what is left at the gateway is exactly our fee
    assert (found.holding_paise, found.suspense_paise) == (0, 0)
    assert found.problems == []
    holds = [m for m in found.movements if m.kind == "hold"]
    assert all(m.reference and m.reference.startswith("RRN") for m in holds)
    [payout] = [m for m in found.movements if m.kind == "release"]
    assert payout.code
    assert payout.reference  # the payout's UTR (or the rail's id until it has one)
    assert found.movements == sorted(found.movements, key=lambda m: m.at)


async def test_money_still_held_shows_as_held_now(world: World) -> None:
    await world.deal(150_000)
    found = await report(world)
    assert found.total("in") == 150_000
    assert found.total("out") == 0
    assert found.holding_paise == 150_000


async def test_only_the_days_asked_for_are_counted(world: World) -> None:
    await world.deal(150_000)
    world.clock.advance(timedelta(days=1))
    await world.deal(20_000)
    assert (await report(world)).total("in") == 150_000
    next_day = (T0 + timedelta(days=1)).date().isoformat()
    assert (await report(world, next_day, next_day)).total("in") == 20_000
    assert (await report(world, DAY, next_day)).total("in") == 170_000
    assert (await report(world, "2025-01-01", "2025-12-31")).movements == []


async def test_the_csv_has_one_row_per_movement(world: World) -> None:
    await a_busy_day(world)
    found = await report(world)
    rows = list(csv.DictReader(io.StringIO(reconciliation.to_csv(found))))
    assert list(rows[0]) == reconciliation.CSV_COLUMNS
    assert len(rows) == len(found.movements)
    release = next(r for r in rows if r["kind"] == "release")
    assert (release["direction"], release["amount_inr"], release["amount_paise"]) == (
        "out",
        "1485.00",
        "148500",
    )
    assert release["time_utc"].startswith(DAY)


def test_every_kind_of_ledger_movement_has_a_direction() -> None:
    assert set(reconciliation.DIRECTIONS) == set(Kind)


def test_a_cell_never_starts_a_spreadsheet_formula() -> None:
    movement = reconciliation.Movement(T0, "hold", "in", 100, "ABC123", "=HYPERLINK(1)", "setu")
    found = reconciliation.Report(Period.parse(DAY, DAY), [movement])
    [row] = list(csv.DictReader(io.StringIO(reconciliation.to_csv(found))))
    assert row["reference"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-13-01", "2026-12-01", "YYYY-MM-DD"),
        ("yesterday", "today", "YYYY-MM-DD"),
        ("20261101", "2026-11-02", "YYYY-MM-DD"),
        ("2026-W44-1", "2026-11-02", "YYYY-MM-DD"),
        ("2026-11-30", "2026-11-01", "ends before it starts"),
        ("2024-01-01", "2026-01-01", "at most 366 days"),
    ],
)
def test_bad_periods_are_explained(first: str, last: str, message: str) -> None:
    with pytest.raises(PeriodError, match=message):
        Period.parse(first, last)


async def test_the_command_prints_the_totals_and_writes_the_csv(
    world: World, db_url: str, tmp_path: Path
) -> None:
    await a_busy_day(world)
    out = tmp_path / "day.csv"
    result = trustpay(  # the fake providers of this world live in no server to compare with
        db_url,
        "reconcile",
        "--from",
        DAY,
        "--to",
        DAY,
        "--csv",
        str(out),
        "--ledger-only",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Money in:      ₹2,350" in result.stdout
    assert "(2 hold, 1 unmatched)" in result.stdout
    assert "Money out:     ₹2,335" in result.stdout
    assert "Fees earned:   ₹15" in result.stdout
    assert "The books balance." in result.stdout
    assert f"Wrote 7 movement(s) to {out}" in result.stdout
    assert out.read_text(encoding="utf-8").startswith("time_utc,escrow_code,kind")

    bad = trustpay(db_url, "reconcile", "--from", DAY, "--to", "2026-01-01", cwd=tmp_path)
    assert bad.returncode == 2
    assert "ends before it starts" in bad.stderr


async def test_admin_link_is_only_for_admins(db_url: str, tmp_path: Path) -> None:
    link = trustpay(db_url, "admin", "link", "--telegram-id", "9009", cwd=tmp_path, admins="9009")
    assert link.returncode == 0, link.stderr
    assert link.stdout.strip().startswith("http://127.0.0.1:8000/admin/login/")
    refused = trustpay(
        db_url, "admin", "link", "--telegram-id", "1001", cwd=tmp_path, admins="9009"
    )
    assert refused.returncode == 1
    assert "1001 is not in ADMIN_TELEGRAM_IDS" in refused.stderr
