"""Multi-step chats, one function per step, with the step kept in the database (core.people).

Flows: `create` (role -> amount -> description -> UPI id if receiving -> confirm), and the
one-question flows `join` (the payee's UPI id), `dispute` (the reason), `collect` (the payer's
UPI id), `upi` (the payee's new UPI id, see bot.handlers.upi) and `evidence` (after a dispute:
every message and photo goes to support).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers import deals, upi
from bot.handlers.common import actor_of, handler, language, reply
from bot.i18n import Html, money, t
from core import people
from core.escrow import service
from core.escrow.commands import CreateEscrow, Role
from core.escrow.text import clean_text
from core.money import fee_for, parse_amount
from core.payments.vpa import mask_vpa, parse_vpa

CREATE, ROLE, AMOUNT, DESCRIPTION, UPI, CONFIRM = (
    "create",
    "role",
    "amount",
    "description",
    "upi",
    "confirm",
)
Step = Callable[[Update, BotContext, people.Draft, str], Awaitable[str | None]]


def _buttons(lang: str, *rows: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t(lang, label), callback_data=data)] for label, data in rows]
    )


async def begin_create(update: Update, context: BotContext) -> None:
    """Step 1: paying or receiving?"""
    await people.save_draft(actor_of(update), people.Draft(CREATE, ROLE), context.services.deps)
    lang = await language(update, context)
    keyboard = _buttons(
        lang,
        ("btn.role_payer", "draft:0:payer"),
        ("btn.role_payee", "draft:0:payee"),
        ("btn.cancel_flow", "draft:0:abort"),
    )
    await reply(update, t(lang, "create.ask_role"), keyboard)


async def ask_amount(update: Update, context: BotContext, lang: str) -> None:
    limits = context.services.deps.policy.limits
    await reply(
        update,
        t(lang, "create.ask_amount", min=money(limits.min_paise), max=money(limits.max_paise)),
    )


async def on_amount(
    update: Update, context: BotContext, draft: people.Draft, text: str
) -> str | None:
    """Step 2: the amount, in any of the ways people write rupees."""
    draft.data["amount_paise"] = parse_amount(text, context.services.deps.policy.limits)
    await reply(update, t(await language(update, context), "create.ask_description"))
    return DESCRIPTION


async def on_description(
    update: Update, context: BotContext, draft: people.Draft, text: str
) -> str | None:
    """Step 3: what it is for; then the UPI id if they receive, else the summary."""
    draft.data["description"] = clean_text(
        text, context.services.deps.policy.description_max_length, "description"
    )
    lang = await language(update, context)
    if draft.data["role"] == Role.PAYER:
        await _summary(update, context, draft, lang)
        return CONFIRM
    user_upi = await _saved_upi(update, context)
    keyboard = _buttons(lang, ("btn.cancel_flow", "draft:0:abort"))
    if user_upi:
        use = InlineKeyboardButton(
            t(lang, "btn.use_saved_upi", upi=mask_vpa(user_upi)), callback_data="draft:0:saved_upi"
        )
        keyboard = InlineKeyboardMarkup([[use], *keyboard.inline_keyboard])
    await reply(update, t(lang, "create.ask_upi"), keyboard)
    return UPI


async def on_upi(update: Update, context: BotContext, draft: people.Draft, text: str) -> str | None:
    """Step 4 (receiving only): where the money goes."""
    draft.data["upi_id"] = parse_vpa(text)
    await _summary(update, context, draft, await language(update, context))
    return CONFIRM


async def _summary(update: Update, context: BotContext, draft: people.Draft, lang: str) -> None:
    """Step 5: everything at once, then Create / Start over / Never mind."""
    amount = int(draft.data["amount_paise"])
    upi = draft.data.get("upi_id")
    role = "payer" if draft.data["role"] == Role.PAYER else "payee"
    text = t(
        lang,
        "create.summary",
        role_line=Html(t(lang, f"create.summary_{role}")),
        amount=money(amount),
        description=draft.data["description"],
        upi_line=Html(t(lang, "create.summary_upi", upi=mask_vpa(upi)) if upi else ""),
        fee=money(fee_for(amount, context.services.deps.policy.fee_bps)),
    )
    keyboard = _buttons(
        lang,
        ("btn.create", "draft:0:create"),
        ("btn.start_over", "draft:0:restart"),
        ("btn.cancel_flow", "draft:0:abort"),
    )
    await reply(update, text, keyboard)


async def _saved_upi(update: Update, context: BotContext) -> str | None:
    views = context.services.deps
    async with views.uow() as uow:
        user = await uow.users.by_telegram_id(actor_of(update).telegram_id)
        return user.upi_id if user else None


@handler
async def on_draft_button(update: Update, context: BotContext) -> None:
    """Buttons of the create flow: role, use saved UPI id, create, start over, never mind."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    choice = (query.data or "").rsplit(":", 1)[-1]
    actor, deps = actor_of(update), context.services.deps
    draft = await people.load_draft(actor, deps)
    lang = await language(update, context)
    if choice == "abort":
        await people.clear_draft(actor, deps)
        await reply(update, t(lang, "create.cancelled"))
    elif choice == "restart" or draft is None or draft.flow != CREATE:
        await begin_create(update, context)
    elif choice in (Role.PAYER, Role.PAYEE) and draft.step == ROLE:
        draft.data["role"], draft.step = choice, AMOUNT
        await people.save_draft(actor, draft, deps)
        await ask_amount(update, context, lang)
    elif (
        choice == "saved_upi" and draft.step == UPI and (saved := await _saved_upi(update, context))
    ):
        draft.data["upi_id"], draft.step = saved, CONFIRM
        await people.save_draft(actor, draft, deps)
        await _summary(update, context, draft, lang)
    elif choice == "create" and draft.step == CONFIRM:
        await _create(update, context, draft)


