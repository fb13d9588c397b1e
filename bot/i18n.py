"""Looking up and filling in user-facing text, in the person's language, safely as HTML.

Every parameter is HTML-escaped unless wrapped in `Html` (text we built ourselves from the
catalogue). A missing translation falls back to English; a missing key is a bug we log.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from typing import Any

from bot.texts import CATALOGUES
from core.errors import ServiceError
from core.logs import get_logger
from core.money import format_inr

IST = timezone(timedelta(hours=5, minutes=30), "IST")
log = get_logger("trustpay.bot.i18n")


class Html(str):
    """Text that is already HTML: it goes into a message unescaped."""

    __slots__ = ()


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(lang: str, key: str, **params: Any) -> str:
    """The message `key` in `lang` (else English), with params filled in and escaped."""
    template = CATALOGUES.get(lang, {}).get(key) or CATALOGUES["en"].get(key)
    if template is None:
        log.error("i18n.missing_key", key=key, lang=lang)
        return html.escape(key)
    values = _Params({name: _render(value) for name, value in params.items()})
    return template.format_map(values)


def has(key: str) -> bool:
    return key in CATALOGUES["en"]


def _render(value: Any) -> str:
    if isinstance(value, Html):
        return str(value)
    if isinstance(value, datetime):
        return when(value)
    return html.escape(str(value), quote=False)


def money(paise: int) -> str:
    return format_inr(paise)


def when(moment: datetime) -> str:
    """30 Nov, 6:30 PM IST — how people in India read a time."""
    local = moment.astimezone(IST)
    return local.strftime("%d %b, %I:%M %p IST").lstrip("0")


def state_name(lang: str, state: str) -> str:
    return t(lang, f"state.{state}")


def error_text(lang: str, exc: ServiceError) -> str:
    """What a person is told when a use case refuses: the error's own catalogue entry."""
    params: dict[str, Any] = dict(exc.params)
    if "state" in params:
        params["state_name"] = state_name(lang, str(params["state"]))
    if isinstance(params.get("amount_paise"), int):
        params["amount"] = money(params["amount_paise"])
    params.setdefault("detail", exc.detail[:200])
    key = exc.key if has(exc.key) else "error.unexpected"
    return t(lang, key, **params)
