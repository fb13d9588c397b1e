"""What every use case is given: the unit of work, the clock, the ports and the rules."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from core.db.uow import UnitOfWork
from core.escrow.policy import Policy
from core.escrow.ports import Clock, PaymentGateway, PayoutRail


@dataclass
class Deps:
    uow: Callable[[], UnitOfWork]
    clock: Clock
    gateway: PaymentGateway
    rail: PayoutRail
    policy: Policy
    rng: random.Random = field(default_factory=random.SystemRandom)
