"""First contact: /start (and its join_<CODE> deep link), /help, /language, the main menu."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers import deals, flows
from bot.handlers.common import actor_of, args_of, handler, language, reply
from bot.i18n import money, t
from core import people


def menu(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, "btn.open_escrow"), callback_data="menu:0:create")],
            [
                InlineKeyboardButton(t(lang, "btn.my_escrows"), callback_data="menu:0:mine"),
                InlineKeyboardButton(t(lang, "btn.help"), callback_data="menu:0:help"),
            ],
        ]
    )


@handler
async def start(update: Update, context: BotContext) -> None:
    """Greet, or join straight away when opened from a join_<CODE> link."""
    args = args_of(context)
    if args and args[0].lower().startswith("join_"):
        await deals.join_by_code(update, context, args[0][5:], None)
        return
    lang = await language(update, context)
    await reply(update, t(lang, "start.welcome", name=actor_of(update).first_name), menu(lang))


@handler
async def help_(update: Update, context: BotContext) -> None:
    """What TrustPay is and every command."""
    lang = await language(update, context)
    limits = context.services.deps.policy.limits
    text = t(lang, "help.text", min=money(limits.min_paise), max=money(limits.max_paise))
    await reply(update, text, menu(lang))


@handler
async def language_(update: Update, context: BotContext) -> None:
    """Offer English and Hindi."""
    lang = await language(update, context)
    buttons = [
        InlineKeyboardButton("English", callback_data="lang:0:en"),
        InlineKeyboardButton("हिन्दी", callback_data="lang:0:hi"),
    ]
    await reply(update, t(lang, "language.pick"), InlineKeyboardMarkup([buttons]))


@handler
async def on_language(update: Update, context: BotContext) -> None:
    """Remember the language they tapped."""
    query = update.callback_query
    assert query is not None
    chosen = (query.data or "").rsplit(":", 1)[-1]
    await people.set_language(actor_of(update), chosen, context.services.deps)
    await query.answer()
    await reply(update, t(chosen, "language.set"), menu(chosen))


@handler
async def on_menu(update: Update, context: BotContext) -> None:
    """The main menu's buttons."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    choice = (query.data or "").rsplit(":", 1)[-1]
    if choice == "create":
        await flows.begin_create(update, context)
    elif choice == "mine":
        await deals.show_mine(update, context)
    else:
        await help_(update, context)
