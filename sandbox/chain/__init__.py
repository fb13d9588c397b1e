"""The embedded default chain: an in-process EVM, shared between processes by a journal file.

No node, no account, no faucet: `SandboxChain(path)` replays the journal into eth-tester's py-evm
and keeps it in step; `anchors()` gives the same `Web3Anchors` adapter that talks to a real
network, and `router()` serves the chain as JSON-RPC for anything else (wallets, scripts, tests).
"""

from sandbox.chain.evm import SANDBOX_CHAIN_ID, SANDBOX_MNEMONIC
from sandbox.chain.provider import SandboxProvider
from sandbox.chain.simulator import (
    SANDBOX_DEV_ADDRESS,
    SANDBOX_DEV_KEY,
    SANDBOX_SECOND_ADDRESS,
    SANDBOX_SECOND_KEY,
    SandboxChain,
)

__all__ = [
    "SANDBOX_CHAIN_ID",
    "SANDBOX_DEV_ADDRESS",
    "SANDBOX_DEV_KEY",
    "SANDBOX_MNEMONIC",
    "SANDBOX_SECOND_ADDRESS",
    "SANDBOX_SECOND_KEY",
    "SandboxChain",
    "SandboxProvider",
]
