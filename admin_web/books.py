"""GET /admin/reconciliation (and .csv): the money in and out over a period, the books now, and
every difference from Setu's and the payout rail's own records for the period.

Periods are whole UTC days, `?from=YYYY-MM-DD&to=YYYY-MM-DD`; without them, this month so far.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import PlainTextResponse, Response

from admin_web import render
from admin_web.auth import Sessions
from admin_web.deps import DepsDep
from core import provider_reconciliation, reconciliation
from core.reconciliation import DIRECTIONS, Period, PeriodError

FromQuery = Annotated[str | None, Query(alias="from")]
ToQuery = Annotated[str | None, Query(alias="to")]


@dataclass(frozen=True, slots=True)
class Asked:
    """The period as typed (shown back in the form), and what it means, or why it is wrong."""

    first: str
    last: str
    period: Period | None
    error: str | None


def asked_period(first: str | None, last: str | None, today: date) -> Asked:
    first = (first or today.replace(day=1).isoformat()).strip()[:32]
    last = (last or today.isoformat()).strip()[:32]
    try:
        return Asked(first, last, Period.parse(first, last), None)
    except PeriodError as exc:
        return Asked(first, last, None, f"Cannot report on {first} to {last}: {exc}.")


class Books:
    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    async def page(
        self, request: Request, deps: DepsDep, first: FromQuery = None, last: ToQuery = None
    ) -> Response:
        """Totals in, out and fees, net, per kind; holding and suspense now; every movement."""
        admin = self.sessions.require(request, deps)
        asked = asked_period(first, last, _today(deps.clock.now()))
        context: dict[str, object] = {"asked": asked, "report": None}
        if asked.period is None:
            return render.page(request, "reconciliation.html", context, admin=admin, status=400)
        async with deps.uow() as uow:
            found = await reconciliation.report(uow.session, asked.period)
        providers = await provider_reconciliation.compare(deps, asked.period)
        await provider_reconciliation.raise_alerts(deps, providers)
        context |= {
            "report": found,
            "providers": providers,
            "directions": DIRECTIONS,
            "csv_url": "/admin/reconciliation.csv?"
            + urlencode({"from": asked.period.first, "to": asked.period.last}),
        }
        return render.page(request, "reconciliation.html", context, admin=admin)

    async def csv(
        self, request: Request, deps: DepsDep, first: FromQuery = None, last: ToQuery = None
    ) -> Response:
        """The period's movements as a CSV file, one row per ledger movement."""
        self.sessions.require(request, deps)
        asked = asked_period(first, last, _today(deps.clock.now()))
        if asked.period is None:
            return PlainTextResponse(asked.error, status_code=400, headers=render.HEADERS)
        async with deps.uow() as uow:
            found = await reconciliation.report(uow.session, asked.period)
        name = f"trustpay-reconciliation-{asked.period.first}-to-{asked.period.last}.csv"
        return Response(
            reconciliation.to_csv(found),
            media_type="text/csv; charset=utf-8",
            headers=render.HEADERS | {"Content-Disposition": f'attachment; filename="{name}"'},
        )


def _today(now: datetime) -> date:
    return now.astimezone(UTC).date()
