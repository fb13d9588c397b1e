"""Merkle roots and inclusion proofs over payment-log entry hashes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import merkle

hashes = st.lists(st.binary(min_size=32, max_size=32).map(bytes.hex), min_size=1, max_size=40)


@given(hashes, st.data())
def test_every_leafs_proof_leads_to_the_root(entry_hashes: list[str], data: st.DataObject) -> None:
    leaves = [merkle.leaf(h) for h in entry_hashes]
    index = data.draw(st.integers(0, len(leaves) - 1))
    assert merkle.fold(leaves[index], merkle.proof(leaves, index)) == merkle.root(leaves)


@given(hashes, st.data())
def test_changing_any_entry_changes_the_root(entry_hashes: list[str], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(entry_hashes) - 1))
    other = data.draw(st.binary(min_size=32, max_size=32).map(bytes.hex))
    changed = [*entry_hashes]
    changed[index] = other
    leaves = [merkle.leaf(h) for h in entry_hashes]
    if other != entry_hashes[index]:
        assert merkle.root([merkle.leaf(h) for h in changed]) != merkle.root(leaves)


@given(hashes)
def test_a_batch_and_the_batch_with_its_last_entry_repeated_differ(entry_hashes: list[str]) -> None:
    leaves = [merkle.leaf(h) for h in entry_hashes]
    assert merkle.root(leaves) != merkle.root([*leaves, leaves[-1]])


def test_a_proof_from_the_wrong_leaf_does_not_lead_to_the_root() -> None:
    leaves = [merkle.leaf(hashlib.sha256(bytes([i])).hexdigest()) for i in range(5)]
    assert merkle.fold(leaves[1], merkle.proof(leaves, 2)) != merkle.root(leaves)


def test_the_tree_is_the_documented_one() -> None:
    a, b, c = (hashlib.sha256(x).hexdigest() for x in (b"a", b"b", b"c"))
    la, lb, lc = (hashlib.sha256(b"\x00" + bytes.fromhex(h)).digest() for h in (a, b, c))
    ab = hashlib.sha256(b"\x01" + la + lb).digest()
    assert (
        merkle.root([merkle.leaf(h) for h in (a, b, c)])
        == hashlib.sha256(b"\x01" + ab + lc).digest()
    )
    assert merkle.root([merkle.leaf(a)]) == la


def test_empty_batches_and_missing_leaves_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one leaf"):
        merkle.root([])
    with pytest.raises(IndexError):
        merkle.proof([merkle.leaf("00" * 32)], 1)
