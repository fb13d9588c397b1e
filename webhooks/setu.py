"""POST /webhooks/setu: verify, store in the inbox, acknowledge, then process once."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Header, HTTPException, Request

from core.payments.setu import events
from webhooks.deps import DepsDep
from webhooks.metrics import WEBHOOKS
from webhooks.verification import Ack, accept, check_signature, raw_body

PROVIDER = "setu"
router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post(
    "/setu",
    response_model=Ack,
    responses={
        400: {"description": "Not a Setu event"},
        401: {"description": "Bad signature"},
        404: {"description": "Webhook secret not configured"},
        413: {"description": "Body too large"},
    },
)
async def setu_webhook(
    request: Request,
    deps: DepsDep,
    background: BackgroundTasks,
    x_setu_signature: Annotated[str | None, Header()] = None,
) -> Ack:
    """Setu UMAP notification, signed with base64 HMAC-SHA256 of the raw body."""
    body = await raw_body(request, PROVIDER)
    check_signature(
        body, x_setu_signature, request.app.state.setu_webhook_secrets, PROVIDER, "base64"
    )
    event = _parse(body)
    return await accept(
        deps,
        background,
        provider=PROVIDER,
        event_id=event["eventId"],
        event_type=event["eventType"],
        body=body,
        handler=events.handle,
    )


def _parse(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        event = None
    if (
        not isinstance(event, dict)
        or not isinstance(event.get("eventId"), str)
        or not isinstance(event.get("eventType"), str)
        or not event["eventId"]
    ):
        WEBHOOKS.labels(PROVIDER, "malformed").inc()
        raise HTTPException(400, "not a Setu event: eventId and eventType are required")
    return event
