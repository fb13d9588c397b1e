"""Reading and verifying a webhook's raw body before anything else looks at it."""

from __future__ import annotations

from fastapi import HTTPException, Request

from core.payments import signatures
from webhooks.metrics import WEBHOOKS

MAX_BODY_BYTES = 64 * 1024


async def raw_body(request: Request, provider: str, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body as sent, refusing (413) anything over `limit` without reading it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        WEBHOOKS.labels(provider, "too_large").inc()
        raise HTTPException(413, "body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            WEBHOOKS.labels(provider, "too_large").inc()
            raise HTTPException(413, "body too large")
        chunks.append(chunk)
    return b"".join(chunks)


def check_signature(
    body: bytes,
    signature: str | None,
    secrets: list[str],
    provider: str,
    encoding: signatures.Encoding,
) -> None:
    """401 unless `signature` signs `body` under one of `secrets` (404 if none configured)."""
    if not any(secrets):
        raise HTTPException(404, "webhook endpoint not enabled")
    if not signatures.verify(body, signature, secrets, encoding):
        WEBHOOKS.labels(provider, "rejected_signature").inc()
        raise HTTPException(401, "invalid signature")
