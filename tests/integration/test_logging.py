"""What operators see: every payment operation logged as JSON with its context, no UPI ids."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from core.logs import configure_logging
from tests.world import PAYEE_VPA, World


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def _lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


async def test_payment_operations_carry_escrow_code_user_and_amount(
    world: World, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(level="INFO", fmt="json")  # here, so it writes to the captured stderr
    escrow = await world.deal(77_700)
    await world.confirm_both(escrow)
    output = capsys.readouterr().err
    lines = _lines(output)
    events = {line["event"]: line for line in lines}
    for event in ("payment.applied", "transfer.calling", "transfer.answered", "escrow.confirmed"):
        line = events[event]
        assert line["escrow_id"] == escrow.id
        assert line["code"] == escrow.code
        assert "user_id" in line
    assert events["payment.applied"]["amount_paise"] == 77_700
    assert events["transfer.calling"]["amount_paise"] == 77_700 - 777
    assert PAYEE_VPA not in output
    assert "asha.r@okhdfc" not in output
