"""GET /metrics: Prometheus counters for what operators watch."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    disable_created_metrics,
    generate_latest,
)

router = APIRouter(tags=["operations"])
disable_created_metrics()  # type: ignore[no-untyped-call]  # *_created series are noise

WEBHOOKS = Counter(
    "trustpay_webhooks_total",
    "Gateway webhooks received, by provider and outcome.",
    ["provider", "outcome"],  # accepted | duplicate | rejected_signature | malformed | too_large
)


@router.get("/metrics", response_class=Response, include_in_schema=True)
async def metrics() -> Response:
    """Prometheus text exposition of this process's counters."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
