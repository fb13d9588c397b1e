"""The python-telegram-bot Application: every handler, the error handler, the command menu."""

from __future__ import annotations

from telegram import Bot, BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.context import BotApplication, BotContext, BotServices
from bot.handlers import admin, deals, flows, start, upi
from bot.handlers.common import language, reply
from bot.i18n import t
from bot.ordering import PerChatOrder
from core.logs import get_logger

log = get_logger("trustpay.bot")

COMMANDS = {
    "start": start.start,
    "help": start.help_,
    "language": start.language_,
    "create": deals.create_quick,
    "join": deals.join,
    "status": deals.status,
    "mine": deals.mine,
    "confirm": deals.confirm,
    "cancel": deals.cancel,
    "dispute": deals.dispute,
    "receipt": deals.receipt,
    "upi": upi.upi,
    "admin": admin.admin,
    "find": admin.find,
    "retry": admin.retry,
    "resolve": admin.resolve,
    "payout_done": admin.payout_done,
    "alerts": admin.alerts,
    "stats": admin.stats,
    "ban": admin.ban,
    "unban": admin.unban,
    "login": admin.login,
}
BUTTONS = {  # the first pattern that matches handles the press
    r"^escrow:[^:]*:upi$": upi.on_new_upi_button,
    r"^escrow:": deals.on_escrow_button,
    r"^draft:": flows.on_draft_button,
    r"^lang:": start.on_language,
    r"^menu:": start.on_menu,
    r"^admin:": admin.on_admin_button,
    r"^alert:": admin.on_alert_done,
}
MENU = [
    "create",
    "join",
    "status",
    "mine",
    "confirm",
    "cancel",
    "dispute",
    "receipt",
    "upi",
    "language",
    "help",
]


def outbox_bot(token: str, *, base_url: str | None = None) -> Bot:
    """A plain Bot for the outbox drain: a 429 reaches the drain, which pauses and retries."""
    if base_url:
        return Bot(token, base_url=f"{base_url}/bot", base_file_url=f"{base_url}/file/bot")
    return Bot(token)


def build(
    services: BotServices, token: str, *, base_url: str | None = None, polling: bool = True
) -> BotApplication:
    """The bot, wired to the core; `base_url` points it at the sandbox Bot API."""
    builder = (
        Application.builder()
        .token(token)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(PerChatOrder())
        # Replies made while handling an update wait out a 429 and try again (the outbox has
        # its own bot without this, so its drain can pause everything instead).
        .rate_limiter(AIORateLimiter(max_retries=3))
    )
    if base_url:
        builder = builder.base_url(f"{base_url}/bot").base_file_url(f"{base_url}/file/bot")
    if not polling:
        builder = builder.updater(None)
    application: BotApplication = builder.build()
    application.bot_data["services"] = services
    for name, callback in COMMANDS.items():
        application.add_handler(CommandHandler(name, callback))
    for pattern, callback in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, flows.on_text))
    application.add_handler(MessageHandler(filters.PHOTO, flows.on_photo))
    application.add_error_handler(on_error)
    return application


async def commands_menu(application: BotApplication) -> None:
    """The command list Telegram shows (English and Hindi)."""
    for lang in ("en", "hi"):
        commands = [BotCommand(name, _describe(lang, name)) for name in MENU]
        await application.bot.set_my_commands(
            commands, language_code=None if lang == "en" else lang
        )


def _describe(lang: str, name: str) -> str:
    return {"en": DESCRIPTIONS_EN, "hi": DESCRIPTIONS_HI}[lang][name]


DESCRIPTIONS_EN = {
    "create": "Open an escrow",
    "join": "Join with a code",
    "status": "See an escrow",
    "mine": "Your escrows",
    "confirm": "Say the deal is done",
    "cancel": "Cancel or ask for a refund",
    "dispute": "Ask support to decide",
    "receipt": "PDF receipt",
    "upi": "Give a new UPI id to be paid",
    "language": "English / हिन्दी",
    "help": "How TrustPay works",
}
DESCRIPTIONS_HI = {
    "create": "एस्क्रो खोलें",
    "join": "कोड से जुड़ें",
    "status": "एस्क्रो देखें",
    "mine": "आपके एस्क्रो",
    "confirm": "सौदा पूरा होने की पुष्टि",
    "cancel": "रद्द करें या रिफ़ंड माँगें",
    "dispute": "सपोर्ट से फ़ैसला",
    "receipt": "PDF रसीद",
    "upi": "पैसे पाने के लिए नई UPI id",
    "language": "English / हिन्दी",
    "help": "TrustPay कैसे काम करता है",
}


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command we don't have: say so, point to /help."""
    await reply(update, t(await language(update, context), "unknown_command"))


async def on_error(update: object, context: BotContext) -> None:
    """Log first; then tell the person, in their language, that their money is safe."""
    log.error("bot.unhandled_error", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            lang = await language(update, context)
            await reply(update, t(lang, "error.unexpected"))
        except Exception:  # the error handler must never raise
            log.exception("bot.error_reply_failed")
