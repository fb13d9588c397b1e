"""Test databases: a migrated SQLite template copied per test, and PostgreSQL when configured.

PostgreSQL runs when TRUSTPAY_TEST_DATABASE_URL is set (CI sets it). Each test session gets
its own schema in that database, migrated once and truncated before every test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core.audit import GENESIS_HASH
from core.db import migrate
from core.db.models import Base

PG_URL = os.environ.get("TRUSTPAY_TEST_DATABASE_URL", "")
KINDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
TABLES = [t.name for t in Base.metadata.sorted_tables if t.name != "audit_head"]


def pg_schema_url(schema: str) -> str:
    """The test PostgreSQL database with `schema` first on the search path."""
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


class SqliteTemplate:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        migrate.upgrade(f"sqlite:///{self.path}")

    def copy_to(self, directory: Path) -> str:
        target = directory / "trustpay-test.db"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"


class PostgresSchema:
    def __init__(self) -> None:
        self.schema = f"tp_test_{os.getpid()}"
        self.url = pg_schema_url(self.schema)
        self._admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
        with self._admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {self.schema}"))
        migrate.upgrade(self.url)
        self._engine = create_engine(make_url(self.url).set(drivername="postgresql+psycopg"))

    def reset(self) -> str:
        with self._engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE"))
            connection.execute(
                text("UPDATE audit_head SET last_id = 0, last_hash = :genesis"),
                {"genesis": GENESIS_HASH},
            )
        return self.url

    def drop(self) -> None:
        self._engine.dispose()
        with self._admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
        self._admin.dispose()
