"""Anchoring the audit trail on an EVM chain: the port, and its web3 adapter.

A batch of payment-log entries is summed up by one Merkle root; `Anchors.anchor` writes that
root with the batch's first entry id and entry count to the AuditAnchor contract
(`contracts/AuditAnchor.vy`), and `Anchors.lookup` reads it back. The contract refuses a root it
already holds and every caller but its owner, so a root, once written, cannot be changed.

Anchoring never blocks money: it runs from a job, and its failures (ChainError) only alert.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import aiohttp
from eth_account import Account
from eth_account.datastructures import SignedTransaction
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from hexbytes import HexBytes
from web3 import AsyncHTTPProvider, AsyncWeb3
from web3.contract import AsyncContract
from web3.exceptions import (
    ContractLogicError,
    ProviderConnectionError,
    RequestTimedOut,
    TransactionNotFound,
    Web3RPCError,
)
from web3.providers.async_base import AsyncBaseProvider
from web3.types import TxParams, TxReceipt

from core.logs import get_logger

T = TypeVar("T")
log = get_logger("trustpay.chain")


class ChainError(Exception):
    """The chain could not be reached, or refused or lost the transaction."""


@dataclass(frozen=True, slots=True)
class AnchorReceipt:
    """Where a root landed: the transaction and the block that holds it."""

    tx_hash: str  # 0x-prefixed hex
    block_number: int


@dataclass(frozen=True, slots=True)
class OnChainRoot:
    """What the contract holds for one root."""

    first_entry: int
    entry_count: int
    block_number: int


class Anchors(Protocol):
    """The anchoring port (the web3 adapter in production, the same adapter on a sandbox EVM)."""

    @property
    def description(self) -> str:
        """One line for the startup banner: network and contract address."""
        ...

    async def anchor(self, root: bytes, first_entry: int, entry_count: int) -> AnchorReceipt:
        """Write `root` (32 bytes); returns once mined. Raises ChainError."""
        ...

    async def lookup(self, root: bytes) -> OnChainRoot | None:
        """The contract's record of `root`, or None if it never saw it. Raises ChainError."""
        ...

    async def aclose(self) -> None: ...


class RootAlreadyAnchoredError(ChainError):
    """The contract already holds this root (a retry after a lost answer lands here too)."""

    def __init__(self, root: bytes) -> None:
        super().__init__(f"root 0x{root.hex()} is already anchored")
        self.root = root


# --- the web3 adapter -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainPolicy:
    """How patient the adapter is: RPC retries (doubling backoff) and the wait for a receipt."""

    attempts: int = 4
    backoff_seconds: float = 0.25
    receipt_timeout_seconds: float = 120.0
    poll_seconds: float = 1.0
    gas_margin: float = 1.2  # on top of the node's estimate


@dataclass(frozen=True, slots=True)
class ContractArtifact:
    """A compiled contract, as `contracts/build.py` commits it."""

    abi: list[dict[str, Any]]
    bytecode: str
    vyper_version: str


