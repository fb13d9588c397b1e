"""JSON-RPC over HTTP for the sandbox chain (POST /sandbox/chain): any EVM client can use it.

Requests go through the same web3 glue and the same journaled EVM as the in-process provider;
results are written the way nodes write them (quantities and bytes as 0x-hex).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

Call = Callable[[str, list[Any]], Awaitable[Mapping[str, Any]]]


def rpc_router(call: Call) -> APIRouter:
    """POST "" (and "/"): one JSON-RPC request or a batch. Mount with prefix="/sandbox/chain"."""
    router = APIRouter()

    async def json_rpc(request: Request) -> JSONResponse:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse(_failure(None, -32700, "parse error"))
        if isinstance(body, list) and body:
            return JSONResponse([await _answer(call, item) for item in body])
        return JSONResponse(await _answer(call, body))

    for path in ("", "/"):
        router.add_api_route(path, json_rpc, methods=["POST"], name=f"sandbox_chain_rpc{path}")
    return router


async def _answer(call: Call, request: Any) -> dict[str, Any]:
    if not isinstance(request, dict) or not isinstance(request.get("method"), str):
        return _failure(None, -32600, "invalid request")
    request_id = request.get("id")
    params = request.get("params", [])
    if not isinstance(params, list):
        return _failure(request_id, -32602, "params must be a list")
    response = await call(request["method"], params)
    if "error" in response:
        return {"jsonrpc": "2.0", "id": request_id, "error": _plain(response["error"])}
    return {"jsonrpc": "2.0", "id": request_id, "result": _wire(response.get("result"))}


def _wire(value: Any) -> Any:
    """Node style: integers as 0x quantities, bytes as 0x data."""
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, Mapping):
        return {str(key): _wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_wire(item) for item in value]
    return str(value)


def _plain(error: Any) -> dict[str, Any]:
    """An error object keeps its integer code; its data is written as hex when it is bytes."""
    fields = dict(error)
    if isinstance(fields.get("data"), bytes):
        fields["data"] = "0x" + fields["data"].hex()
    return fields


def _failure(request_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
