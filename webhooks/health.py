"""GET /healthz: is this process up and can it reach its database?"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from core.logs import get_logger
from webhooks.deps import DepsDep

router = APIRouter(tags=["operations"])
log = get_logger("trustpay.health")


class Health(BaseModel):
    status: str
    database: str


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}})
async def healthz(deps: DepsDep) -> JSONResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        async with deps.uow() as uow:
            await uow.session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means unhealthy
        log.warning("health.database_down", error=type(exc).__name__)
        return JSONResponse({"status": "unhealthy", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
