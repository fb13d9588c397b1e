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
from core.escrow.views import EscrowView, view_for_chat


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
            await steps.run(lambda: self._send(chat_id, push))
        fresh = kind in ("partner_joined", "payment_held")
        await steps.run(lambda: self._card(chat_id, lang, view, fresh=fresh))

    def _push(self, lang: str, kind: str, view: EscrowView, payload: dict[str, Any]) -> str | None:
        key = f"notify.{kind}"
        if has(f"{key}.{view.role}"):  # the person the money goes to is told "you"
            key = f"{key}.{view.role}"
        if not has(key):
            return None
        other = view.payee_name if view.role == "payer" else view.payer_name
        problem = str(payload.get("problem") or "unknown_reference")
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
        if payload.get("collect_sent"):
            text += "\n" + t(lang, "notify.payment_requested_collect")
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
