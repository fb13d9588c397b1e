"""What every part of one simulator shares: its settings, fault switches, clock and tasks."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sandbox.background import Clock, Tasks, system_clock
from sandbox.setu.config import SimulatorConfig
from sandbox.setu.faults import Faults

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    config: SimulatorConfig
    faults: Faults = field(default_factory=Faults)
    clock: Clock = system_clock
    tasks: Tasks = field(default_factory=lambda: Tasks("setu simulator"))