async def _create(update: Update, context: BotContext, draft: people.Draft) -> None:
    actor, deps = actor_of(update), context.services.deps
    command = CreateEscrow(
        actor,
        Role(draft.data["role"]),
        int(draft.data["amount_paise"]),
        str(draft.data["description"]),
        draft.data.get("upi_id"),
    )
    escrow = await service.create_escrow(command, deps)
    await people.clear_draft(actor, deps)
    await deals.announce_created(update, context, escrow)


STEPS: dict[tuple[str, str], Step] = {
    (CREATE, AMOUNT): on_amount,
    (CREATE, DESCRIPTION): on_description,
    (CREATE, UPI): on_upi,
    ("join", UPI): deals.on_join_upi,
    ("collect", UPI): deals.on_collect_upi,
    (upi.FLOW, upi.UPI_ID): upi.on_new_upi,
    ("dispute", "reason"): deals.on_dispute_reason,
    ("evidence", "open"): deals.on_evidence,
}


@handler
async def on_text(update: Update, context: BotContext) -> None:
    """Any plain message: the next step of a flow, a code to join, or a gentle pointer."""
    message = update.effective_message
    assert message is not None
    text = message.text or ""
    actor, deps = actor_of(update), context.services.deps
    draft = await people.load_draft(actor, deps)
    step = STEPS.get((draft.flow, draft.step)) if draft else None
    if draft is not None and step is not None:
        # A refusal (bad amount, bad UPI id) propagates: the step stays, they just send again.
        following = await step(update, context, draft, text)
        if following is None:
            await people.clear_draft(actor, deps)
        else:
            draft.step = following
            await people.save_draft(actor, draft, deps)
        return
    if await deals.maybe_join_by_text(update, context, text):
        return
    await reply(update, t(await language(update, context), "not_understood"))


@handler
async def on_photo(update: Update, context: BotContext) -> None:
    """A photo: dispute evidence if a dispute is open, else a pointer."""
    actor, deps = actor_of(update), context.services.deps
    draft = await people.load_draft(actor, deps)
    if draft is not None and draft.flow == "evidence":
        await deals.on_evidence_photo(update, context, draft)
        return
    await reply(update, t(await language(update, context), "not_understood"))
