"""Shared fixtures: databases (SQLite always, PostgreSQL when configured) and the test world.

Every test that uses `db_url` runs once per database kind. After each one the audit chain and
the ledger invariants are re-checked, unless the test is marked `breaks_invariants` (it
tampers on purpose).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from tests.databases import KINDS, PostgresSchema, SqliteTemplate
from tests.world import World


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "breaks_invariants: tampers with data on purpose")


@pytest.fixture(autouse=True)
def sandbox_chain_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's sandbox EVM keeps its journal in the test's own folder, never in ./."""
    monkeypatch.setenv("CHAIN_SANDBOX_FILE", str(tmp_path / "chain.jsonl"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresSchema]:
    schema = PostgresSchema()
    yield schema
    schema.drop()


@pytest.fixture(params=KINDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A freshly migrated, empty database: a SQLite file, or the PostgreSQL test schema."""
    if request.param == "postgresql":
        schema: PostgresSchema = request.getfixturevalue("postgres")
        return schema.reset()
    template: SqliteTemplate = request.getfixturevalue("sqlite_template")
    return template.copy_to(tmp_path)


@pytest.fixture
def db_kind(db_url: str) -> str:
    return "sqlite" if db_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def fresh_db(request: pytest.FixtureRequest, db_url: str, tmp_path: Path) -> Callable[[], str]:
    """Call for another empty database of the same kind (one per Hypothesis example)."""
    counter = iter(range(1_000_000))

    def make() -> str:
        if db_url.startswith("sqlite"):
            template: SqliteTemplate = request.getfixturevalue("sqlite_template")
            directory = tmp_path / f"example-{next(counter)}"
            directory.mkdir()
            return template.copy_to(directory)
        schema: PostgresSchema = request.getfixturevalue("postgres")
        return schema.reset()

    return make


@pytest.fixture
async def world(db_url: str, request: pytest.FixtureRequest) -> AsyncIterator[World]:
    opened = await World.open(db_url)
    try:
        yield opened
        if request.node.get_closest_marker("breaks_invariants") is None:
            assert await opened.problems() == []
    finally:
        await opened.close()
