"""Reading and verifying a webhook's raw body before anything else looks at it."""

from __future__ import annotations

import time

from fastapi import BackgroundTasks, HTTPException, Request
from pydantic import BaseModel

from core.deps import Deps
from core.logs import get_logger
from core.payments import inbox, signatures
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


class Ack(BaseModel):
    status: str  # accepted | duplicate


async def accept(
    deps: Deps,
    background: BackgroundTasks,
    *,
    provider: str,
    event_id: str,
    event_type: str,
    body: bytes,
    handler: inbox.Handler,
) -> Ack:
    """Store a verified event in the inbox, answer at once, and process it after the answer."""
    async with deps.uow() as uow:
        inbox_id = await inbox.receive(
            uow, provider, event_id, event_type, body.decode(), deps.clock.now()
        )
        await uow.commit()
    if inbox_id is None:
        WEBHOOKS.labels(provider, "duplicate").inc()
        return Ack(status="duplicate")
    WEBHOOKS.labels(provider, "accepted").inc()
    background.add_task(_process, inbox_id, handler, deps)
    return Ack(status="accepted")


async def _process(inbox_id: int, handler: inbox.Handler, deps: Deps) -> None:
    """After the response: a failure here is retried by the inbox job."""
    try:
        await inbox.process(inbox_id, handler, deps)
    except Exception:  # the event stays unhandled in the inbox
        log.exception("webhook.processing_crashed", inbox_id=inbox_id)
