"""Support's commands, for ADMIN_TELEGRAM_IDS only (the core checks again on every action)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import BotContext
from bot.handlers.common import actor_of, args_of, handler, language, reply
from bot.handlers.deals import send_card
from bot.i18n import money, state_name, t, when
from core import people
from core.errors import ForbiddenError, InputError
from core.escrow import disputes, support, views
from core.escrow.commands import Outcome, Resolve
from core.money import parse_amount


async def _require_admin(update: Update, context: BotContext) -> str:
    if not context.services.deps.policy.is_admin(actor_of(update).telegram_id):
        raise ForbiddenError("admin.only")
    return await language(update, context)


def _menu(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(t(lang, "btn.alerts"), callback_data="admin:0:alerts"),
                InlineKeyboardButton(t(lang, "btn.stats"), callback_data="admin:0:stats"),
            ]
        ]
    )


@handler
async def admin(update: Update, context: BotContext) -> None:
    """/admin: the support menu."""
    lang = await _require_admin(update, context)
    await reply(update, t(lang, "admin.menu"), _menu(lang))


@handler
async def on_admin_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await _require_admin(update, context)
    await query.answer()
    if (query.data or "").endswith("stats"):
        await _stats(update, context)
    else:
        await _alerts(update, context)


@handler
async def find(update: Update, context: BotContext) -> None:
    """/find CODE | @user | telegram-id: the escrow(s), with the payment log for one."""
    lang = await _require_admin(update, context)
    args = args_of(context)
    if not args:
        await reply(update, t(lang, "admin.find_usage"))
        return
    actor, deps = actor_of(update), context.services.deps
    found = await support.find(actor, args[0], deps)
    if not found:
        await reply(update, t(lang, "admin.found_none", query=args[0]))
        return
    for escrow in found[:5]:
        await send_card(update, context, await views.view_by_id(actor, escrow.id, deps))
    if len(found) == 1:
        await _payment_log(update, context, found[0].id, found[0].code, lang)


async def _payment_log(
    update: Update, context: BotContext, escrow_id: int, code: str, lang: str
) -> None:
    actor, deps = actor_of(update), context.services.deps
    lines = [
        t(
            lang,
            "admin.log_line",
            time=when(entry.created_at),
            event=entry.event_type,
            status=entry.status,
            amount=money(entry.amount_paise) if entry.amount_paise else "",
        )
        for entry in await support.payment_log(actor, escrow_id, deps)
    ]
    lines += [
        t(lang, "admin.evidence_line", who=f"#{item.user_id}", text=item.text or "📷")
        for item in await people.evidence_for(code, deps)
    ]
    if lines:
        await reply(update, "\n".join(lines))


@handler
async def resolve(update: Update, context: BotContext) -> None:
    """/resolve CODE release|refund|split AMOUNT"""
    lang = await _require_admin(update, context)
    args = args_of(context)
    outcomes = {o.value: o for o in Outcome}
    if len(args) < 2 or args[1].lower() not in outcomes:
        await reply(update, t(lang, "admin.resolve_usage"))
        return
    outcome = outcomes[args[1].lower()]
    share = None
    if outcome is Outcome.SPLIT:
        if len(args) < 3:
            raise InputError("resolve.bad_split", amount_paise=0)
        share = parse_amount(" ".join(args[2:]), context.services.deps.policy.limits)
    result = await disputes.resolve_dispute(
        Resolve(actor_of(update), args[0], outcome, share), context.services.deps
    )
    await reply(update, t(lang, "admin.resolved", code=result.escrow.code, outcome=outcome.value))


@handler
async def retry(update: Update, context: BotContext) -> None:
    """/retry CODE: make a stuck payment step try again now."""
    lang = await _require_admin(update, context)
    args = args_of(context)
    if not args:
        await reply(update, t(lang, "admin.retry_usage"))
        return
    await support.retry_escrow(actor_of(update), args[0], context.services.deps)
    await reply(update, t(lang, "admin.retried", code=args[0].upper()))


@handler
async def payout_done(update: Update, context: BotContext) -> None:
    """/payout_done CODE UTR (manual rail)."""
    lang = await _require_admin(update, context)
    args = args_of(context)
    if len(args) < 2:
        await reply(update, t(lang, "admin.payout_done_usage"))
        return
    record = support.RecordManualPayout(actor_of(update), args[0], args[1])
    escrow = await support.record_manual_payout(record, context.services.deps)
    await reply(update, t(lang, "admin.payout_recorded", utr=args[1].upper(), code=escrow.code))


@handler
async def alerts(update: Update, context: BotContext) -> None:
    """/alerts: open alerts, each with a Done button."""
    await _require_admin(update, context)
    await _alerts(update, context)


async def _alerts(update: Update, context: BotContext) -> None:
    lang = await language(update, context)
    found = await support.open_alerts(actor_of(update), context.services.deps)
    if not found:
        await reply(update, t(lang, "admin.alerts_none"))
        return
    for alert, code in found:
        done = InlineKeyboardButton(
            t(lang, "btn.alert_done", id=alert.id), callback_data=f"alert:{alert.id}:done"
        )
        text = t(
            lang,
            "admin.alert_line",
            id=alert.id,
            kind=alert.kind,
            code=code or "",
            detail=alert.detail,
        )
        await reply(update, text, InlineKeyboardMarkup([[done]]))


@handler
async def on_alert_done(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    lang = await _require_admin(update, context)
    raw = (query.data or "").split(":")[1]
    alert_id = int(raw) if raw.isdigit() else -1  # forged data: "no such alert"
    await support.close_alert(actor_of(update), alert_id, context.services.deps)
    await query.answer()
    await query.edit_message_text(t(lang, "admin.alert_closed", id=alert_id))


@handler
async def stats(update: Update, context: BotContext) -> None:
    """/stats"""
    await _require_admin(update, context)
    await _stats(update, context)


async def _stats(update: Update, context: BotContext) -> None:
    lang = await language(update, context)
    numbers = await support.stats(actor_of(update), context.services.deps)
    by_state = "\n".join(f"{state_name(lang, s)}: {n}" for s, n in sorted(numbers.by_state.items()))
    await reply(
        update,
        t(
            lang,
            "admin.stats",
            by_state=by_state,
            held=money(numbers.held_paise),
            released=money(numbers.released_paise),
            alerts=numbers.open_alerts,
        ),
    )


@handler
async def ban(update: Update, context: BotContext) -> None:
    """/ban TELEGRAM_ID [reason]"""
    await _ban(update, context, banned=True)


@handler
async def unban(update: Update, context: BotContext) -> None:
    """/unban TELEGRAM_ID"""
    await _ban(update, context, banned=False)


async def _ban(update: Update, context: BotContext, *, banned: bool) -> None:
    lang = await _require_admin(update, context)
    args = args_of(context)
    if not args or not args[0].isdigit():
        await reply(update, t(lang, "admin.ban_usage"))
        return
    await people.ban(
        actor_of(update), int(args[0]), " ".join(args[1:]), context.services.deps, banned=banned
    )
    await reply(
        update, t(lang, "admin.banned" if banned else "admin.unbanned", telegram_id=args[0])
    )


@handler
async def login(update: Update, context: BotContext) -> None:
    """/login: a one-time link to the admin web pages."""
    lang = await _require_admin(update, context)
    token = await people.admin_login_token(actor_of(update), context.services.deps)
    url = f"{context.services.public_base_url.rstrip('/')}/admin/login/{token}"
    await reply(update, t(lang, "admin.login_link", url=url))
