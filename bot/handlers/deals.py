"""Escrow commands and the deal card's buttons: join, status, mine, confirm, cancel, dispute,
receipt, collect request. Every button is re-authorised from the presser's id and the escrow's
state in the database; a button that no longer applies gets a polite answer and a fresh card.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.cards import actions, card_keyboard, card_text, confirm_keyboard, next_text
from bot.context import BotContext
from bot.handlers.common import actor_of, args_of, handler, language, reply
from bot.i18n import money, t
from core import cards, people, receipts
from core.db.models import Escrow
from core.errors import InputError, NotFoundError
from core.escrow import activation, disputes, service, views
from core.escrow.codes import looks_like_code, normalise_code
from core.escrow.commands import Cancel, Confirm, CreateEscrow, JoinEscrow, OpenDispute, Role
from core.escrow.states import State
from core.escrow.views import EscrowView
from core.money import parse_amount
from core.payments.vpa import is_vpa, mask_vpa


async def send_card(update: Update, context: BotContext, view: EscrowView) -> None:
    """A new card message; from now on it is the one kept up to date in this chat."""
    lang = await language(update, context)
    message = await reply(
        update, card_text(lang, view), card_keyboard(lang, view, context.services)
    )
    if message is not None:
        await cards.remember_card(
            view.id, message.chat_id, message.message_id, context.services.deps
        )


async def announce_created(update: Update, context: BotContext, escrow: Escrow) -> None:
    lang, services = await language(update, context), context.services
    share = t(
        lang, "share.text", name=escrow.name, amount=money(escrow.amount_paise), code=escrow.code
    )
    button = InlineKeyboardButton(t(lang, "btn.share"), url=services.share_url(escrow.code, share))
    text = t(
        lang,
        "create.done",
        name=escrow.name,
        code=escrow.code,
        link=services.deep_link(escrow.code),
    )
    await reply(update, text, InlineKeyboardMarkup([[button]]))
    await send_card(
        update, context, await views.view_by_id(actor_of(update), escrow.id, services.deps)
    )


# --- commands ------------------------------------------------------------------------------------


@handler
async def create_quick(update: Update, context: BotContext) -> None:
    """/create alone starts the guided flow; /create <amount> <description> opens at once."""
    from bot.handlers import flows  # the guided flow lives there; it imports this module

    args = args_of(context)
    if not args:
        await flows.begin_create(update, context)
        return
    amount, description = _split_amount(args, context)
    command = CreateEscrow(actor_of(update), Role.PAYER, amount, description)
    await announce_created(
        update, context, await service.create_escrow(command, context.services.deps)
    )


def _split_amount(args: list[str], context: BotContext) -> tuple[int, str]:
    """The amount may be two words ("Rs 1500") or one ("1500"); the rest is the description."""
    limits = context.services.deps.policy.limits
    try:
        return parse_amount(" ".join(args[:2]), limits), " ".join(args[2:])
    except InputError:
        return parse_amount(args[0], limits), " ".join(args[1:])


@handler
async def join(update: Update, context: BotContext) -> None:
    """/join CODE [upi-id]"""
    args = args_of(context)
    if not args:
        await reply(update, t(await language(update, context), "join.usage"))
        return
    upi = args[1] if len(args) > 1 else None
    await join_by_code(update, context, args[0], upi)


async def join_by_code(update: Update, context: BotContext, code: str, upi: str | None) -> None:
    """Join; if they receive and we have no UPI id for them yet, ask for it first."""
    actor, deps = actor_of(update), context.services.deps
    try:
        escrow = await service.join_escrow(JoinEscrow(actor, code, upi), deps)
    except InputError as exc:
        if exc.key != "vpa.required_to_join":
            raise
        await _ask_join_upi(update, context, normalise_code(code))
        return
    await reply(update, t(await language(update, context), "join.done", name=escrow.name))
    await send_card(update, context, await views.view_by_id(actor, escrow.id, deps))


async def _ask_join_upi(update: Update, context: BotContext, code: str) -> None:
    actor, deps = actor_of(update), context.services.deps
    await people.save_draft(actor, people.Draft("join", "upi", {"code": code}), deps)
    async with deps.uow() as uow:
        escrow = await uow.escrows.by_active_code(code)
    lang = await language(update, context)
    name, amount = (escrow.name, money(escrow.amount_paise)) if escrow else (code, "")
    await reply(update, t(lang, "join.ask_upi", name=name, amount=amount))


async def on_join_upi(
    update: Update, context: BotContext, draft: people.Draft, text: str
) -> str | None:
    await join_by_code(update, context, str(draft.data["code"]), text.strip())
    return None


async def maybe_join_by_text(update: Update, context: BotContext, text: str) -> bool:
    """Someone pasted a code (with or without a UPI id): treat it as /join."""
    words = text.split()
    if (
        words
        and looks_like_code(words[0])
        and (len(words) == 1 or (len(words) == 2 and is_vpa(words[1])))
    ):
        await join_by_code(update, context, words[0], words[1] if len(words) == 2 else None)
        return True
    return False


@handler
async def status(update: Update, context: BotContext) -> None:
    """/status CODE: the card; /status alone: the list."""
    args = args_of(context)
    if not args:
        await show_mine(update, context)
        return
    await send_card(
        update, context, await views.view_escrow(actor_of(update), args[0], context.services.deps)
    )


@handler
async def mine(update: Update, context: BotContext) -> None:
    """/mine: every escrow of theirs, newest first, each openable."""
    await show_mine(update, context)


async def show_mine(update: Update, context: BotContext) -> None:
    lang = await language(update, context)
    found = await views.list_escrows(actor_of(update), context.services.deps)
    if not found:
        await reply(update, t(lang, "mine.empty"))
        return
    icons = {
        "RELEASED": "✅",
        "REFUNDED": "↩️",
        "CANCELLED": "✖️",
        "EXPIRED": "⌛",
        "DISPUTED": "⚠️",
        "PAYOUT_FAILED": "⚠️",
    }
    lines = [t(lang, "mine.header")] + [
        t(
            lang,
            "mine.line",
            icon=icons.get(v.state, "🔒" if v.state == State.HELD else "⏳"),
            code=v.code,
            name=v.name,
            amount=money(v.amount_paise),
            state_name=t(lang, f"state.{v.state}"),
        )
        for v in found
    ]
    buttons = [
        [InlineKeyboardButton(f"{v.code} · {v.name}", callback_data=f"escrow:{v.id}:refresh")]
        for v in found
    ]
    await reply(update, "\n".join(lines), InlineKeyboardMarkup(buttons))


@handler
async def confirm(update: Update, context: BotContext) -> None:
    """/confirm CODE"""
    code = await _code_arg(update, context, "confirm.usage")
    if code:
        result = await service.confirm_release(
            Confirm(actor_of(update), code), context.services.deps
        )
        await _after(update, context, result.escrow, "action.confirmed", result.changed)


@handler
async def cancel(update: Update, context: BotContext) -> None:
    """/cancel CODE [reason] — or, with no code, leave whatever flow they are in."""
    args = args_of(context)
    actor, deps = actor_of(update), context.services.deps
    if not args:
        if draft := await people.load_draft(actor, deps):
            await people.clear_draft(actor, deps)
            left = "upi.kept" if draft.flow == "upi" else "create.cancelled"
            await reply(update, t(await language(update, context), left))
        else:
            await reply(update, t(await language(update, context), "cancel.usage"))
        return
    result = await service.cancel_escrow(Cancel(actor, args[0], " ".join(args[1:])), deps)
    await _after(update, context, result.escrow, _cancel_key(result.escrow), result.changed)


def _cancel_key(escrow: Escrow) -> str:
    if escrow.state == State.CANCELLED:
        return "action.cancelled"
    return "action.refund_started" if escrow.state != State.HELD else "action.cancel_requested"


@handler
async def dispute(update: Update, context: BotContext) -> None:
    """/dispute CODE reason"""
    args = args_of(context)
    if len(args) < 2:
        if args:
            await _ask_dispute_reason(update, context, normalise_code(args[0]))
        else:
            await reply(update, t(await language(update, context), "dispute.usage"))
        return
    await _open_dispute(update, context, args[0], " ".join(args[1:]))


async def _open_dispute(update: Update, context: BotContext, code: str, reason: str) -> None:
    actor, deps = actor_of(update), context.services.deps
    result = await disputes.open_dispute(OpenDispute(actor, code, reason), deps)
    await people.save_draft(
        actor, people.Draft("evidence", "open", {"code": result.escrow.code}), deps
    )
    await reply(update, t(await language(update, context), "action.disputed"))
    await send_card(update, context, await views.view_by_id(actor, result.escrow.id, deps))


async def _ask_dispute_reason(update: Update, context: BotContext, code: str) -> None:
    await people.save_draft(
        actor_of(update), people.Draft("dispute", "reason", {"code": code}), context.services.deps
    )
    await reply(update, t(await language(update, context), "ask.dispute", code=code))


async def on_dispute_reason(
    update: Update, context: BotContext, draft: people.Draft, text: str
) -> str | None:
    await _open_dispute(update, context, str(draft.data["code"]), text)
    return "open"  # _open_dispute switched them to the evidence flow


async def on_evidence(
    update: Update, context: BotContext, draft: people.Draft, text: str
) -> str | None:
    code = str(draft.data["code"])
    try:
        await people.add_evidence(actor_of(update), code, context.services.deps, text=text)
    except NotFoundError:  # the dispute is over: back to normal chat
        return None
    await reply(update, t(await language(update, context), "evidence.saved", code=code))
    return "open"


async def on_evidence_photo(update: Update, context: BotContext, draft: people.Draft) -> None:
    message = update.effective_message
    assert message is not None
    code = str(draft.data["code"])
    file_id = message.photo[-1].file_id if message.photo else None
    await people.add_evidence(
        actor_of(update), code, context.services.deps, text=message.caption, file_id=file_id
    )
    await reply(update, t(await language(update, context), "evidence.saved", code=code))


@handler
async def receipt(update: Update, context: BotContext) -> None:
    """/receipt CODE: the PDF."""
    code = await _code_arg(update, context, "receipt.usage")
    if code:
        await send_receipt(
            update, context, await views.view_escrow(actor_of(update), code, context.services.deps)
        )


async def send_receipt(update: Update, context: BotContext, view: EscrowView) -> None:
    facts = await receipts.receipt_facts(view.id, context.services.deps)
    chat = update.effective_chat
    if facts is None or chat is None:
        return
    lang = await language(update, context)
    pdf = await asyncio.to_thread(receipts.render, facts, lang)  # CPU work off the event loop
    await chat.send_document(
        pdf,
        filename=f"trustpay-{view.code}.pdf",
        caption=t(lang, "receipt.caption", name=view.name, code=view.code),
        parse_mode=ParseMode.HTML,
    )


async def _code_arg(update: Update, context: BotContext, usage: str) -> str | None:
    args = args_of(context)
    if not args:
        await reply(update, t(await language(update, context), usage))
        return None
    return args[0]


async def _after(
    update: Update, context: BotContext, escrow: Escrow, key: str, changed: bool
) -> None:
    """After an action: say what happened (or that nothing changed) and show the card."""
    actor, deps = actor_of(update), context.services.deps
    view = await views.view_by_id(actor, escrow.id, deps)
    lang = await language(update, context)
    text = (
        t(
            lang,
            key,
            next=next_text(lang, view),
            payee=view.payee_name or "",
            payer=view.payer_name or "",
            amount=money(view.amount_paise),
        )
        if changed
        else t(lang, "done_already")
    )
    await reply(update, text)
    await send_card(update, context, view)


# --- the card's buttons --------------------------------------------------------------------------


@handler
async def on_escrow_button(update: Update, context: BotContext) -> None:
    """escrow:<id>:<verb>. Who pressed and the escrow's state decide; callback_data only names."""
    query = update.callback_query
    assert query is not None
    _, raw_id, verb = (query.data or "::").split(":", 2)
    actor, deps = actor_of(update), context.services.deps
    view = await views.view_by_id(actor, int(raw_id) if raw_id.isdigit() else -1, deps)
    lang = await language(update, context)
    allowed = [*actions(view), "refresh", "receipt"]
    base = verb.removeprefix("yes_")
    if base not in allowed and not (base == "cancel" and "cancel_refund" in allowed):
        await query.answer(t(lang, "stale_button"))
        await _refresh(update, context, view)
        return
    await query.answer()
    await BUTTONS.get(verb, _refresh_verb)(update, context, view)


