"""GET /e/{token}: the public status page of one escrow, and its PDF receipt.

Anyone with the link may look, so the page shows what both parties already know and no more:
amount, state, a timeline, first letters of names and a masked UPI id. The token is 192 random
bits; malformed tokens are refused before the database is asked. Pages are server-rendered,
have no script, pull nothing from other hosts, and are not indexed or cached.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from core import receipts
from core.escrow.states import TERMINAL, State
from core.escrow.views import AuditAnchor, EscrowView, status_for_token
from core.money import format_inr
from webhooks.deps import DepsDep
from webhooks.status_texts import CATALOGUES, pick_language

HERE = Path(__file__).parent
IST = timezone(timedelta(hours=5, minutes=30), "IST")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
REFRESH_SECONDS = 20
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the token is in the URL: never pass it on
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
}

router = APIRouter(tags=["status page"])
templates = Jinja2Templates(directory=HERE / "templates")


@router.get("/e/assets/status.css", include_in_schema=False)
async def stylesheet() -> FileResponse:
    return FileResponse(HERE / "static" / "status.css", media_type="text/css")


@router.get(
    "/e/{token}",
    response_class=HTMLResponse,
    responses={404: {"description": "No escrow has this token"}},
)
async def status_page(
    request: Request,
    token: str,
    deps: DepsDep,
    lang: Annotated[str | None, Query(max_length=5)] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The escrow's state, amount, masked parties, timeline, next step and (while the payer
    still has to pay) the UPI QR; in English or Hindi (`?lang=hi`, or the browser's choice)."""
    language = pick_language(lang, accept_language)
    words = CATALOGUES[language]
    status = await status_for_token(token, deps) if TOKEN.match(token) else None
    if status is None:
        return _page(request, "not_found.html", {"words": words, "language": language}, 404)
    view = status.view
    state = State(view.state)
    context = {
        "words": words,
        "language": language,
        "view": view,
        "state_name": words[f"state.{view.state}"],
        "next": _next(words, view),
        "amount": format_inr(view.amount_paise),
        "fee": format_inr(view.fee_paise),
        "payout": format_inr(max(0, view.payout_paise)),
        "payer": _initial(view.payer_name) or words["nobody_yet"],
        "payee": _initial(view.payee_name) or words["nobody_yet"],
        "timeline": [(words[f"state.{s.state}"], _when(s.at)) for s in status.timeline],
        "qr": _qr_svg(view.intent_link)
        if state is State.AWAITING_PAYMENT and view.intent_link
        else None,
        "refresh": REFRESH_SECONDS if state not in TERMINAL else None,
        "finished": state in TERMINAL,
        "audit": _audit_line(words, status.anchor),
    }
    return _page(request, "status.html", context, 200)


def _audit_line(words: dict[str, str], anchor: AuditAnchor | None) -> str | None:
    if anchor is None:
        return None
    if anchor.block_number is None:
        return words["not_anchored"].format(entry=anchor.entry_id)
    tx = anchor.tx_hash or "-"
    short = f"{tx[:10]}…{tx[-6:]}" if len(tx) > 20 else tx
    return words["anchored"].format(entry=anchor.entry_id, block=anchor.block_number, tx=short)


@router.get(
    "/e/{token}/receipt.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, 404: {"description": "Unknown token"}},
)
async def receipt(
    token: str,
    deps: DepsDep,
    lang: Annotated[str | None, Query(max_length=5)] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> Response:
    """The escrow's PDF receipt: code, amounts, UTR / RRN, times and the audit hash; in
    English or Hindi, chosen as for the page."""
    status = await status_for_token(token, deps) if TOKEN.match(token) else None
    facts = await receipts.receipt_facts(status.view.id, deps) if status else None
    if facts is None:
        return Response("No such escrow.", status_code=404, headers=HEADERS)
    language = pick_language(lang, accept_language)
    pdf = await asyncio.to_thread(receipts.render, facts, language)  # off the event loop
    disposition = f'attachment; filename="trustpay-{facts.view.code}.pdf"'
    return Response(
        pdf,
        media_type="application/pdf",
        headers=HEADERS | {"Content-Disposition": disposition},
    )


@router.get("/e/{anything:path}", include_in_schema=False)
async def no_such_page(
    request: Request, accept_language: Annotated[str | None, Header()] = None
) -> Response:
    """Any other address under /e/ (a mangled link): the same friendly 404."""
    language = pick_language(None, accept_language)
    return _page(
        request, "not_found.html", {"words": CATALOGUES[language], "language": language}, 404
    )


def _page(request: Request, name: str, context: dict[str, Any], status: int) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(HEADERS)
    return response


def _next(words: dict[str, str], view: EscrowView) -> str:
    due = _when(view.payment_due_at) if view.payment_due_at else ""
    return words[f"next.{view.state}"].format(
        code=view.code,
        amount=format_inr(view.amount_paise),
        payout=format_inr(max(0, view.payout_paise)),
        due=due,
    )


def _initial(name: str | None) -> str | None:
    """ "Asha" -> "A•••": enough to recognise the other side, not to find them."""
    return f"{name.lstrip('@#')[:1].upper()}•••" if name else None


def _when(moment: datetime) -> str:
    return moment.astimezone(IST).strftime("%d %b %Y, %I:%M %p IST").lstrip("0")


def _qr_svg(link: str) -> Markup:
    """The UPI link as an inline SVG QR code (drawn here: no image host, works offline)."""
    image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return Markup(svg)  # noqa: S704 -- our own SVG, built from the link, not user markup
