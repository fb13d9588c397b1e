"""Rendering the admin pages: templates, formatting filters and the headers every page carries."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from admin_web.auth import Admin
from core.money import format_inr
from core.payments.vpa import mask_vpas_in

HERE = Path(__file__).parent
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
}

SIGN_IN = (
    "Send /login to the TrustPay bot from your admin Telegram account. It answers with a "
    "one-time link that signs you in here for 8 hours."
)


def rupees(paise: int) -> str:
    """Paise as rupees with two decimals, for the books: 148500 -> "₹1,485.00"."""
    text = format_inr(paise)
    return text if "." in text else f"{text}.00"


def when(moment: datetime | str | None) -> str:
    """A time in UTC, to the minute: "2026-11-03 14:05 UTC"."""
    if moment is None or moment == "":
        return "—"
    at = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def masked(value: str | None) -> str:
    """Free text or an id with any UPI id in it masked."""
    return mask_vpas_in(value) if value else "—"


templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["inr"] = format_inr
templates.env.filters["rupees"] = rupees
templates.env.filters["when"] = when
templates.env.filters["masked"] = masked


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    admin: Admin | None,
    status: int = 200,
) -> Response:
    response = templates.TemplateResponse(
        request, name, context | {"admin": admin}, status_code=status
    )
    response.headers.update(HEADERS)
    return response


def message(
    request: Request, status: int, title: str, text: str, *, admin: Admin | None = None
) -> Response:
    """A page that only says something: signed out, link expired, not found."""
    return page(request, "message.html", {"title": title, "text": text}, admin=admin, status=status)


def sign_in_needed(request: Request) -> Response:
    return message(request, 401, "Please sign in", f"This page is for TrustPay staff. {SIGN_IN}")
