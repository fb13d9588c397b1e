"""The running service over real HTTP: health, and the scheduler wired in."""

from __future__ import annotations

from pathlib import Path

import httpx
from structlog.testing import capture_logs

from core.config import Settings
from tests.servers import serving
from trustpay import bootstrap


async def test_healthz_answers_ok_when_the_database_is_reachable(db_url: str) -> None:
    runtime = bootstrap.build_runtime(Settings(_env_file=None, database_url=db_url))
    async with serving(bootstrap.build_app(runtime)) as base, httpx.AsyncClient() as client:
        response = await client.get(f"{base}/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_is_503_when_the_database_is_gone(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "trustpay.db"
    runtime = bootstrap.build_runtime(Settings(_env_file=None, database_url=f"sqlite:///{missing}"))
    app = bootstrap.build_app(runtime, scheduler=False)
    async with serving(app) as base, httpx.AsyncClient() as client:
        response = await client.get(f"{base}/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


async def test_scheduler_runs_every_job_body(db_url: str) -> None:
    runtime = bootstrap.build_runtime(Settings(_env_file=None, database_url=db_url))
    scheduler = bootstrap.build_scheduler(runtime)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {
        "expire_escrows",
        "retry_transfers",
        "process_inbox",
        "poll_payments",
        "drain_outbox",
        "anchor_audit_log",
        "reconcile_providers",
    }
    try:
        with capture_logs() as logged:
            for job in jobs.values():  # each body runs against a real, empty database
                await job.func(*job.args)
    finally:
        await runtime.aclose()
    assert [entry for entry in logged if entry["event"] == "job.failed"] == []


async def test_openapi_docs_are_served(db_url: str) -> None:
    runtime = bootstrap.build_runtime(Settings(_env_file=None, database_url=db_url))
    app = bootstrap.build_app(runtime, scheduler=False)
    async with serving(app) as base, httpx.AsyncClient() as client:
        spec = (await client.get(f"{base}/openapi.json")).json()
        docs = await client.get(f"{base}/docs")
    assert "/healthz" in spec["paths"]
    assert docs.status_code == 200
