"""POST /telegram/webhook: updates from Telegram in webhook mode (several processes, one bot).

Telegram sends our secret token in X-Telegram-Bot-Api-Secret-Token; anything else is refused
before the body is even parsed.
"""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Request, Response
from telegram import Update

from bot.context import BotApplication
from core.logs import get_logger

log = get_logger("trustpay.bot.webhook")


def router(application: BotApplication, secret_token: str) -> APIRouter:
    web = APIRouter(tags=["telegram"])

    @web.post("/telegram/webhook", status_code=200, responses={401: {"description": "Bad token"}})
    async def telegram_webhook(
        request: Request,
        x_telegram_bot_api_secret_token: Annotated[str | None, Header()] = None,
    ) -> Response:
        """One Telegram update, handled in the background after a fast 200."""
        given = (x_telegram_bot_api_secret_token or "").encode()
        if not secret_token or not hmac.compare_digest(given, secret_token.encode()):
            raise HTTPException(401, "wrong secret token")
        try:
            data: Any = json.loads(await request.body())
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            raise HTTPException(400, "not a Telegram update") from exc
        await application.update_queue.put(update)
        return Response(status_code=200)

    return web
