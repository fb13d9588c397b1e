"""Reading and verifying a webhook's raw body before anything else looks at it."""

from __future__ import annotations

import time

from fastapi import HTTPException, Request

from core.logs import get_logger
from core.payments import signatures
from webhooks.metrics import WEBHOOKS

MAX_BODY_BYTES = 64 * 1024
LOG_EVERY_SECONDS = 10.0
log = get_logger("trustpay.webhooks")


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
        _log_rejection(provider, "missing" if not signature else "mismatch", len(body))
        raise HTTPException(401, "invalid signature")


_last_logged: dict[tuple[str, str], float] = {}


def _log_rejection(provider: str, reason: str, size: int) -> None:
    """At most one line per provider and reason every 10 s: a flood must not flood the logs.

    Only the reason and the size are logged, never the body or the signature.
    """
    now = time.monotonic()
    if now - _last_logged.get((provider, reason), -1e9) >= LOG_EVERY_SECONDS:
        _last_logged[(provider, reason)] = now
        log.warning("webhook.rejected", provider=provider, reason=reason, body_bytes=size)
