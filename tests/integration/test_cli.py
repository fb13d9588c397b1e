"""The `trustpay` command as an operator runs it, against the test databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from core.db import migrate
from core.db.engine import sync_url
from core.escrow.commands import Outcome
from core.payments.manual import ManualRail
from tests.servers import free_port
from tests.world import World

TRUSTPAY = [sys.executable, "-m", "trustpay"]


def trustpay(
    db_url: str, *args: str, cwd: Path, manual: bool = False, admins: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING"}
    if manual:
        env["PAYOUT_PROVIDER"] = "manual"
    if admins is not None:
        env["ADMIN_TELEGRAM_IDS"] = admins
    return subprocess.run(  # noqa: S603 -- our own command with fixed arguments
        [*TRUSTPAY, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def tamper(db_url: str, *statements: str) -> None:
    """Change rows behind the application's back, append-only triggers out of the way."""
    engine = create_engine(sync_url(db_url))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in ("payment_log", "ledger_entries", "ledger_transactions"):
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            for name in ("payment_log", "ledger_entries", "ledger_transactions"):
                for action in ("update", "delete"):
                    connection.execute(text(f"DROP TRIGGER IF EXISTS {name}_no_{action}"))
        for statement in statements:
            connection.execute(text(statement))
        if engine.dialect.name == "postgresql":
            for table in ("payment_log", "ledger_entries", "ledger_transactions"):
                connection.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
    engine.dispose()


async def test_escrow_show_prints_everything_support_needs_as_json(
    world: World, db_url: str, tmp_path: Path
) -> None:
    escrow = await world.deal(120_000)
    await world.dispute(escrow)
    await world.resolve(escrow, Outcome.SPLIT, 20_000)
    result = trustpay(db_url, "escrow", "show", escrow.code.lower(), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["code"] == escrow.code
    assert shown["state"] == "SPLIT"
    assert shown["amount_paise"] == 120_000
    assert shown["parties"]["payee"]["upi_id"] == "bi***@okaxis"
    assert [p["status"] for p in shown["payments"]] == ["held"]
    assert [p["amount_paise"] for p in shown["payouts"]] == [20_000 - 200]
    assert [r["amount_paise"] for r in shown["refunds"]] == [100_000]
    assert shown["ledger"]["holding_balance_paise"] == 0
    assert "bilal.k@okaxis" not in result.stdout


async def test_escrow_show_explains_unknown_and_malformed_codes(
    db_url: str, tmp_path: Path
) -> None:
    missing = trustpay(db_url, "escrow", "show", "ZZZZZZ", cwd=tmp_path)
    assert missing.returncode == 1
    assert "No escrow with code ZZZZZZ" in missing.stderr
    malformed = trustpay(db_url, "escrow", "show", "??", cwd=tmp_path)
    assert malformed.returncode == 2
    assert "Not a valid escrow code" in malformed.stderr


async def test_audit_verify_passes_after_real_escrows(
    world: World, db_url: str, tmp_path: Path
) -> None:
    for _ in range(3):
        escrow = await world.deal()
        await world.confirm_both(escrow)
    await world.pay(escrow, reference="TPSTRAY")
    result = trustpay(db_url, "audit", "verify", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


@pytest.mark.breaks_invariants
async def test_audit_verify_names_a_changed_log_entry(
    world: World, db_url: str, tmp_path: Path
) -> None:
    await world.deal()
    tamper(db_url, "UPDATE payment_log SET amount_paise = 1 WHERE id = 3")
    result = trustpay(db_url, "audit", "verify", cwd=tmp_path)
    assert result.returncode == 1
    assert "payment_log #3: hash does not match" in result.stdout


@pytest.mark.breaks_invariants
async def test_audit_verify_catches_a_deleted_log_entry(
    world: World, db_url: str, tmp_path: Path
) -> None:
    await world.deal()
    tamper(db_url, "DELETE FROM payment_log WHERE id = 2")
    result = trustpay(db_url, "audit", "verify", cwd=tmp_path)
    assert result.returncode == 1
    assert "payment_log #3" in result.stdout


@pytest.mark.breaks_invariants
async def test_audit_verify_catches_money_that_does_not_balance(
    world: World, db_url: str, tmp_path: Path
) -> None:
    escrow = await world.deal()
    tamper(db_url, "UPDATE ledger_entries SET amount_paise = amount_paise + 100 WHERE id = 2")
    result = trustpay(db_url, "audit", "verify", cwd=tmp_path)
    assert result.returncode == 1
    assert "balanced: transaction 1" in result.stdout
    assert f"escrow {escrow.id}" in result.stdout


def test_migrate_brings_an_empty_database_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    result = trustpay(url, "migrate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Database at revision {migrate.head()}" in result.stdout
    assert trustpay(url, "audit", "verify", cwd=tmp_path).returncode == 0


def test_run_refuses_production_with_sandbox_defaults_and_lists_them(tmp_path: Path) -> None:
    env = {**os.environ, "TRUSTPAY_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"}
    result = subprocess.run(  # noqa: S603 -- our own command with fixed arguments
        [*TRUSTPAY, "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "SETU_CLIENT_ID",
        "PAYOUT_PROVIDER",
        "TELEGRAM_BOT_TOKEN",
        "ADMIN_TELEGRAM_IDS",
        "CHAIN_RPC_URL",
    ):
        assert name in result.stderr
    assert not (tmp_path / "p.db").exists()


async def test_payout_done_records_a_manual_payout_and_completes_the_escrow(
    world: World, db_url: str, tmp_path: Path
) -> None:
    world.deps.rail = ManualRail()
    escrow = await world.deal()
    await world.confirm_both(escrow)
    assert await world.state(escrow) == "RELEASING"
    bad = trustpay(db_url, "payout", "done", escrow.code, "12", cwd=tmp_path, manual=True)
    assert bad.returncode == 1
    assert "a UTR is 6 to 35 letters and digits" in bad.stderr
    done = trustpay(
        db_url, "payout", "done", escrow.code, "axis123456789", cwd=tmp_path, manual=True
    )
    assert done.returncode == 0, done.stderr
    assert "AXIS123456789" in done.stdout
    assert await world.state(escrow) == "RELEASED"
    again = trustpay(
        db_url, "payout", "done", escrow.code, "AXIS123456789", cwd=tmp_path, manual=True
    )
    assert again.returncode == 1  # nothing is due any more


def test_run_with_no_configuration_serves_the_sandbox_and_says_what_to_try(
    tmp_path: Path,
) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/demo.db", "LOG_LEVEL": "WARNING"}
    for name in ("TELEGRAM_BOT_TOKEN", "SETU_CLIENT_ID", "PAYOUT_PROVIDER", "CHAIN_RPC_URL"):
        env.pop(name, None)
    server = subprocess.Popen(  # noqa: S603 -- our own command with fixed arguments
        [*TRUSTPAY, "run", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        printed: list[str] = []
        while not printed or ("Release money" not in printed[-1] and printed[-1]):
            printed.append(server.stdout.readline())  # "" once the process has ended
        banner = "".join(printed)
        base = f"http://127.0.0.1:{port}"
        assert f"Try it: open {base}/sandbox in a browser" in banner
        assert "/create 1500 Phone case" in banner
        page = _get_when_up(f"{base}/sandbox")
        assert page.status_code == 200
        assert "TrustPay sandbox chat" in page.text
        assert all(name in page.text for name in ("Alice", "Bob", "Support"))
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def _get_when_up(url: str, within: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
