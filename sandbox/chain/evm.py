"""One process's copy of the sandbox chain: an in-memory py-evm kept in step with the journal.

Before every request the EVM replays the journal lines other processes added; a signed
transaction it accepts is appended to the journal under the same lock. Replaying the same
transactions in the same order rebuilds the same chain (one block per transaction, auto-mined),
so every process sees the same contract, the same roots and the same block numbers.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from eth_abi import abi
from eth_abi.exceptions import DecodingError
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.exceptions import TransactionFailed
from hexbytes import HexBytes
from web3.exceptions import ContractLogicError
from web3.providers.eth_tester.defaults import API_ENDPOINTS
from web3.types import RPCResponse

from core.logs import get_logger
from sandbox.chain.journal import Journal, LockedJournal

log = get_logger("trustpay.sandbox.chain")

# The well-known development mnemonic (Hardhat, Anvil): public, never for real funds.
SANDBOX_MNEMONIC = "test test test test test test test test test test test junk"
SANDBOX_HD_PATH = "m/44'/60'/0'/0"
SANDBOX_ACCOUNTS = 3  # each funded with 1,000,000 ETH in the genesis block
SANDBOX_CHAIN_ID = 131277322940537  # eth-tester's

_ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
# State may change only through journaled, signed transactions.
_REFUSED_NAMESPACES = {"evm", "testing", "personal", "admin", "miner", "debug", "txpool"}
_REFUSED_METHODS = {"eth_sendTransaction", "eth_sign", "eth_signTransaction"}
_SEND_RAW = "eth_sendRawTransaction"


class SharedEvm:
    """Thread-safe: requests run in worker threads; a mutex and the journal lock serialise them."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._mutex = threading.Lock()
        self._ids = itertools.count()
        self._tester: Any = None  # built on first use: most processes never touch the chain
        self._offset = 0
        self._contract: str | None = None

    def request(self, method: str, params: Any) -> RPCResponse:
        """Answer one JSON-RPC call (params already in eth-tester's shapes)."""
        with self._session() as journal:
            response = self._dispatch(method, params)
            if method == _SEND_RAW and "result" in response:
                self._offset = journal.append({"tx": HexBytes(params[0]).to_0x_hex()})
        return response

    def contract(self) -> str | None:
        """The AuditAnchor address the journal recorded first, if any."""
        with self._session():
            return self._contract

    def record_contract(self, address: str) -> str:
        """Record `address` unless another process got there first; returns the winner."""
        with self._session() as journal:
            if self._contract is None:
                self._offset = journal.append({"contract": address})
                self._contract = address
            return self._contract

    @contextmanager
    def _session(self) -> Iterator[LockedJournal]:
        with self._mutex, self._journal.locked() as journal:
            if self._tester is None:
                self._reset()
            self._catch_up(journal)
            yield journal

    def _reset(self) -> None:
        backend = PyEVMBackend.from_mnemonic(
            SANDBOX_MNEMONIC, num_accounts=SANDBOX_ACCOUNTS, hd_path=SANDBOX_HD_PATH
        )
        self._tester = EthereumTester(backend)
        self._offset = 0
        self._contract = None

    def _catch_up(self, journal: LockedJournal) -> None:
        unread = journal.read_from(self._offset)
        if unread.rewound:
            log.warning("sandbox_chain.journal_replaced", path=str(self._journal.path))
            self._reset()
            unread = journal.read_from(0)
        for record in unread.records:
            self._apply(record)
        self._offset = unread.end

    def _apply(self, record: dict[str, Any]) -> None:
        if isinstance(record.get("tx"), str):
            try:
                self._tester.send_raw_transaction(record["tx"])
            except Exception as error:  # a replay must go on: the line was valid when written
                log.warning("sandbox_chain.replay_failed", error=str(error))
        elif isinstance(record.get("contract"), str) and self._contract is None:
            self._contract = record["contract"]

    def _dispatch(self, method: str, params: Any) -> RPCResponse:
        request_id = next(self._ids)
        namespace, _, name = method.partition("_")
        if method in _REFUSED_METHODS or namespace in _REFUSED_NAMESPACES:
            return _error(request_id, -32601, f"{method} is not available on the sandbox chain")
        endpoint = API_ENDPOINTS.get(namespace, {}).get(name)
        if endpoint is None:
            return _error(request_id, -32601, f"the method {method} does not exist")
        try:
            result = endpoint(self._tester, params)
        except NotImplementedError:
            return _error(request_id, -32601, f"{method} is not implemented")
        except TransactionFailed as error:
            return _reverted(request_id, error)
        except ContractLogicError as error:  # web3's eth-tester glue decodes panics itself
            return _error(request_id, 3, str(error.message), data=error.data)
        except Exception as error:  # what a node would answer with an error object
            return _error(request_id, -32000, str(error))
        return cast(RPCResponse, {"jsonrpc": "2.0", "id": request_id, "result": result})


def _reverted(request_id: int, error: TransactionFailed) -> RPCResponse:
    """A revert as geth reports it: code 3, the reason in the message, raw data alongside."""
    raw: Any = error.args[0] if error.args else b""
    if isinstance(raw, Exception):  # eth-tester wraps py-evm's Revert(data)
        raw = raw.args[0] if raw.args else b""
    if isinstance(raw, bytes):
        data, reason = raw, _reason(raw)
    else:
        reason = str(raw)
        data = _ERROR_SELECTOR + abi.encode(["string"], [reason])
    message = f"execution reverted: {reason}" if reason else "execution reverted"
    return _error(request_id, 3, message, data="0x" + data.hex())


def _reason(data: bytes) -> str:
    if data[:4] != _ERROR_SELECTOR:
        return ""
    try:
        return str(abi.decode(["string"], data[4:])[0])
    except DecodingError:
        return ""


def _error(request_id: int, code: int, message: str, data: Any = None) -> RPCResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return cast(RPCResponse, {"jsonrpc": "2.0", "id": request_id, "error": error})
