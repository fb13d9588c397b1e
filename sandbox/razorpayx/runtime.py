"""What every part of one simulator shares: its settings, fault switches, clock and tasks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.razorpayx.config import SimulatorConfig
from sandbox.razorpayx.faults import Faults

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def unix(moment: datetime) -> int:
    """Razorpay's timestamps: whole Unix seconds."""
    return int(moment.timestamp())


class Tasks:
    """Background work (webhook deliveries, settlement timers), cancelled together on close."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("razorpayx simulator: background task failed", exc_info=task.exception())

    async def cancel_all(self) -> None:
        pending = list(self._tasks)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


@dataclass
class Runtime:
    config: SimulatorConfig
    faults: Faults = field(default_factory=Faults)
    clock: Clock = system_clock
    tasks: Tasks = field(default_factory=Tasks)

    def now(self) -> datetime:
        return self.clock()