async def _refresh(update: Update, context: BotContext, view: EscrowView) -> None:
    """Show the card as it is now, in the message that was pressed."""
    query = update.callback_query
    lang = await language(update, context)
    if query is None or query.message is None:
        await send_card(update, context, view)
        return
    try:
        await query.edit_message_text(
            card_text(lang, view),
            parse_mode=ParseMode.HTML,
            reply_markup=card_keyboard(lang, view, context.services),
            disable_web_page_preview=True,
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    await cards.remember_card(
        view.id, query.message.chat.id, query.message.message_id, context.services.deps
    )


async def _refresh_verb(update: Update, context: BotContext, view: EscrowView) -> None:
    await _refresh(update, context, view)


async def _ask(update: Update, context: BotContext, view: EscrowView, verb: str) -> None:
    query = update.callback_query
    assert query is not None
    lang = await language(update, context)
    key = "ask.release" if verb == "release" else "ask.cancel_refund"
    text = t(
        lang,
        key,
        payout=money(view.payout_paise),
        payee=view.payee_name or "",
        amount=money(view.amount_paise),
        payer=view.payer_name or "",
    )
    await query.edit_message_text(
        text, parse_mode=ParseMode.HTML, reply_markup=confirm_keyboard(lang, view, verb)
    )


async def _confirm(update: Update, context: BotContext, view: EscrowView) -> None:
    result = await service.confirm_release(
        Confirm(actor_of(update), view.code), context.services.deps
    )
    await _refresh(
        update,
        context,
        await views.view_by_id(actor_of(update), result.escrow.id, context.services.deps),
    )


async def _cancel(update: Update, context: BotContext, view: EscrowView) -> None:
    result = await service.cancel_escrow(Cancel(actor_of(update), view.code), context.services.deps)
    await _refresh(
        update,
        context,
        await views.view_by_id(actor_of(update), result.escrow.id, context.services.deps),
    )


async def _dispute(update: Update, context: BotContext, view: EscrowView) -> None:
    await _ask_dispute_reason(update, context, view.code)


async def _collect(update: Update, context: BotContext, view: EscrowView) -> None:
    """Send a collect request: to the UPI id we know, or ask for one."""
    actor, deps = actor_of(update), context.services.deps
    async with deps.uow() as uow:
        user = await uow.users.by_telegram_id(actor.telegram_id)
        saved = user.upi_id if user else None
    if saved:
        await _send_collect(update, context, view.code, saved)
        return
    await people.save_draft(actor, people.Draft("collect", "upi", {"code": view.code}), deps)
    await reply(update, t(await language(update, context), "collect.ask_upi"))


async def on_collect_upi(
    update: Update, context: BotContext, draft: people.Draft, text: str
) -> str | None:
    await _send_collect(update, context, str(draft.data["code"]), text)
    return None


async def _send_collect(update: Update, context: BotContext, code: str, upi: str) -> None:
    escrow = await activation.request_collect(actor_of(update), code, upi, context.services.deps)
    lang = await language(update, context)
    await reply(
        update, t(lang, "action.collect_sent", amount=money(escrow.amount_paise), upi=mask_vpa(upi))
    )


async def _receipt(update: Update, context: BotContext, view: EscrowView) -> None:
    await send_receipt(update, context, view)


async def _ask_release(update: Update, context: BotContext, view: EscrowView) -> None:
    await _ask(update, context, view, "release")


async def _ask_cancel(update: Update, context: BotContext, view: EscrowView) -> None:
    await _ask(update, context, view, "cancel")


Button = Callable[[Update, BotContext, EscrowView], Awaitable[None]]
BUTTONS: dict[str, Button] = {
    "refresh": _refresh_verb,
    "release": _ask_release,
    "yes_release": _confirm,
    "delivered": _confirm,
    "cancel": _cancel,
    "ask_cancel": _cancel,
    "cancel_refund": _ask_cancel,
    "yes_cancel": _cancel,
    "dispute": _dispute,
    "collect": _collect,
    "receipt": _receipt,
}
