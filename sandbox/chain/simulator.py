"""SandboxChain: the embedded default chain, shared by every TrustPay process on one machine."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from web3 import AsyncWeb3

from core.chain import ChainPolicy, Web3Anchors
from core.logs import get_logger
from sandbox.chain.evm import SharedEvm
from sandbox.chain.journal import Journal
from sandbox.chain.provider import SandboxProvider
from sandbox.chain.routes import rpc_router

log = get_logger("trustpay.sandbox.chain")

# Accounts 0 and 1 of the public development mnemonic (evm.SANDBOX_MNEMONIC): sandbox only.
SANDBOX_DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
SANDBOX_DEV_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
SANDBOX_SECOND_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
SANDBOX_SECOND_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

# Blocks are mined as transactions arrive: receipts are there on the first poll.
SANDBOX_POLICY = ChainPolicy(
    attempts=2, backoff_seconds=0.05, receipt_timeout_seconds=10.0, poll_seconds=0.02
)


class SandboxChain:
    """An in-process EVM (eth-tester on py-evm) whose history lives in a journal file.

    Every process that opens the same journal (the server, `trustpay audit ...` commands, a
    restart) sees the same chain: the journal is replayed on first use and re-read before every
    request, all under an exclusive file lock. `provider()` is a web3 provider for it,
    `anchors()` the connected adapter (the AuditAnchor contract is deployed once, by the dev
    account, and its address journaled), `router()` the same chain as JSON-RPC over HTTP.
    """

    def __init__(self, journal_path: str | Path) -> None:
        self.journal_path = Path(journal_path)
        self.dev_key = SANDBOX_DEV_KEY
        self._evm = SharedEvm(Journal(self.journal_path))
        self._rpc_w3: AsyncWeb3[SandboxProvider] | None = None

    @property
    def network(self) -> str:
        return f"in-process EVM (sandbox, journal {self.journal_path})"

    def provider(self) -> SandboxProvider:
        """A new web3 provider on this chain (one per AsyncWeb3, as web3 expects)."""
        return SandboxProvider(self._evm)

    async def contract_address(self) -> str | None:
        """Where the AuditAnchor contract is, once some process deployed it."""
        return await asyncio.to_thread(self._evm.contract)

    async def anchors(self) -> Web3Anchors:
        """`Web3Anchors` on the journaled contract, deploying (and journaling) it the first time.

        Raises ChainError.
        """
        known = await self.contract_address()
        anchors = await self._connect(known or "")
        if not anchors.deployed:
            return anchors
        winner = await asyncio.to_thread(self._evm.record_contract, anchors.contract_address)
        if winner == anchors.contract_address:
            log.info("sandbox_chain.contract_deployed", address=winner)
            return anchors
        # Another process deployed at the same moment and journaled its contract first.
        await anchors.aclose()
        return await self._connect(winner)

    async def rpc(self, method: str, params: list[Any]) -> Mapping[str, Any]:
        """One JSON-RPC call in wire shapes, through web3's eth-tester glue."""
        if self._rpc_w3 is None:
            self._rpc_w3 = AsyncWeb3(self.provider(), middleware=[])
        w3 = self._rpc_w3
        call = await w3.provider.request_func(w3, w3.middleware_onion)
        return await call(method, params)

    def router(self) -> APIRouter:
        """JSON-RPC at POST "" under the mount prefix (the product mounts it at /sandbox/chain)."""
        return rpc_router(self.rpc)

    def app(self) -> FastAPI:
        """A standalone app (tests): JSON-RPC at POST /sandbox/chain."""
        app = FastAPI(title="Sandbox chain")
        app.include_router(self.router(), prefix="/sandbox/chain")
        return app

    async def _connect(self, address: str) -> Web3Anchors:
        return await Web3Anchors.connect(
            self.provider(), self.dev_key, address, network=self.network, policy=SANDBOX_POLICY
        )