@cache
def audit_anchor_artifact() -> ContractArtifact:
    """contracts/AuditAnchor.json (package data, so it works installed or editable)."""
    text = resources.files("contracts").joinpath("AuditAnchor.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    return ContractArtifact(raw["abi"], raw["bytecode"], raw["vyper_version"])


def http_provider(url: str, timeout_seconds: float = 10.0) -> AsyncHTTPProvider:
    """A JSON-RPC provider whose retries are left to `Web3Anchors` (so the total is bounded)."""
    return AsyncHTTPProvider(
        url,
        request_kwargs={"timeout": aiohttp.ClientTimeout(total=timeout_seconds)},
        exception_retry_configuration=None,
    )


def redacted_url(url: str) -> str:
    """scheme://host[:port] and an ellipsis: RPC URLs carry API keys in paths and queries."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    rest = "/…" if parts.path.strip("/") or parts.query else ""
    return f"{parts.scheme}://{host}{port}{rest}"


class Web3Anchors(Anchors):
    """`Anchors` on the AuditAnchor contract over any async web3 provider.

    Transactions are signed here with the owner's key and sent raw, so the node never holds the
    key. Connection errors are retried with backoff; every failure surfaces as ChainError.
    Build one with `await Web3Anchors.connect(...)`; it owns the provider (`aclose` closes it).
    """

    def __init__(self, wallet: _Wallet, contract: AsyncContract, network: str, deployed: bool):
        self._wallet = wallet
        self._contract = contract
        self._network = network
        self.deployed = deployed  # True when `connect` deployed the contract just now

    @classmethod
    async def connect(
        cls,
        provider: AsyncBaseProvider,
        private_key: str,
        contract_address: str = "",
        *,
        network: str = "",
        policy: ChainPolicy | None = None,
    ) -> Web3Anchors:
        """Reach the chain and the contract at `contract_address`, or deploy one when it is "".

        `network` names the chain for `description` (default: the provider's redacted URL).
        Raises ChainError (unreachable, no contract at the address, deployment refused).
        """
        wallet = _Wallet(AsyncWeb3(provider), _account(private_key), policy or ChainPolicy())
        try:
            await wallet.start()
            if contract_address:
                contract = await wallet.existing_contract(contract_address)
            else:
                contract = await wallet.deploy_contract()
        except BaseException:
            await wallet.aclose()
            raise
        return cls(wallet, contract, network or _describe(provider), not contract_address)

    @property
    def contract_address(self) -> ChecksumAddress:
        return self._contract.address

    @property
    def owner_address(self) -> str:
        return str(self._wallet.account.address)

    @property
    def chain_id(self) -> int:
        return self._wallet.chain_id

    @property
    def description(self) -> str:
        return f"{self._network}, chain id {self.chain_id}, contract {self.contract_address}"

    async def anchor(self, root: bytes, first_entry: int, entry_count: int) -> AnchorReceipt:
        _check_root(root)
        call = self._contract.functions.anchor(root, first_entry, entry_count)
        try:
            receipt = await self._wallet.transact(f"anchor root 0x{root.hex()}", call)
        except ChainError as error:
            if "already anchored" in str(error):
                raise RootAlreadyAnchoredError(root) from error
            raise
        return AnchorReceipt(receipt["transactionHash"].to_0x_hex(), receipt["blockNumber"])

    async def lookup(self, root: bytes) -> OnChainRoot | None:
        _check_root(root)
        call = self._contract.functions.lookup(root)
        first, count, block = await self._wallet.call(f"look up root 0x{root.hex()}", call.call)
        return OnChainRoot(first, count, block) if count else None

    async def aclose(self) -> None:
        await self._wallet.aclose()


class _Wallet:
    """The owner's account on one chain: retried RPC calls, and signed, mined transactions."""

    def __init__(self, w3: AsyncWeb3[Any], account: LocalAccount, policy: ChainPolicy) -> None:
        self.w3 = w3
        self.account = account
        self.policy = policy
        self.chain_id = 0
        self._sending = asyncio.Lock()  # one transaction at a time: nonces stay in order

    async def start(self) -> None:
        self.chain_id = await self.call("read the chain id", lambda: self.w3.eth.chain_id)

    async def existing_contract(self, address: str) -> AsyncContract:
        """The AuditAnchor at `address`, checked to exist and to be ours to write."""
        if not AsyncWeb3.is_address(address):
            raise ChainError(f"the contract address {address!r} is not an address")
        checksum = AsyncWeb3.to_checksum_address(address)
        code = await self.call("read the contract code", lambda: self.w3.eth.get_code(checksum))
        if not code:
            raise ChainError(f"no contract at {checksum} on chain id {self.chain_id}")
        contract = self.w3.eth.contract(address=checksum, abi=audit_anchor_artifact().abi)
        owner = await self.call("read the contract owner", contract.functions.owner().call)
        if owner != self.account.address:
            raise ChainError(
                f"the contract at {checksum} is owned by {owner},"
                f" not by this key's account {self.account.address}"
            )
        return contract

    async def deploy_contract(self) -> AsyncContract:
        artifact = audit_anchor_artifact()
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipt = await self.transact("deploy AuditAnchor", factory.constructor())
        return self.w3.eth.contract(address=_deployed_address(receipt), abi=artifact.abi)

    async def call(self, what: str, make: Callable[[], Awaitable[T]]) -> T:
        """`make()`, retried on connection errors; any failure becomes ChainError."""
        delay = self.policy.backoff_seconds
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return await make()
            except Exception as error:
                if not _transient(error) or attempt == self.policy.attempts:
                    raise _chain_error(what, error, attempt) from error
            log.warning("chain.retry", action=what, attempt=attempt, delay_s=delay)
            await asyncio.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    async def transact(self, what: str, call: Any) -> TxReceipt:
        """Build, sign, send and wait for `call` (a contract function or constructor call)."""
        async with self._sending:
            signed = await self._sign(what, call)
            await self._send(what, signed)
            receipt = await self._receipt(what, signed.hash)
        if receipt["status"] != 1:
            raise ChainError(
                f"{what}: transaction {signed.hash.to_0x_hex()} reverted"
                f" in block {receipt['blockNumber']}"
            )
        return receipt

    async def _sign(self, what: str, call: Any) -> SignedTransaction:
        sender = self.account.address
        nonce = await self.call(
            "read the nonce", lambda: self.w3.eth.get_transaction_count(sender, "pending")
        )
        fields: TxParams = {"from": sender, "nonce": nonce, "chainId": self.chain_id}
        tx = await self.call(what, lambda: call.build_transaction(fields))
        tx["gas"] = int(tx["gas"] * self.policy.gas_margin)
        return self.account.sign_transaction(tx)

    async def _send(self, what: str, signed: SignedTransaction) -> None:
        tries = 0

        async def send() -> None:
            nonlocal tries
            tries += 1
            try:
                await self.w3.eth.send_raw_transaction(signed.raw_transaction)
            except Web3RPCError as error:
                # A resend after a lost answer finds the first copy already in the pool or mined.
                if tries == 1 or not _already_sent(error):
                    raise

        await self.call(what, send)

    async def _receipt(self, what: str, tx_hash: HexBytes) -> TxReceipt:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.policy.receipt_timeout_seconds
        while True:
            try:
                return await self.w3.eth.get_transaction_receipt(tx_hash)
            except TransactionNotFound:
                pass
            except Exception as error:
                if not _transient(error):
                    raise _chain_error(what, error, 1) from error
            if loop.time() >= deadline:
                raise ChainError(
                    f"{what}: transaction {tx_hash.to_0x_hex()} not mined within"
                    f" {self.policy.receipt_timeout_seconds:g} s"
                )
            await asyncio.sleep(self.policy.poll_seconds)

    async def aclose(self) -> None:
        disconnect = getattr(self.w3.provider, "disconnect", None)
        if disconnect is not None:
            with suppress(NotImplementedError):
                await disconnect()


def _account(private_key: str) -> LocalAccount:
    try:
        account: LocalAccount = Account.from_key(private_key)
    except (ValueError, TypeError) as error:
        # Never echo the key: the message says only what is wrong with it.
        raise ChainError("the chain private key is not a valid 32-byte hex key") from error
    return account


def _deployed_address(receipt: TxReceipt) -> ChecksumAddress:
    address = receipt["contractAddress"]
    if address is None:
        raise ChainError(f"deployment {receipt['transactionHash'].to_0x_hex()} made no contract")
    return address


def _check_root(root: bytes) -> None:
    if len(root) != 32:
        raise ValueError(f"a Merkle root is 32 bytes, got {len(root)}")


def _describe(provider: AsyncBaseProvider) -> str:
    if isinstance(provider, AsyncHTTPProvider):
        return f"RPC {redacted_url(str(provider.endpoint_uri))}"
    return type(provider).__name__


def _transient(error: Exception) -> bool:
    """Worth retrying: the node was unreachable, overloaded or slow, not refusing."""
    if isinstance(error, aiohttp.ClientResponseError):
        return error.status == 429 or error.status >= 500
    return isinstance(
        error,
        aiohttp.ClientError | TimeoutError | OSError | ProviderConnectionError | RequestTimedOut,
    )


def _already_sent(error: Web3RPCError) -> bool:
    text = str(error).lower()
    return "already known" in text or "nonce too low" in text or "invalid transaction nonce" in text


def _chain_error(what: str, error: Exception, attempts: int) -> ChainError:
    if isinstance(error, ChainError):
        return error
    if isinstance(error, ContractLogicError):
        return ChainError(f"{what}: the contract refused: {_revert_reason(error)}")
    if _transient(error):
        tried = f" after {attempts} attempts" if attempts > 1 else ""
        return ChainError(f"{what}: chain unreachable{tried}: {_safe_detail(error)}")
    if isinstance(error, Web3RPCError):
        return ChainError(f"{what}: the node refused: {error.message}")
    return ChainError(f"{what}: {type(error).__name__}: {error}")


def _safe_detail(error: Exception) -> str:
    if isinstance(error, aiohttp.ClientResponseError):  # its text holds the URL, maybe a key
        return f"HTTP {error.status} {error.message}"
    return f"{type(error).__name__}: {error}"


def _revert_reason(error: ContractLogicError) -> str:
    text = str(error.message or error)
    return text.removeprefix("execution reverted: ").removeprefix("AuditAnchor: ")
