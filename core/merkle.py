"""Merkle trees over payment-log entry hashes: one root stands for a whole batch of entries.

    leaf = sha256(0x00 || entry_hash)          entry_hash: the entry's 32-byte hash
    node = sha256(0x01 || left || right)
    a level with an odd count carries its last node up unchanged

The 0x00/0x01 prefixes keep a leaf from passing for a node; carrying the odd node up (instead
of pairing it with itself) keeps two different batches from sharing a root. A proof lists the
siblings from the leaf up, each with the side it sits on, so anyone can check it with sha256.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Side = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Step:
    side: Side  # where the sibling sits
    sibling: bytes


def leaf(entry_hash: str) -> bytes:
    """The leaf of one entry, from its hex hash."""
    return hashlib.sha256(b"\x00" + bytes.fromhex(entry_hash)).digest()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root(leaves: Sequence[bytes]) -> bytes:
    """The root over `leaves` (at least one)."""
    if not leaves:
        raise ValueError("a Merkle tree needs at least one leaf")
    level = list(leaves)
    while len(level) > 1:
        level = _up(level)
    return level[0]


def proof(leaves: Sequence[bytes], index: int) -> list[Step]:
    """The siblings that lead from leaf `index` to the root."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is not in a tree of {len(leaves)}")
    steps: list[Step] = []
    level = list(leaves)
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            side: Side = "left" if sibling < index else "right"
            steps.append(Step(side, level[sibling]))
        index //= 2
        level = _up(level)
    return steps


def fold(start: bytes, steps: Sequence[Step]) -> bytes:
    """The root a proof leads to from `start` (a leaf)."""
    current = start
    for step in steps:
        pair = (step.sibling, current) if step.side == "left" else (current, step.sibling)
        current = node(*pair)
    return current


def _up(level: list[bytes]) -> list[bytes]:
    pairs = [node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        pairs.append(level[-1])
    return pairs
