"""Log scrubbing: no secret, bot token or full UPI id leaves the process in a log line."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog

from core.logs import QuietPolls, configure_logging, get_logger, log_context, scrub, scrub_text

TOKEN = "123456789:AAHabcdefghijklmnopqrstuvwxyz0123456789"
TELEGRAM_URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root logger and structlog back the way they were after the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    noisy = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, noisy_level in noisy.items():
        logging.getLogger(name).setLevel(noisy_level)
    structlog.reset_defaults()


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _scrubbed(**fields: Any) -> dict[str, Any]:
    return dict(scrub(None, "info", dict(fields)))


def test_a_telegram_bot_token_in_text_is_masked() -> None:
    assert scrub_text(f"POST {TELEGRAM_URL}") == (
        "POST https://api.telegram.org/bot<bot-token>/sendMessage"
    )


def test_a_url_encoded_bot_token_in_an_access_log_line_is_masked() -> None:
    line = '"POST /sandbox/telegram/bot123456789%3AAAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe"'
    assert scrub_text(line) == '"POST /sandbox/telegram/bot<bot-token>/getMe"'


def test_a_bearer_header_in_text_is_masked() -> None:
    masked = scrub_text("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc-def_ghi")
    assert masked == "Authorization: Bearer ***"


def test_a_basic_auth_header_in_text_is_masked() -> None:
    assert scrub_text("basic dXNlcjpwYXNzd29yZA==") == "basic ***"


def test_a_upi_id_in_text_is_masked() -> None:
    assert scrub_text("paying bilal@okaxis now") == "paying bi***@okaxis now"


def test_ordinary_text_is_left_alone() -> None:
    text = "escrow ABCD23 held ₹1,500 for 12:30 जमा"
    assert scrub_text(text) == text


@pytest.mark.parametrize(
    "key",
    [
        "secret",
        "secret_key",
        "client_secret",
        "token",
        "bot_token",
        "password",
        "db_passwd",
        "Authorization",
        "private_key",
        "X_API_KEY",
    ],
)
def test_a_secret_named_field_is_replaced(key: str) -> None:
    assert _scrubbed(**{key: "hunter2-value"})[key] == "***"


def test_an_empty_secret_field_stays_empty_so_absence_is_visible() -> None:
    assert _scrubbed(secret="", token=None) == {"secret": "", "token": None}


@pytest.mark.parametrize("key", ["vpa", "payee_vpa", "upi_id", "payer_upi_id"])
def test_a_upi_id_field_is_masked(key: str) -> None:
    assert _scrubbed(**{key: "bilal@okaxis"})[key] == "bi***@okaxis"


def test_ordinary_fields_keep_their_values() -> None:
    fields = {"escrow_id": 5, "amount_paise": 150_000, "code": "ABCD23", "ok": True}
    assert _scrubbed(**fields) == fields


def test_nested_dicts_and_lists_are_scrubbed() -> None:
    event = _scrubbed(
        request={"headers": {"Authorization": "Bearer abcdefgh12345"}, "payee_vpa": "a.b@ybl"},
        items=[{"password": "p4ss"}, f"see {TELEGRAM_URL}", "bilal@okaxis"],
        tokens=["t1", "t2"],
    )
    assert event["request"] == {"headers": {"Authorization": "***"}, "payee_vpa": "a.***@ybl"}
    assert event["items"] == [
        {"password": "***"},
        "see https://api.telegram.org/bot<bot-token>/sendMessage",
        "bi***@okaxis",
    ]
    assert event["tokens"] == "***"


def test_the_bookkeeping_fields_are_not_touched() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "x", None, None)
    event = _scrubbed(level="info", logger="token_logger", _record=record, event="hi")
    assert event["logger"] == "token_logger"
    assert event["_record"] is record


def test_uvicorns_coloured_duplicate_message_is_dropped() -> None:
    assert "color_message" not in _scrubbed(event="GET /", color_message="\x1b[1mGET /\x1b[0m")


@pytest.mark.usefixtures("restore_logging")
def test_json_log_lines_carry_context_and_no_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(fmt="json")
    get_logger("t").info("x", payee_vpa="bilal@okaxis", secret_key="s3cr3t", escrow_id=5)
    logging.getLogger("httpx").warning(f"POST {TELEGRAM_URL}")
    output = capsys.readouterr().err
    lines = _json_lines(output)
    assert len(lines) == 2
    assert lines[0]["escrow_id"] == 5
    assert lines[0]["payee_vpa"] == "bi***@okaxis"
    assert lines[1]["logger"] == "httpx"
    for leaked in ("bilal@okaxis", "s3cr3t", TOKEN):
        assert leaked not in output


@pytest.mark.usefixtures("restore_logging")
def test_stdlib_log_arguments_are_scrubbed_after_formatting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(fmt="json")
    logging.getLogger("bot").warning("paying %s via %s", "bilal@okaxis", TELEGRAM_URL)
    output = capsys.readouterr().err
    assert _json_lines(output)[0]["event"].startswith("paying bi***@okaxis via")
    assert "bilal@okaxis" not in output
    assert TOKEN not in output


@pytest.mark.usefixtures("restore_logging")
def test_bound_context_appears_on_every_line_inside(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(fmt="json")
    with log_context(escrow_id=9, code="ABCD23", user_id=None):
        get_logger("t").info("inside")
    get_logger("t").info("outside")
    inside, outside = _json_lines(capsys.readouterr().err)
    assert (inside["escrow_id"], inside["code"]) == (9, "ABCD23")
    assert "user_id" not in inside
    assert "escrow_id" not in outside


@pytest.mark.usefixtures("restore_logging")
def test_text_log_lines_carry_no_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(fmt="text")
    get_logger("t").info("x", payee_vpa="bilal@okaxis", api_key="s3cr3t", escrow_id=5)
    logging.getLogger("httpx").warning(f"POST {TELEGRAM_URL}")
    output = capsys.readouterr().err
    assert "escrow_id=5" in output
    for leaked in ("bilal@okaxis", "s3cr3t", TOKEN):
        assert leaked not in output


@pytest.mark.usefixtures("restore_logging")
def test_debug_lines_are_dropped_at_info_level(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(fmt="json", level="info")
    get_logger("t").debug("hidden")
    logging.getLogger("httpx").info("hidden too")
    assert capsys.readouterr().err == ""


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_an_exception_message_in_a_log_line_is_scrubbed(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    configure_logging(fmt=fmt)
    try:
        raise RuntimeError(f"POST {TELEGRAM_URL} failed for bilal@okaxis")
    except RuntimeError:
        get_logger("t").exception("send failed")
        logging.getLogger("httpx").exception("send failed")
    output = capsys.readouterr().err.replace("\n", "")  # a console traceback wraps long lines
    assert "send failed" in output
    assert TOKEN not in output
    assert "bilal@okaxis" not in output


def test_log_file_is_written_and_rotated(tmp_path: Path, restore_logging: None) -> None:
    target = tmp_path / "trustpay.log"
    configure_logging(fmt="json", file=str(target), max_bytes=400, backups=2)
    for n in range(30):
        get_logger("t").info("payment.applied", escrow_id=n, payee_vpa="bilal@okaxis")
    for handler in logging.getLogger().handlers:
        handler.flush()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["trustpay.log", "trustpay.log.1", "trustpay.log.2"]
    written = "".join((tmp_path / name).read_text() for name in files)
    assert '"escrow_id": 29' in written
    assert "bilal@okaxis" not in written


def test_successful_bot_long_polls_are_left_out_of_the_access_log() -> None:
    def line(path: str, status: int) -> logging.LogRecord:
        args = ("127.0.0.1:5", "POST", path, "1.1", status)
        return logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', args, None)

    quiet = QuietPolls()
    assert not quiet.filter(line("/sandbox/telegram/bot1:abc/getUpdates", 200))
    assert quiet.filter(line("/sandbox/telegram/bot1:abc/getUpdates", 409))
    assert quiet.filter(line("/sandbox/telegram/bot1:abc/sendMessage", 200))
