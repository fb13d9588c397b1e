"""The deal card: an escrow as one message, with only the buttons its viewer may use.

Buttons carry `escrow:<id>:<verb>`; the handler re-checks who pressed and the escrow's state in
the database, so a forged or stale button can never do more than the person could anyway.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import BotServices
from bot.i18n import Html, has, money, state_name, t
from core.escrow.states import State
from core.escrow.views import EscrowView

TERMINAL = {State.RELEASED, State.REFUNDED, State.CANCELLED, State.EXPIRED, State.SPLIT}


def next_text(lang: str, view: EscrowView) -> Html:
    """The one line that tells this viewer what happens next (in their role's words, if the
    catalogue has them)."""
    key = view.next_step()
    if has(f"{key}.{view.role}"):
        key = f"{key}.{view.role}"
    return Html(
        t(
            lang,
            key,
            code=view.code,
            amount=money(view.amount_paise),
            payout=money(max(view.payout_paise, 0)),
            payer=view.payer_name or "—",
            release_date=view.inspection_ends_at or "",
        )
    )


def card_text(lang: str, view: EscrowView) -> str:
    def party(role: str, name: str | None) -> str:
        if name is None:
            return t(lang, "card.nobody_yet")
        return t(lang, "card.you", name=name) if view.role == role else name

    payee = party("payee", view.payee_name)
    if view.payee_upi and view.payee_name:
        payee = f"{payee} · {view.payee_upi}"
    return t(
        lang,
        "card",
        name=view.name,
        code=view.code,
        description=view.description,
        amount=money(view.amount_paise),
        payer=Html(party("payer", view.payer_name)),
        payee=Html(payee),
        state_name=state_name(lang, view.state),
        next=next_text(lang, view),
    )


def card_keyboard(lang: str, view: EscrowView, services: BotServices) -> InlineKeyboardMarkup:
    rows = [[_button(lang, view, verb)] for verb in actions(view)]
    links = [
        InlineKeyboardButton(t(lang, "btn.status_page"), url=services.status_url(view.status_token))
    ]
    if State(view.state) is State.AWAITING_PARTNER:
        share = t(
            lang, "share.text", name=view.name, amount=money(view.amount_paise), code=view.code
        )
        links.insert(
            0,
            InlineKeyboardButton(
                t(lang, "btn.share_code"), url=services.share_url(view.code, share)
            ),
        )
    rows.append(links)
    return InlineKeyboardMarkup(rows)


def actions(view: EscrowView) -> list[str]:
    """The verbs this viewer may use now (the same rules the use cases enforce)."""
    state, role = State(view.state), view.role
    if role is None:
        return ["refresh"]
    if state is State.AWAITING_PARTNER:
        return ["cancel"]
    if state is State.AWAITING_PAYMENT:
        return ["collect", "cancel"] if role == "payer" else ["cancel"]
    if state is State.HELD:
        confirm = [] if role in view.confirmed else ["release" if role == "payer" else "delivered"]
        cancel = "ask_cancel" if role == "payer" else "cancel_refund"
        if role == "payer" and view.cancel_requested:
            cancel = ""
        return [*confirm, *filter(None, [cancel]), "dispute"]
    if state is State.PAYOUT_FAILED and role == "payee":
        return ["upi", "refresh"]
    if state in TERMINAL:
        return ["receipt"]
    return ["refresh"]


def may_change_upi(view: EscrowView) -> bool:
    """Whether to start asking this viewer for a new UPI id (the use case decides for real:
    before payment only while the id is not confirmed, which the view does not know)."""
    return view.role == "payee" and State(view.state) in (
        State.PAYOUT_FAILED,
        State.AWAITING_PAYMENT,
    )


LABELS = {
    "release": "btn.release",
    "delivered": "btn.delivered",
    "cancel": "btn.cancel",
    "cancel_refund": "btn.cancel_refund",
    "ask_cancel": "btn.ask_cancel",
    "dispute": "btn.dispute",
    "collect": "btn.collect",
    "receipt": "btn.receipt",
    "refresh": "btn.refresh",
    "upi": "btn.new_upi",
}


def _button(lang: str, view: EscrowView, verb: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(t(lang, LABELS[verb]), callback_data=f"escrow:{view.id}:{verb}")


def confirm_keyboard(lang: str, view: EscrowView, verb: str) -> InlineKeyboardMarkup:
    """Yes / No before an action that moves money."""
    yes = "btn.yes_release" if verb == "release" else "btn.yes_cancel"
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(t(lang, yes), callback_data=f"escrow:{view.id}:yes_{verb}")],
            [InlineKeyboardButton(t(lang, "btn.no"), callback_data=f"escrow:{view.id}:refresh")],
        ]
    )
