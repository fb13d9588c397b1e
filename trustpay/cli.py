"""The `trustpay` command: run, migrate, inspect escrows, verify the audit trail."""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from core import reconciliation
from core.config import ProductionConfigError, Settings
from core.db import migrate as migrations
from core.db.engine import is_sqlite
from core.errors import ForbiddenError, InputError, ServiceError
from core.logs import configure_logging
from core.money import format_inr
from trustpay import bootstrap, checks, operator

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
escrow_app = typer.Typer(no_args_is_help=True, help="Look at escrows.")
audit_app = typer.Typer(no_args_is_help=True, help="The audit trail and the ledger.")
payout_app = typer.Typer(no_args_is_help=True, help="Payouts support makes or repeats.")
admin_app = typer.Typer(no_args_is_help=True, help="The admin web pages.")
app.add_typer(escrow_app, name="escrow")
app.add_typer(audit_app, name="audit")
app.add_typer(payout_app, name="payout")
app.add_typer(admin_app, name="admin")


def _settings() -> Settings:
    settings = Settings()
    configure_logging(
        level=settings.log_level,
        fmt=settings.log_format,
        file=settings.log_file,
        max_bytes=settings.log_file_max_bytes,
        backups=settings.log_file_backups,
    )
    return settings


@app.command()
def run(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Start TrustPay: web app, scheduled jobs and the bot, on one event loop."""
    settings = _settings()
    try:
        settings.check_production()
    except ProductionConfigError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from exc
    if is_sqlite(settings.database_url):
        migrations.upgrade(settings.database_url)  # the embedded default sets itself up
    elif migrations.current(settings.database_url) != migrations.head():
        typer.echo("The database is not migrated: run `trustpay migrate` first.", err=True)
        raise typer.Exit(2)
    listen_host, listen_port = host or settings.host, port or settings.port
    base = f"http://{listen_host}:{listen_port}"
    runtime = bootstrap.build_runtime(settings, base_url=base)
    web = bootstrap.build_app(runtime)
    typer.echo(f"TrustPay on {base}")
    for line in bootstrap.describe_services(settings, base):
        typer.echo(f"  {line}")
    for line in bootstrap.sandbox_hint(settings, base):
        typer.echo(line)
    config = uvicorn.Config(
        web,
        host=listen_host,
        port=listen_port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
    asyncio.run(bootstrap.Server(config, runtime).serve())


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    settings = _settings()
    migrations.upgrade(settings.database_url)
    typer.echo(f"Database at revision {migrations.current(settings.database_url)}.")


@escrow_app.command("show")
def escrow_show(
    code: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one escrow: state, amounts, parties, payments, payouts, refunds, ledger balance."""
    settings = _settings()
    try:
        snapshot = asyncio.run(checks.snapshot(settings, code))
    except InputError as exc:
        typer.echo(f"Not a valid escrow code: {code!r}", err=True)
        raise typer.Exit(2) from exc
    if snapshot is None:
        typer.echo(f"No escrow with code {code.strip().upper()}.", err=True)
        raise typer.Exit(1)
    if as_json:
        typer.echo(json.dumps(snapshot, indent=2, ensure_ascii=False))
        return
    for key in ("code", "name", "state", "amount_paise", "fee_paise", "description"):
        typer.echo(f"{key:>14}: {snapshot[key]}")
    typer.echo(f"{'holding':>14}: {snapshot['ledger']['holding_balance_paise']} paise")


@audit_app.command("verify")
def audit_verify() -> None:
    """Re-check the hash chain, every anchored root against the chain, and the ledger
    invariants; exit 1 naming the first bad entry if anything is wrong."""
    settings = _settings()
    verdict = asyncio.run(checks.verify(settings))
    if verdict.problems:
        typer.echo(f"FAILED: {len(verdict.problems)} problem(s)")
        for problem in verdict.problems:
            typer.echo(f"- {problem}")
        raise typer.Exit(1)
    typer.echo("OK: audit chain intact, anchored roots match the chain, ledger invariants hold.")
    typer.echo(f"Chain: {verdict.chain}")
    if verdict.unanchored:
        typer.echo(f"{verdict.unanchored} newest entries are not anchored yet (the job will).")


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Anchor the payment-log entries not yet on the chain, now (the job does it every few
    minutes); exit 1 if the chain could not take them."""
    settings = _settings()
    run = asyncio.run(checks.anchor(settings))
    for batch in run.anchored:
        typer.echo(
            f"Anchored entries #{batch.first_entry}-#{batch.last_entry}: root {batch.root} "
            f"in block {batch.block_number} (tx {batch.tx_hash or 'already on chain'})"
        )
    if run.error:
        typer.echo(f"Could not anchor: {run.error}. Money is unaffected; try again.", err=True)
        raise typer.Exit(1)
    if not run.anchored:
        typer.echo("Nothing new to anchor.")


@audit_app.command("proof")
def audit_proof(entry_id: Annotated[int, typer.Argument(help="payment-log entry id")]) -> None:
    """Print (JSON) a Merkle inclusion proof of one payment-log entry that anyone can check
    with sha256 and the contract's `roots` view."""
    settings = _settings()
    found = asyncio.run(checks.proof(settings, entry_id))
    if found is None:
        typer.echo(
            f"Entry #{entry_id} is not anchored yet (or does not exist): "
            "run `trustpay audit anchor` and ask again.",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(json.dumps(found, indent=2, ensure_ascii=False))


@payout_app.command("done")
def payout_done(code: str, utr: str) -> None:
    """Record a payout made by hand (manual rail): the escrow completes with this UTR."""
    settings = _settings()
    try:
        escrow = asyncio.run(operator.record_manual_payout(settings, code, utr))
    except ServiceError as exc:
        typer.echo(f"Not recorded: {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Recorded UTR {utr.strip().upper()} for {escrow.code}.")


@payout_app.command("repay")
def payout_repay(
    code: str,
    upi_id: Annotated[str | None, typer.Option(help="The payee's new UPI id.")] = None,
) -> None:
    """Pay again the money a reversed payout brought back (optionally to a new UPI id)."""
    settings = _settings()
    try:
        escrow = asyncio.run(operator.repay_reversed_payout(settings, code, upi_id))
    except ServiceError as exc:
        typer.echo(f"Not started: {exc.detail}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"Re-payment started for {escrow.code}.")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


@app.command()
def reconcile(
    first: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (UTC).")],
    last: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (UTC), included.")],
    csv_file: Annotated[
        Path | None, typer.Option("--csv", help="Also write every movement to this CSV file.")
    ] = None,
    ledger_only: Annotated[
        bool, typer.Option("--ledger-only", help="Check our books only, not the providers'.")
    ] = False,
) -> None:
    """Money in, out and fees over a period, what is held now, whether the books balance, and
    whether they match Setu's and the payout rail's records; exit 1 if anything differs."""
    settings = _settings()
    try:
        period = reconciliation.Period.parse(first, last)
    except reconciliation.PeriodError as exc:
        typer.echo(f"Bad period: {exc}.", err=True)
        raise typer.Exit(2) from exc
    found, providers = asyncio.run(operator.reconcile(settings, period, providers=not ledger_only))
    counts = Counter(m.kind for m in found.movements)
    typer.echo(f"Reconciliation {period.first} to {period.last} (UTC days)")
    typer.echo(f"  Money in:      {format_inr(found.total('in'))}  {_kinds(counts, 'in')}")
    typer.echo(f"  Money out:     {format_inr(found.total('out'))}  {_kinds(counts, 'out')}")
    typer.echo(f"  Fees earned:   {format_inr(found.total('fee'))}")
    typer.echo(f"  Provider fees: {format_inr(found.total('cost'))}")
    typer.echo(f"  Net cash:      {format_inr(found.net_paise)}")
    typer.echo(f"  Held now:      {format_inr(found.holding_paise)} for escrows")
    typer.echo(f"  Suspense now:  {format_inr(found.suspense_paise)} to hand back")
    typer.echo(f"  Open alerts:   {found.open_alerts}")
    if csv_file is not None:
        csv_file.write_text(reconciliation.to_csv(found), encoding="utf-8")
        typer.echo(f"Wrote {len(found.movements)} movement(s) to {csv_file}")
    for line in providers.compared:
        typer.echo(f"  Compared {line}")
    failed = False
    if found.problems:
        typer.echo(f"The books do NOT balance: {len(found.problems)} problem(s)")
        for problem in found.problems:
            typer.echo(f"- {problem}")
        failed = True
    else:
        typer.echo("The books balance.")
    if providers.mismatches:
        count = len(providers.mismatches)
        typer.echo(f"The providers' records do NOT match ours: {count} difference(s)")
        for mismatch in providers.mismatches:
            typer.echo(f"- {mismatch}")
        failed = True
    for unreachable in providers.unreachable:
        typer.echo(f"Could not compare with {unreachable}")
        failed = True
    if providers.compared and not failed:
        typer.echo("The providers' records match ours.")
    if failed:
        raise typer.Exit(1)


def _kinds(counts: Counter[str], direction: str) -> str:
    kinds = [k for k, d in reconciliation.DIRECTIONS.items() if d == direction and counts[k]]
    return "(" + ", ".join(f"{counts[k]} {k}" for k in kinds) + ")" if kinds else ""


@admin_app.command("link")
def admin_link(
    telegram_id: Annotated[int, typer.Option("--telegram-id", help="An ADMIN_TELEGRAM_IDS id.")],
) -> None:
    """Print a one-time sign-in link to the admin pages (valid 10 minutes), as /login does."""
    settings = _settings()
    try:
        url = asyncio.run(operator.admin_link(settings, telegram_id))
    except ForbiddenError as exc:
        typer.echo(f"No link: {telegram_id} is not in ADMIN_TELEGRAM_IDS.", err=True)
        raise typer.Exit(1) from exc
    typer.echo(url)
