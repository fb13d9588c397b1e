"""`trustpay audit anchor | verify | proof` as an operator and an auditor run them, on the embedded
default: the sandbox EVM with no configuration, shared between the commands by its journal.

The proof is checked the way a third party would: with hashlib and a plain JSON-RPC call to the
contract, none of TrustPay's code.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from web3 import AsyncHTTPProvider, AsyncWeb3

from core.db.engine import sync_url
from sandbox.chain import SandboxChain
from tests.integration.test_cli import tamper, trustpay
from tests.servers import serving
from tests.world import World


@pytest.fixture
async def history(world: World) -> World:
    """One escrow paid and released, one cancelled: a dozen or so log entries."""
    escrow = await world.deal()
    await world.confirm_both(escrow)
    await world.run_jobs()
    other = await world.create(50_000)
    await world.join(other)
    await world.cancel(other, "payer", "changed my mind")
    return world


def entry_count(db_url: str) -> int:
    engine = create_engine(sync_url(db_url))
    with engine.connect() as connection:
        count = int(connection.execute(text("SELECT count(*) FROM payment_log")).scalar_one())
    engine.dispose()
    return count


async def test_anchor_then_verify_then_prove_with_no_configuration(
    history: World, db_url: str, tmp_path: Path
) -> None:
    total = entry_count(db_url)
    before = trustpay(db_url, "audit", "verify", cwd=tmp_path)
    assert before.returncode == 0, before.stdout + before.stderr
    assert f"{total} newest entries are not anchored yet" in before.stdout

    anchored = trustpay(db_url, "audit", "anchor", cwd=tmp_path)
    assert anchored.returncode == 0, anchored.stderr
    assert f"Anchored entries #1-#{total}" in anchored.stdout
    assert "in block" in anchored.stdout
    again = trustpay(db_url, "audit", "anchor", cwd=tmp_path)
    assert "Nothing new to anchor." in again.stdout

    verified = trustpay(db_url, "audit", "verify", cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout
    assert "anchored roots match the chain" in verified.stdout
    assert "not anchored yet" not in verified.stdout

    proofs = {}
    for entry_id in (1, total // 2, total):
        proved = trustpay(db_url, "audit", "proof", str(entry_id), cwd=tmp_path)
        assert proved.returncode == 0, proved.stderr
        proofs[entry_id] = json.loads(proved.stdout)
    # The auditor's node: the same chain, served over JSON-RPC from its journal.
    async with serving(SandboxChain(tmp_path / "chain.jsonl").app()) as node:
        for entry_id, proof in proofs.items():
            await check_independently(proof, entry_id, f"{node}/sandbox/chain")


async def test_a_changed_anchored_root_fails_verify_naming_the_batch(
    history: World, db_url: str, tmp_path: Path
) -> None:
    assert trustpay(db_url, "audit", "anchor", cwd=tmp_path).returncode == 0
    tamper(db_url, f"UPDATE anchor_batches SET root = '{'ab' * 32}' WHERE id = 1")
    verified = trustpay(db_url, "audit", "verify", cwd=tmp_path)
    assert verified.returncode == 1
    lines = verified.stdout.splitlines()
    assert lines[0].startswith("FAILED")
    assert lines[1].startswith("- payment_log #1: anchor batch #1 (entries #1-#")
    assert "not on the chain" in verified.stdout


@pytest.mark.breaks_invariants
async def test_a_changed_entry_fails_verify_naming_it(
    history: World, db_url: str, tmp_path: Path
) -> None:
    assert trustpay(db_url, "audit", "anchor", cwd=tmp_path).returncode == 0
    tamper(db_url, "UPDATE payment_log SET event_type = event_type || '!' WHERE id = 5")
    verified = trustpay(db_url, "audit", "verify", cwd=tmp_path)
    assert verified.returncode == 1
    assert verified.stdout.splitlines()[1].startswith("- payment_log #5:")


async def test_proof_of_an_entry_not_anchored_yet_says_what_to_do(
    history: World, db_url: str, tmp_path: Path
) -> None:
    proved = trustpay(db_url, "audit", "proof", "1", cwd=tmp_path)
    assert proved.returncode == 1
    assert "not anchored yet" in proved.stderr
    assert "trustpay audit anchor" in proved.stderr


LOOKUP_ABI = [
    {
        "type": "function",
        "name": "lookup",
        "stateMutability": "view",
        "inputs": [{"name": "root", "type": "bytes32"}],
        "outputs": [
            {"name": "first_entry", "type": "uint256"},
            {"name": "entry_count", "type": "uint256"},
            {"name": "block_number", "type": "uint256"},
        ],
    }
]


async def check_independently(proof: dict[str, Any], entry_id: int, rpc_url: str) -> None:
    """What an auditor runs: sha256 from the entry up to the root, then the contract's record
    of that root, read with plain web3 from a JSON-RPC node."""
    entry = proof["entry"]
    assert entry["id"] == entry_id
    body = f"{entry['prev_hash']}\n{entry['canonical_json']}".encode()
    entry_hash = hashlib.sha256(body).hexdigest()
    assert entry_hash == entry["hash"]
    assert json.loads(entry["canonical_json"])["seq"] == entry_id
    node = hashlib.sha256(b"\x00" + bytes.fromhex(entry_hash)).digest()
    for step in proof["path"]:
        sibling = bytes.fromhex(step["hash"])
        pair = sibling + node if step["side"] == "left" else node + sibling
        node = hashlib.sha256(b"\x01" + pair).digest()
    assert node.hex() == proof["root"]

    w3 = AsyncWeb3(AsyncHTTPProvider(rpc_url))
    contract = w3.eth.contract(address=proof["chain"]["contract"], abi=LOOKUP_ABI)
    first, count, block = await contract.functions.lookup(node).call()
    assert await w3.eth.chain_id == proof["chain"]["chain_id"]
    assert (first, count, block) == (
        proof["batch"]["first_entry"],
        proof["batch"]["entry_count"],
        proof["batch"]["block_number"],
    )
    assert first <= entry_id < first + count
