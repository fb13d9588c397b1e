"""What every part of one sandbox shares: settings, fault switches, clock and tasks."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sandbox.background import Clock, Tasks, system_clock
from sandbox.telegram.config import SandboxConfig
from sandbox.telegram.faults import Faults

log = logging.getLogger(__name__)


class Signal:
    """Wakes everyone waiting for "something changed". Check, then wait: nothing is missed,
    because a round's event is taken before the first await."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> bool:
        """True when notified, False when `seconds` passed first."""
        event = self._event
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives just as the event is set, and the waiting task then never ends.
            async with asyncio.timeout(max(seconds, 0.0)):
                await event.wait()
        except TimeoutError:
            return False
        return True


def deadline_in(seconds: float) -> float:
    return asyncio.get_running_loop().time() + seconds


def seconds_until(deadline: float) -> float:
    return deadline - asyncio.get_running_loop().time()


@dataclass
class Runtime:
    config: SandboxConfig
    faults: Faults = field(default_factory=Faults)
    clock: Clock = system_clock
    tasks: Tasks = field(default_factory=lambda: Tasks("telegram sandbox"))

    def now(self) -> datetime:
        return self.clock()

    def unix(self) -> int:
        """Telegram's dates: whole Unix seconds."""
        return int(self.clock().timestamp())
