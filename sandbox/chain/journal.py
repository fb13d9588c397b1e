"""The sandbox chain's journal: every signed transaction ever accepted, one JSON line each.

Each process keeps its own in-memory EVM; the journal is what they share. Every read and write
happens under an exclusive `flock`, and writers append whole lines, so a reader holding the
lock sees either complete lines or the torn tail of a writer that crashed (which it cuts off).

Lines: {"tx": "0x<raw signed transaction>"} or {"contract": "0x<AuditAnchor address>"}.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from core.logs import get_logger

log = get_logger("trustpay.sandbox.chain")


@dataclass
class Unread:
    """What the journal holds past a reader's offset."""

    records: list[dict[str, Any]]
    end: int  # the offset just past them
    rewound: bool  # the file is shorter than the reader's offset: it was replaced


class LockedJournal:
    """The open journal while its lock is held."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file

    def read_from(self, offset: int) -> Unread:
        size = os.fstat(self._file.fileno()).st_size
        if size < offset:
            return Unread([], 0, rewound=True)
        self._file.seek(offset)
        data = self._file.read()
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            # Writers append whole lines under the lock, so a partial one is a crashed writer's.
            log.warning("sandbox_chain.torn_line_dropped", path=self._file.name, offset=offset)
            self._file.truncate(offset + complete)
        return Unread(_parse(data[:complete]), offset + complete, rewound=False)

    def append(self, record: dict[str, Any]) -> int:
        """Write one line; returns the new end offset."""
        self._file.write(json.dumps(record, sort_keys=True).encode() + b"\n")
        self._file.flush()
        os.fsync(self._file.fileno())
        return os.fstat(self._file.fileno()).st_size


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def locked(self) -> Iterator[LockedJournal]:
        """Hold the journal's exclusive lock (blocking: call it from a worker thread)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+b") as file:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX)
            try:
                yield LockedJournal(file)
            finally:
                fcntl.flock(file.fileno(), fcntl.LOCK_UN)


def _parse(data: bytes) -> list[dict[str, Any]]:
    records = []
    for line in data.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict):
            records.append(record)
        elif line.strip():
            log.warning("sandbox_chain.bad_line_skipped")
    return records
