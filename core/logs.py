"""Structured logging: JSON or console lines, with context, and without secrets or UPI ids.

Use cases bind `escrow_id`, `code`, `user_id` and `amount_paise` with `log_context(...)`; every
line logged inside carries them. The `scrub` processor runs on every record (ours and those
of libraries such as httpx, whose request lines contain the bot token): secret-named fields
are replaced, bot tokens and UPI ids inside any text are masked.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog

from core.payments.vpa import mask_vpa, mask_vpas_in

_SECRET_KEYS = re.compile(r"(secret|token|password|passwd|authorization|private_key|api_key)", re.I)
_VPA_KEYS = re.compile(r"(vpa|upi_id)", re.I)
_BOT_TOKEN = re.compile(r"\d{5,12}(?::|%3A)[A-Za-z0-9_-]{30,}", re.I)  # raw or URL-encoded
_BEARER = re.compile(r"(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")


def scrub_text(text: str) -> str:
    text = _BOT_TOKEN.sub("<bot-token>", text)
    text = _BEARER.sub(r"\1 ***", text)
    return mask_vpas_in(text)


def _scrub_value(key: str, value: Any) -> Any:
    if _SECRET_KEYS.search(key):
        return "***" if value else value
    if isinstance(value, str):
        return mask_vpa(value) if _VPA_KEYS.search(key) and "@" in value else scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(key, v) for v in value]
    return value


def scrub(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: no secret or full UPI id leaves the process in a log line."""
    event.pop("color_message", None)  # uvicorn's duplicate of the message, with ANSI colours
    for key in list(event):
        if key in ("level", "logger", "timestamp", "_record", "_from_structlog"):
            continue
        event[key] = _scrub_value(key, event[key])
    return event


def configure_logging(
    *, level: str = "INFO", fmt: str = "text", file: str = "", max_bytes: int = 0, backups: int = 5
) -> None:
    """Route structlog and the standard library through one scrubbed formatter."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        structlog.processors.format_exc_info,  # tracebacks become text before they are scrubbed
        scrub,
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            renderer,
        ],
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if file:
        handlers.append(
            logging.handlers.RotatingFileHandler(
                file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
        )
    root = logging.getLogger()
    root.handlers.clear()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, QuietPolls) for f in access.filters):
        access.addFilter(QuietPolls())


class QuietPolls(logging.Filter):
    """Drop the access-log line of each successful bot long poll against the local Telegram
    sandbox (one a second, forever); every other request, and any failed poll, still logs."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        path, status = (str(args[2]), args[4]) if len(args) >= 5 else ("", None)
        return not (path.endswith("/getUpdates") and status == 200)


@contextmanager
def log_context(**values: Any) -> Iterator[None]:
    """Bind fields (escrow_id, code, user_id, amount_paise, ...) to every log line inside."""
    with structlog.contextvars.bound_contextvars(
        **{k: v for k, v in values.items() if v is not None}
    ):
        yield


def get_logger(name: str) -> Any:
    return structlog.stdlib.get_logger(name)
