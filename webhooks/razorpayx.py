"""POST /webhooks/razorpayx: verify, store in the inbox (per X-Razorpay-Event-Id), process once."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Header, HTTPException, Request

from core.payments.razorpayx import events
from webhooks.deps import DepsDep
from webhooks.metrics import WEBHOOKS
from webhooks.verification import Ack, accept, check_signature, raw_body

PROVIDER = "razorpayx"
router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@router.post(
    "/razorpayx",
    response_model=Ack,
    responses={
        400: {"description": "Not a RazorpayX event"},
        401: {"description": "Bad signature"},
        404: {"description": "Webhook secret not configured"},
        413: {"description": "Body too large"},
    },
)
async def razorpayx_webhook(
    request: Request,
    deps: DepsDep,
    background: BackgroundTasks,
    x_razorpay_signature: Annotated[str | None, Header()] = None,
    x_razorpay_event_id: Annotated[str | None, Header()] = None,
) -> Ack:
    """RazorpayX event, signed with hex HMAC-SHA256 of the raw body."""
    body = await raw_body(request, PROVIDER)
    secrets = request.app.state.razorpayx_webhook_secrets
    check_signature(body, x_razorpay_signature, secrets, PROVIDER, "hex")
    event = _parse(body, x_razorpay_event_id)
    return await accept(
        deps,
        background,
        provider=PROVIDER,
        event_id=str(x_razorpay_event_id),
        event_type=event["event"],
        body=body,
        handler=events.handle,
    )


def _parse(body: bytes, event_id: str | None) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        event = None
    if not event_id or not isinstance(event, dict) or not isinstance(event.get("event"), str):
        WEBHOOKS.labels(PROVIDER, "malformed").inc()
        raise HTTPException(400, "not a RazorpayX event: X-Razorpay-Event-Id and event needed")
    return event
