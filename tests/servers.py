"""Serve an ASGI app with uvicorn on a free loopback port for the length of a test."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serving(
    app: Any,
    port: int | None = None,
    make_server: Callable[[uvicorn.Config], uvicorn.Server] | None = None,
) -> AsyncIterator[str]:
    """Run `app` on 127.0.0.1 until the block ends; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = (make_server or uvicorn.Server)(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started or task.done():
            break
        await asyncio.sleep(0.01)
    if not server.started:
        await task  # re-raises the start-up error
        raise RuntimeError("uvicorn did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Swap:
    """An ASGI app that forwards to whatever app the current test put in it.

    Starting and stopping uvicorn costs a third of a second, so each module serves two of these
    for all its tests; each test swaps in a fresh simulator and a fresh receiver.
    """

    def __init__(self) -> None:
        self.app: Any = None
        self._idle = FastAPI()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan" or self.app is None:
            await self._idle(scope, receive, send)
        else:
            await self.app(scope, receive, send)
