"""The web3 provider for the sandbox chain, in process: what `Web3Anchors` uses unchanged."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from web3.middleware import async_combine_middleware
from web3.middleware.base import Middleware, MiddlewareOnion
from web3.providers.async_base import AsyncBaseProvider
from web3.providers.eth_tester.middleware import (
    default_transaction_fields_middleware,
    ethereum_tester_middleware,
)
from web3.types import RPCEndpoint, RPCResponse

from sandbox.chain.evm import SharedEvm

if TYPE_CHECKING:
    from web3 import AsyncWeb3

# web3's own glue between JSON-RPC shapes and eth-tester's, as in AsyncEthereumTesterProvider.
_TESTER_MIDDLEWARE: tuple[Middleware, ...] = (
    default_transaction_fields_middleware,
    ethereum_tester_middleware,
)


class SandboxProvider(AsyncBaseProvider):
    """Like web3's AsyncEthereumTesterProvider, but over the journaled `SharedEvm`.

    The EVM runs in a worker thread (it is CPU-bound, and the journal lock may wait for another
    process), so the event loop stays free.
    """

    def __init__(self, evm: SharedEvm) -> None:
        super().__init__()
        self._evm = evm

    async def request_func(
        self, async_w3: AsyncWeb3[Any], middleware_onion: MiddlewareOnion
    ) -> Callable[..., Coroutine[Any, Any, RPCResponse]]:
        middleware = middleware_onion.as_tuple_of_middleware() + _TESTER_MIDDLEWARE
        if self._request_func_cache[0] != middleware:
            combined = await async_combine_middleware(
                middleware=middleware, async_w3=async_w3, provider_request_fn=self.make_request
            )
            self._request_func_cache = (middleware, combined)
        return self._request_func_cache[-1]

    async def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        return await asyncio.to_thread(self._evm.request, method, params)

    async def is_connected(self, show_traceback: bool = False) -> bool:
        return True
