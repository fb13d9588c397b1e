"""TelegramNotifier: the Notifier port. Turns an outbox row into messages in the person's
language: a short push for what happened, and the deal card edited in place (or sent anew).

Telegram's refusals become DeliveryError: 429 with `retry_after`, a blocked bot is permanent,
network trouble is retried later by the outbox drain. One notification is a few calls in a
row; a retry resumes after the calls that went through, so nobody gets the same push twice.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import qrcode
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.cards import card_keyboard, card_text
from bot.context import BotServices
from bot.i18n import Html, has, money, t
from core import cards, people
from core.escrow.ports import DONE_STEPS, DeliveryError
from core.escrow.states import State
from core.escrow.upi_checks import UpiStatus
from core.escrow.views import EscrowView, view_for_chat

# What the payee's UPI id check found, told again once the escrow waits for a new UPI id.
UPI_CHECKS = frozenset({"payee_upi_verified", "payee_upi_invalid", "payee_upi_unverified"})
# Pushes that ask the payee for a new UPI id carry the button that starts giving one.
ASK_NEW_UPI = frozenset({"payout_refused", "payee_upi_invalid"})


class TelegramNotifier:
    def __init__(self, bot: Bot, services: BotServices) -> None:
        self.bot = bot
        self.services = services

    async def deliver(self, chat_id: int, kind: str, payload: dict[str, Any]) -> None:
        steps = Steps(int(payload.get(DONE_STEPS) or 0))
        try:
            await self._deliver(chat_id, kind, payload, steps)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            raise DeliveryError(
                "telegram asked us to slow down", retry_after=seconds, done=steps.done
            ) from exc
        except Forbidden as exc:
            raise DeliveryError(f"blocked: {exc.message}", permanent=True) from exc
        except (TimedOut, NetworkError) as exc:
            if isinstance(exc, BadRequest):
                raise DeliveryError(f"refused: {exc.message}", permanent=True) from exc
            raise DeliveryError(f"telegram unreachable: {exc}", done=steps.done) from exc

    async def _deliver(
        self, chat_id: int, kind: str, payload: dict[str, Any], steps: Steps
    ) -> None:
        lang = await people.language_for_chat(chat_id, self.services.deps)
        if kind == "support_alert":
            text = t(
                lang,
                "notify.support_alert",
                alert=payload.get("alert", ""),
                code=payload.get("code") or "",
                detail=payload.get("detail", ""),
            )
            await steps.run(lambda: self._send(chat_id, text))
            return
        view = await view_for_chat(int(payload["escrow_id"]), chat_id, self.services.deps)
        if view is None:
            return
        if kind == "payment_requested":
            await self._payment_request(chat_id, lang, view, payload, steps)
        elif (push := self._push(lang, kind, view, payload)) is not None:
            keyboard = new_upi_keyboard(lang, view) if kind in ASK_NEW_UPI else None
            await steps.run(lambda: self._send(chat_id, push, keyboard))
        fresh = kind in ("partner_joined", "payment_held")
        await steps.run(lambda: self._card(chat_id, lang, view, fresh=fresh))

    def _push(self, lang: str, kind: str, view: EscrowView, payload: dict[str, Any]) -> str | None:
        key = push_key(kind, view.role, payload)
        if key is None:
            return None
        other = view.payee_name if view.role == "payer" else view.payer_name
        problem = str(payload.get("problem") or "unknown_reference")
        holder = str(payload.get("payee_name") or "")
        return t(
            lang,
            key,
            name=view.name,
            code=view.code,
            amount=money(view.amount_paise),
            payout=money(max(view.payout_paise, 0)),
            other=other or "",
            by_name=t(lang, f"role.{payload.get('by', 'system')}"),
            utr=payload.get("utr") or "-",
            reason=payload.get("reason") or "-",
            returned=money(int(payload.get("returned_paise") or 0)),
            paid=money(int(payload.get("paid_paise") or 0)),
            problem_text=Html(t(lang, f"problem.{problem}", amount=money(view.amount_paise))),
            upi=payload.get("upi_id") or view.payee_upi or "",
            holder=holder,
            holder_line=Html(
                t(lang, "upi.holder", holder=holder) if holder else t(lang, "upi.holder_unknown")
            ),
        )

    async def _payment_request(
        self, chat_id: int, lang: str, view: EscrowView, payload: dict[str, Any], steps: Steps
    ) -> None:
        link = str(payload.get("intent_link") or view.intent_link or "")
        due = view.payment_due_at or datetime.now().astimezone()
        text = t(
            lang,
            "notify.payment_requested",
            amount=money(view.amount_paise),
            name=view.name,
            code=view.code,
            link=link,
            due=due,
        )
        text += "".join("\n\n" + line for line in _payment_lines(lang, view, payload))
        button = InlineKeyboardButton(
            t(lang, "btn.collect"), callback_data=f"escrow:{view.id}:collect"
        )
        await steps.run(lambda: self._send(chat_id, text))
        await steps.run(
            lambda: self.bot.send_photo(
                chat_id, qr_png(link), reply_markup=InlineKeyboardMarkup([[button]])
            )
        )

    async def _card(self, chat_id: int, lang: str, view: EscrowView, *, fresh: bool) -> None:
        deps = self.services.deps
        text, keyboard = card_text(lang, view), card_keyboard(lang, view, self.services)
        message_id = None if fresh else await cards.card_message(view.id, chat_id, deps)
        if message_id is not None:
            try:
                await self.bot.edit_message_text(
                    text,
                    chat_id,
                    message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard,
                    disable_web_page_preview=True,
                )
                return
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return
        sent = await self._send(chat_id, text, keyboard)
        await cards.remember_card(view.id, chat_id, sent.message_id, deps)

    async def _send(
        self, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None = None
    ) -> Message:
        return await self.bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            disable_web_page_preview=True,
        )


def push_key(kind: str, role: str | None, payload: dict[str, Any]) -> str | None:
    """The catalogue key of the push for `kind`, as specific as the catalogue has it: the
    situation's variant, then the reader's role ("you" for the person concerned)."""
    base = f"notify.{kind}"
    variant = ""
    if kind in UPI_CHECKS and payload.get("state") == State.PAYOUT_FAILED:
        variant = "_again"  # a new UPI id after a refused payout: the money is already held
    elif kind == "payee_upi_verified" and not payload.get("payee_name"):
        variant = "_unnamed"
    for key in (f"{base}{variant}.{role}", f"{base}{variant}", f"{base}.{role}", base):
        if has(key):
            return key
    return None


def _payment_lines(lang: str, view: EscrowView, payload: dict[str, Any]) -> list[str]:
    """Under the payment request: whose UPI id it pays, and what became of the UPI app request."""
    lines, upi = [], view.payee_upi or ""
    if payload.get("payee_name"):
        lines.append(
            t(lang, "notify.payment_requested_named", upi=upi, holder=payload["payee_name"])
        )
    elif payload.get("payee_upi_status") == UpiStatus.FAILED:
        lines.append(t(lang, "notify.payment_requested_unverified", upi=upi))
    error = payload.get("collect_error")
    if payload.get("collect_sent"):
        lines.append(t(lang, "notify.payment_requested_collect"))
    elif error == "collect.unknown":
        lines.append(t(lang, "collect.unknown"))
    elif error:
        lines.append(t(lang, "collect.refused"))
    return lines


def new_upi_keyboard(lang: str, view: EscrowView) -> InlineKeyboardMarkup | None:
    """The payee's "Give a new UPI id" button (the handler checks again who pressed it)."""
    if view.role != "payee":
        return None
    button = InlineKeyboardButton(t(lang, "btn.new_upi"), callback_data=f"escrow:{view.id}:upi")
    return InlineKeyboardMarkup([[button]])


class Steps:
    """Counts the calls of one delivery and skips those an earlier attempt already made."""

    def __init__(self, already_done: int) -> None:
        self.already_done = already_done
        self.done = 0

    async def run(self, call: Callable[[], Awaitable[object]]) -> None:
        if self.done >= self.already_done:
            await call()
        self.done += 1


def qr_png(link: str) -> bytes:
    """A QR code of the UPI intent link, as PNG bytes."""
    image = qrcode.make(link, box_size=8, border=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
