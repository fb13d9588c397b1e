"""Anchoring on an EVM: the web3 adapter against the sandbox chain, in process and over HTTP.

The sandbox chain is a real EVM (eth-tester's py-evm); what it shares between processes is its
journal file, so "another process" here is another `SandboxChain` on the same file (and once,
a real subprocess).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from web3 import AsyncWeb3
from web3.exceptions import ContractLogicError
from web3.types import Nonce, TxParams

from contracts.build import HERE as CONTRACTS_DIR
from contracts.build import compile_contract, render
from core.chain import (
    ChainError,
    ChainPolicy,
    OnChainRoot,
    RootAlreadyAnchoredError,
    Web3Anchors,
    audit_anchor_artifact,
    http_provider,
    redacted_url,
)
from core.config import Settings
from sandbox.chain import SANDBOX_DEV_ADDRESS, SANDBOX_DEV_KEY, SANDBOX_SECOND_KEY, SandboxChain
from tests.servers import free_port, serving
from trustpay import providers

ROOT_DIR = Path(__file__).resolve().parents[2]


def root(n: int) -> bytes:
    return n.to_bytes(32, "big")


def journal_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines() if path.exists() else []


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    return tmp_path / "chain.jsonl"


@pytest.fixture
async def anchors(journal: Path) -> AsyncIterator[Web3Anchors]:
    opened = await SandboxChain(journal).anchors()
    yield opened
    await opened.aclose()


async def test_a_root_is_read_back_with_its_batch_and_block(anchors: Web3Anchors) -> None:
    receipt = await anchors.anchor(root(1), first_entry=1, entry_count=10)

    assert await anchors.lookup(root(1)) == OnChainRoot(1, 10, receipt.block_number)
    assert receipt.tx_hash.startswith("0x")
    assert len(receipt.tx_hash) == 66
    assert anchors.deployed
    assert anchors.description.startswith("in-process EVM (sandbox, journal ")
    assert anchors.contract_address in anchors.description
    assert SANDBOX_DEV_KEY[2:] not in anchors.description


async def test_an_unknown_root_is_not_found(anchors: Web3Anchors) -> None:
    assert await anchors.lookup(root(404)) is None


async def test_a_root_cannot_be_anchored_twice(anchors: Web3Anchors) -> None:
    first = await anchors.anchor(root(7), 1, 5)

    with pytest.raises(RootAlreadyAnchoredError, match=f"root 0x{root(7).hex()} is already"):
        await anchors.anchor(root(7), 6, 5)
    assert await anchors.lookup(root(7)) == OnChainRoot(1, 5, first.block_number)


async def test_an_empty_batch_is_refused(anchors: Web3Anchors) -> None:
    with pytest.raises(ChainError, match="entry count is zero"):
        await anchors.anchor(root(8), 1, 0)
    assert await anchors.lookup(root(8)) is None


async def test_only_the_owner_may_anchor(journal: Path, anchors: Web3Anchors) -> None:
    chain = SandboxChain(journal)
    with pytest.raises(ChainError, match=f"owned by {SANDBOX_DEV_ADDRESS}, not by this key's"):
        await Web3Anchors.connect(chain.provider(), SANDBOX_SECOND_KEY, anchors.contract_address)

    # The contract itself refuses a stranger: in a call, and in a transaction that gets mined.
    w3 = AsyncWeb3(chain.provider())
    account = w3.eth.account.from_key(SANDBOX_SECOND_KEY)
    contract = w3.eth.contract(address=anchors.contract_address, abi=audit_anchor_artifact().abi)
    with pytest.raises(ContractLogicError, match="caller is not the owner"):
        await contract.functions.anchor(root(9), 1, 1).call({"from": account.address})
    fields: TxParams = {"from": account.address, "gas": 100_000, "nonce": Nonce(0)}
    tx = await contract.functions.anchor(root(9), 1, 1).build_transaction(fields)
    sent = await w3.eth.send_raw_transaction(account.sign_transaction(tx).raw_transaction)
    assert (await w3.eth.get_transaction_receipt(sent))["status"] == 0
    assert await anchors.lookup(root(9)) is None


async def test_a_restarted_process_finds_its_roots_and_contract(journal: Path) -> None:
    before = await SandboxChain(journal).anchors()
    landed = await before.anchor(root(1), 1, 3)
    await before.aclose()

    after = await SandboxChain(journal).anchors()

    assert not after.deployed
    assert after.contract_address == before.contract_address
    assert await after.lookup(root(1)) == OnChainRoot(1, 3, landed.block_number)
    await after.aclose()


async def test_two_processes_anchoring_in_turn_see_one_chain(journal: Path) -> None:
    one = await SandboxChain(journal).anchors()
    two = await SandboxChain(journal).anchors()
    landed = {}
    for n, writer in enumerate([one, two, one, two], start=1):
        landed[n] = await writer.anchor(root(n), 10 * n, 10)

    fresh = await SandboxChain(journal).anchors()
    for reader in (one, two, fresh):
        assert reader.contract_address == one.contract_address
        for n, receipt in landed.items():
            assert await reader.lookup(root(n)) == OnChainRoot(10 * n, 10, receipt.block_number)
    assert [r.block_number for r in landed.values()] == [2, 3, 4, 5]  # block 1: the deployment
    for opened in (one, two, fresh):
        await opened.aclose()


async def test_a_root_anchored_by_another_os_process_is_seen(journal: Path) -> None:
    here = await SandboxChain(journal).anchors()
    script = (
        "import asyncio, sys\n"
        "from sandbox.chain import SandboxChain\n"
        "async def main():\n"
        "    anchors = await SandboxChain(sys.argv[1]).anchors()\n"
        "    print(anchors.contract_address, (await anchors.anchor(bytes(31) + b'\\x2a', 42, 7))"
        ".block_number)\n"
        "asyncio.run(main())\n"
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script, str(journal)],
        cwd=ROOT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    address, block = done.stdout.split()

    assert address == here.contract_address
    assert await here.lookup(root(42)) == OnChainRoot(42, 7, int(block))
    await here.aclose()


async def test_a_torn_journal_line_is_dropped_and_the_chain_goes_on(journal: Path) -> None:
    first = await SandboxChain(journal).anchors()
    await first.anchor(root(1), 1, 1)
    with journal.open("ab") as file:
        file.write(b'{"tx": "0x02f8')  # a writer that died mid-line

    second = await SandboxChain(journal).anchors()
    await second.anchor(root(2), 2, 1)

    assert await first.lookup(root(2)) is not None
    assert all(line.startswith(b"{") for line in journal_lines(journal))
    for opened in (first, second):
        await opened.aclose()


async def test_the_adapter_works_over_json_rpc_on_http(journal: Path) -> None:
    chain = SandboxChain(journal)
    async with serving(chain.app()) as base:
        remote = await Web3Anchors.connect(http_provider(f"{base}/sandbox/chain"), SANDBOX_DEV_KEY)
        try:
            landed = await remote.anchor(root(5), 100, 20)
            with pytest.raises(RootAlreadyAnchoredError):
                await remote.anchor(root(5), 100, 20)
            assert await remote.lookup(root(5)) == OnChainRoot(100, 20, landed.block_number)
            assert await remote.lookup(root(6)) is None
            port = base.rsplit(":", 1)[1]
            assert remote.description.startswith(f"RPC http://127.0.0.1:{port}/…, chain id ")
        finally:
            await remote.aclose()

    # The in-process side of the same chain sees what came over HTTP.
    local = await Web3Anchors.connect(chain.provider(), SANDBOX_DEV_KEY, remote.contract_address)
    assert await local.lookup(root(5)) == OnChainRoot(100, 20, landed.block_number)
    await local.aclose()


async def test_json_rpc_speaks_like_a_node_and_refuses_unjournaled_writes(journal: Path) -> None:
    chain = SandboxChain(journal)
    async with serving(chain.app()) as base, httpx.AsyncClient() as http:
        batch = [
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            {"jsonrpc": "2.0", "id": "b", "method": "eth_blockNumber"},
            {"jsonrpc": "2.0", "id": 3, "method": "eth_sendTransaction", "params": [{}]},
            {"jsonrpc": "2.0", "id": 4, "method": "evm_mine", "params": []},
        ]
        answers = (await http.post(f"{base}/sandbox/chain", json=batch)).json()
        garbage = (await http.post(f"{base}/sandbox/chain", content=b"{nope")).json()

    assert answers[0] == {"jsonrpc": "2.0", "id": 1, "result": hex(131277322940537)}
    assert answers[1] == {"jsonrpc": "2.0", "id": "b", "result": "0x0"}
    assert [a["error"]["code"] for a in answers[2:]] == [-32601, -32601]
    assert garbage["error"]["code"] == -32700
    assert journal_lines(journal) == []


async def test_an_unreachable_chain_fails_fast_after_retries() -> None:
    policy = ChainPolicy(attempts=3, backoff_seconds=0.05)
    provider = http_provider(f"http://127.0.0.1:{free_port()}/rpc", timeout_seconds=2)
    started = time.monotonic()

    with pytest.raises(ChainError, match="unreachable after 3 attempts"):
        await Web3Anchors.connect(provider, SANDBOX_DEV_KEY, policy=policy)
    assert time.monotonic() - started < 5


async def test_a_wrong_contract_address_or_key_is_a_chain_error(anchors: Web3Anchors) -> None:
    chain_file = anchors.description.split("journal ", 1)[1].split(")", 1)[0]
    chain = SandboxChain(chain_file)
    with pytest.raises(ChainError, match="no contract at"):
        await Web3Anchors.connect(chain.provider(), SANDBOX_DEV_KEY, "0x" + "12" * 20)
    with pytest.raises(ChainError, match="not a valid") as refused:
        await Web3Anchors.connect(chain.provider(), "0xnot-a-key")
    assert "not-a-key" not in str(refused.value)


def test_rpc_urls_are_shown_without_credentials_or_keys() -> None:
    url = "https://user:pw@mainnet.infura.io:8545/v3/0123456789abcdef?apikey=s3cret"
    assert redacted_url(url) == "https://mainnet.infura.io:8545/…"
    assert redacted_url("http://127.0.0.1:8545") == "http://127.0.0.1:8545"


def test_the_committed_contract_build_matches_its_source() -> None:
    fresh = render(compile_contract(CONTRACTS_DIR / "AuditAnchor.vy"))
    committed = (CONTRACTS_DIR / "AuditAnchor.json").read_text(encoding="utf-8")
    assert committed == fresh, "contracts/AuditAnchor.json is stale: run `make contracts`"
    assert json.loads(committed)["bytecode"] == audit_anchor_artifact().bytecode


async def test_the_sandbox_side_connects_once_to_the_journaled_chain(journal: Path) -> None:
    side = providers.chain(
        Settings(_env_file=None, chain_sandbox_file=str(journal)), "http://127.0.0.1:8000"
    )
    assert side.sandbox is not None
    assert side.where.endswith("JSON-RPC at http://127.0.0.1:8000/sandbox/chain")

    first = await side.anchors_factory()
    assert await side.anchors_factory() is first
    await first.anchor(root(1), 1, 1)
    await side.anchors_factory.aclose()

    again = await SandboxChain(journal).anchors()
    assert await again.lookup(root(1)) is not None
    await again.aclose()


async def test_the_real_side_deploys_once_over_rpc_and_hides_the_key(journal: Path) -> None:
    async with serving(SandboxChain(journal).app()) as base:
        url = f"{base}/sandbox/chain?apikey=s3cret"
        settings = Settings(
            _env_file=None, chain_rpc_url=url, chain_private_key=SecretStr(SANDBOX_DEV_KEY)
        )
        side = providers.chain(settings, base)
        assert side.sandbox is None
        assert "s3cret" not in side.where

        anchors = await side.anchors_factory()
        assert await side.anchors_factory() is anchors
        assert side.anchors_factory.connected is not None
        assert side.anchors_factory.connected.deployed
        await anchors.anchor(root(3), 1, 2)
        assert await anchors.lookup(root(3)) is not None
        assert "s3cret" not in anchors.description
        assert SANDBOX_DEV_KEY[2:] not in anchors.description
        await side.anchors_factory.aclose()
