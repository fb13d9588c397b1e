"""What a party action reports back to the entry point."""

from __future__ import annotations

from dataclasses import dataclass

from core.db.models import Escrow


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What a party action did: `changed` is False when it was already done (a double tap)."""

    escrow: Escrow
    changed: bool = True
    money_moving: bool = False
