"""A new UPI id for the payee: `/upi CODE upi-id`, or the "Give a new UPI id" button and then
the id as their next message. The use case decides who may change it and when (checked against
the sender's Telegram id); this module only asks, passes the id on and says what happens next.
"""

from __future__ import annotations

from telegram import Update

from bot.cards import may_change_upi
from bot.context import BotContext
from bot.handlers import deals
from bot.handlers.common import actor_of, args_of, handler, language, reply
from bot.i18n import error_text, t
from core import people
from core.db.models import Escrow
from core.errors import InputError, ServiceError
from core.escrow import payee_upi, views
from core.escrow.payee_upi import ChangePayeeUpi
from core.escrow.states import State
from core.escrow.upi_checks import GO_AHEAD, UpiStatus
from core.payments.vpa import mask_vpa

FLOW, UPI_ID = "upi", "upi_id"
ASK_AGAIN = frozenset({"upi.same"})  # refusals a different UPI id fixes: keep asking


@handler
async def upi(update: Update, context: BotContext) -> None:
    """/upi CODE upi-id: the payee's new UPI id."""
    args = args_of(context)
    if len(args) < 2:
        await reply(update, t(await language(update, context), "upi.usage"))
        return
    code = args[0]
    if await change(update, context, code, " ".join(args[1:])):
        await _wait_for_id(update, context, code)


@handler
async def on_new_upi_button(update: Update, context: BotContext) -> None:
    """escrow:<id>:upi. Ask the payee for the new UPI id; their next message is it."""
    query = update.callback_query
    assert query is not None
    _, raw_id, _ = (query.data or "::").split(":", 2)
    actor, deps = actor_of(update), context.services.deps
    view = await views.view_by_id(actor, int(raw_id) if raw_id.isdigit() else -1, deps)
    lang = await language(update, context)
    if not may_change_upi(view):
        await query.answer(t(lang, "stale_button"))
        await deals.send_card(update, context, view)
        return
    await query.answer()
    await _wait_for_id(update, context, view.code)
    await reply(update, t(lang, "upi.ask", name=view.name, code=view.code))


async def on_new_upi(
    update: Update, context: BotContext, draft: people.Draft, text: str
) -> str | None:
    """The message after the button: the new UPI id. A typo or the same id asks again."""
    lang = await language(update, context)
    try:
        keep_asking = await change(update, context, str(draft.data["code"]), text)
    except InputError as exc:  # not a UPI id: the rule, and ask again
        await reply(update, f"{error_text(lang, exc)}\n{t(lang, 'upi.send_again')}")
        return UPI_ID
    except ServiceError as exc:  # not theirs to change, or not now: leave the flow
        await reply(update, error_text(lang, exc))
        return UPI_ID if exc.key in ASK_AGAIN else None
    return UPI_ID if keep_asking else None


async def change(update: Update, context: BotContext, code: str, text: str) -> bool:
    """Hand the new id to the use case and say what happens next; True if the bank says the
    id does not exist (so another one is needed)."""
    actor, deps = actor_of(update), context.services.deps
    escrow = await payee_upi.change_payee_upi(ChangePayeeUpi(actor, code, text.strip()), deps)
    view = await views.view_by_id(actor, escrow.id, deps)
    lang = await language(update, context)
    upi_id = mask_vpa(escrow.payee_vpa or "")
    await reply(update, t(lang, _outcome(escrow), upi=upi_id, payer=view.payer_name or ""))
    return escrow.payee_vpa_status == UpiStatus.INVALID


def _outcome(escrow: Escrow) -> str:
    """The catalogue key saying where the new id stands: checking, accepted, or refused."""
    status = UpiStatus(escrow.payee_vpa_status)
    before_payment = escrow.state == State.AWAITING_PAYMENT
    if status is UpiStatus.INVALID:
        return "upi.checked_invalid"
    if status in GO_AHEAD:
        return "upi.payment_asked" if before_payment else "upi.sending"
    return "upi.checking_payment" if before_payment else "upi.checking_payout"


async def _wait_for_id(update: Update, context: BotContext, code: str) -> None:
    """From now on the person's next text message is the new UPI id for `code`."""
    draft = people.Draft(FLOW, UPI_ID, {"code": code})
    await people.save_draft(actor_of(update), draft, context.services.deps)
