"""Bot API methods that hand updates to the bot: getUpdates, or a webhook."""

from __future__ import annotations

from sandbox.telegram.engine import Engine, Method
from sandbox.telegram.errors import ConflictError
from sandbox.telegram.models import Json
from sandbox.telegram.params import Params
from sandbox.telegram.webhooks import Webhook

WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
MAX_LIMIT = 100
DEFAULT_MAX_CONNECTIONS = 40


async def get_updates(engine: Engine, params: Params) -> list[Json]:
    """Long polling: confirm updates before `offset`, then wait up to `timeout` seconds."""
    if engine.webhook.settings.url:
        raise ConflictError(WEBHOOK_ACTIVE)
    limit = min(max(params.integer("limit") or MAX_LIMIT, 1), MAX_LIMIT)
    timeout = min(max(params.number("timeout", 0.0), 0.0), engine.config.max_poll_seconds)
    _allow(engine, params)
    found = await engine.updates.poll(params.integer("offset"), limit, timeout)
    return [update.json() for update in found]


async def set_webhook(engine: Engine, params: Params) -> bool:
    allowed = params.json("allowed_updates")
    engine.webhook.set(
        Webhook(
            url=params.text("url") or "",
            secret_token=params.text("secret_token") or "",
            max_connections=params.integer("max_connections") or DEFAULT_MAX_CONNECTIONS,
            allowed_updates=[str(kind) for kind in allowed] if isinstance(allowed, list) else [],
        )
    )
    _allow(engine, params)
    if params.flag("drop_pending_updates"):
        engine.updates.drop_pending()
    return True


async def delete_webhook(engine: Engine, params: Params) -> bool:
    engine.webhook.set(Webhook())
    if params.flag("drop_pending_updates"):
        engine.updates.drop_pending()
    return True


async def get_webhook_info(engine: Engine, params: Params) -> Json:
    return engine.webhook.info()


def _allow(engine: Engine, params: Params) -> None:
    """`allowed_updates`, when given, holds for later updates until changed again."""
    allowed = params.json("allowed_updates")
    if isinstance(allowed, list):
        engine.updates.allowed = [str(kind) for kind in allowed]


METHODS: dict[str, Method] = {
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
}
