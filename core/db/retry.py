"""Retrying a whole transaction when the database says two of them collided.

PostgreSQL aborts one side of a deadlock (40P01) or a serialization conflict (40001); SQLite
reports a lock it waited too long for. The use case had committed nothing, so running it again
from the start is safe; a few attempts with jitter, then the error stands.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import DBAPIError

from core.logs import get_logger

P = ParamSpec("P")
T = TypeVar("T")
ATTEMPTS = 5
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
log = get_logger("trustpay.db")


def is_conflict(exc: DBAPIError) -> bool:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return sqlstate in RETRYABLE_SQLSTATES or "database is locked" in str(exc.orig)


def retry_on_conflict(
    fn: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """Run `fn` again (up to 5 times in all) if its transaction lost a deadlock or lock race."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return await fn(*args, **kwargs)
            except DBAPIError as exc:
                if attempt == ATTEMPTS or not is_conflict(exc):
                    raise
                log.warning("db.conflict_retry", use_case=fn.__name__, attempt=attempt)
                await asyncio.sleep(random.uniform(0, 0.02 * 2**attempt))  # noqa: S311
        raise AssertionError("unreachable")

    return wrapper
