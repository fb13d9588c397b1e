"""The payment log's hash chain, checked on rows built in memory (no database)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.audit import (
    GENESIS_HASH,
    ChainChecker,
    ChainProblem,
    LogFields,
    canonical_json,
    entry_hash,
    verify_rows,
)
from core.db.models import PaymentLog

START = datetime(2025, 1, 15, 9, 30, tzinfo=UTC)
IST = timezone(timedelta(hours=5, minutes=30))
EVENTS = ["payment_received", "payout_requested", "payout_sent", "refund_sent", "fee_taken"]


def _row(seq: int, prev_hash: str, **overrides: object) -> PaymentLog:
    values: dict[str, object] = {
        "id": seq,
        "escrow_id": 100 + seq % 3,
        "event_type": EVENTS[seq % len(EVENTS)],
        "status": "ok",
        "gateway_ref": f"ref-{seq}",
        "amount_paise": 150_000 + seq,
        "payload": canonical_json({"seq": seq, "payee_vpa": "bi***@okaxis", "note": "जमा"}),
        "error": None,
        "created_at": START + timedelta(minutes=seq),
        **overrides,
    }
    row = PaymentLog(prev_hash=prev_hash, hash="", **values)
    row.hash = entry_hash(prev_hash, LogFields.of(row))
    return row


def _chain(length: int = 6) -> list[PaymentLog]:
    rows: list[PaymentLog] = []
    for seq in range(1, length + 1):
        rows.append(_row(seq, rows[-1].hash if rows else GENESIS_HASH))
    return rows


def _first_bad(rows: list[PaymentLog]) -> int:
    problems = verify_rows(rows)
    assert problems, "the tampering went unnoticed"
    return problems[0].entry_id


def test_a_well_formed_chain_has_no_problems() -> None:
    assert verify_rows(_chain()) == []


def test_an_empty_log_has_no_problems() -> None:
    assert verify_rows([]) == []


def test_the_first_entry_follows_the_genesis_hash() -> None:
    first = _chain()[0]
    assert first.prev_hash == GENESIS_HASH == "0" * 64
    assert len(first.hash) == 64
    assert int(first.hash, 16) >= 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount_paise", 150_005),
        ("amount_paise", None),
        ("payload", canonical_json({"seq": 4, "payee_vpa": "xx***@ybl"})),
        ("created_at", START + timedelta(minutes=4, microseconds=1)),
        ("event_type", "refund_sent"),
        ("status", "failed"),
        ("gateway_ref", "ref-forged"),
        ("escrow_id", 999),
        ("error", "timeout"),
    ],
)
def test_changing_any_field_of_a_row_is_reported_at_that_row(field: str, value: object) -> None:
    rows = _chain()
    assert getattr(rows[3], field) != value
    setattr(rows[3], field, value)
    assert _first_bad(rows) == 4


def test_rehashing_a_changed_row_is_still_caught_at_the_next_row() -> None:
    rows = _chain()
    rows[2].amount_paise = 1
    rows[2].hash = entry_hash(rows[2].prev_hash, LogFields.of(rows[2]))
    problems = verify_rows(rows)
    assert [problem.entry_id for problem in problems] == [4]
    assert "prev_hash" in problems[0].detail


def test_deleting_a_row_is_reported_at_the_row_after_it() -> None:
    rows = _chain()
    del rows[2]
    assert _first_bad(rows) == 4


def test_deleting_the_first_row_is_reported_at_the_new_first_row() -> None:
    assert _first_bad(_chain()[1:]) == 2


def test_inserting_a_forged_row_is_reported_where_it_was_inserted() -> None:
    rows = _chain()
    rows.insert(3, _row(4, "f" * 64, amount_paise=1))
    assert _first_bad(rows) == 4


def test_inserting_a_correctly_hashed_row_is_reported_at_the_displaced_row() -> None:
    rows = _chain()
    forged = _row(4, rows[2].hash, amount_paise=1)
    rows.insert(3, forged)
    problems = verify_rows(rows)
    assert problems[0] == ChainProblem(4, "expected entry #5 here")


def test_swapping_two_rows_is_reported_at_the_first_swapped_position() -> None:
    rows = _chain()
    rows[2], rows[3] = rows[3], rows[2]
    assert _first_bad(rows) == 4


def test_swapping_two_rows_and_their_ids_is_still_caught() -> None:
    rows = _chain()
    rows[2].id, rows[3].id = rows[3].id, rows[2].id
    rows[2], rows[3] = rows[3], rows[2]
    assert _first_bad(rows) == 3


def test_every_problem_is_listed_first_first() -> None:
    rows = _chain()
    rows[1].status = "forged"
    rows[4].status = "forged"
    entry_ids = [problem.entry_id for problem in verify_rows(rows)]
    assert entry_ids == sorted(entry_ids)
    assert {2, 5} <= set(entry_ids)


def test_a_problem_reads_as_a_sentence_naming_the_entry() -> None:
    problem = ChainProblem(7, "hash does not match the entry's contents")
    assert str(problem) == "payment_log #7: hash does not match the entry's contents"


def test_a_checker_can_resume_from_a_known_tip() -> None:
    rows = _chain()
    checker = ChainChecker(start_hash=rows[2].hash)
    checker.tip_id = 3
    for row in rows[3:]:
        checker.feed(row)
    assert checker.problems == []
    assert (checker.tip_id, checker.tip_hash) == (6, rows[-1].hash)


def test_the_hash_covers_the_previous_hash() -> None:
    fields = LogFields.of(_chain()[0])
    assert entry_hash(GENESIS_HASH, fields) != entry_hash("1" * 64, fields)


def test_the_hash_does_not_depend_on_the_time_zone_of_created_at() -> None:
    fields = LogFields.of(_chain()[0])
    in_india = dataclasses.replace(fields, created_at=fields.created_at.astimezone(IST))
    assert entry_hash(GENESIS_HASH, in_india) == entry_hash(GENESIS_HASH, fields)


def test_canonical_json_sorts_keys_and_drops_spaces() -> None:
    assert canonical_json({"b": 1, "a": [1, 2], "c": {"z": None, "y": True}}) == (
        '{"a":[1,2],"b":1,"c":{"y":true,"z":null}}'
    )


def test_canonical_json_keeps_non_ascii_as_it_is() -> None:
    assert canonical_json({"note": "₹1,500 जमा 🙏"}) == '{"note":"₹1,500 जमा 🙏"}'


def test_canonical_json_spells_equal_values_the_same() -> None:
    assert canonical_json({"x": 1, "y": 2}) == canonical_json({"y": 2, "x": 1})
