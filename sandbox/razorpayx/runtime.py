"""What every part of one simulator shares: its settings, fault switches, clock and tasks."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sandbox.background import Clock, Tasks, system_clock
from sandbox.razorpayx.config import SimulatorConfig
from sandbox.razorpayx.faults import Faults

log = logging.getLogger(__name__)


def unix(moment: datetime) -> int:
    """Razorpay's timestamps: whole Unix seconds."""
    return int(moment.timestamp())


@dataclass
class Runtime:
    config: SimulatorConfig
    faults: Faults = field(default_factory=Faults)
    clock: Clock = system_clock
    tasks: Tasks = field(default_factory=lambda: Tasks("razorpayx simulator"))

    def now(self) -> datetime:
        return self.clock()
