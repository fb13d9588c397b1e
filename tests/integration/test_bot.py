"""The real bot, unmodified, against the sandbox Bot API over HTTP, driven only as people drive
it: by sending messages and tapping buttons. Payments go through the Setu simulator's mock-pay,
payouts through the RazorpayX simulator.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import pytest
from pypdf import PdfReader
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.db.models import Escrow
from core.escrow.notices import notify_parties
from core.escrow.states import State
from tests.chat import ALICE, BOB, CAROL, SUPPORT, Chat, buttons, card, code_in
from tests.running import serve, settings_for


@pytest.fixture
async def chat(db_url: str) -> AsyncIterator[Chat]:
    async for app in serve(settings_for(db_url, fee_bps=100)):
        yield Chat(app)


async def escrow(chat: Chat, code: str) -> Escrow:
    async with chat.app.runtime.deps.uow() as uow:
        found = await uow.escrows.by_code(code)
        assert found is not None
        return found


async def opened(chat: Chat, amount: str = "1500", what: str = "Phone case") -> str:
    """Alice (payer) opens an escrow the quick way and Bob joins with his UPI id."""
    await chat.say(ALICE, "/start")
    replies = await chat.say(ALICE, f"/create {amount} {what}")
    code = code_in(replies[0]["text"])
    await chat.say(BOB, f"/join {code} bilal.k@okaxis")
    return code


async def paid(chat: Chat, code: str, within: float = 30.0) -> None:
    """Alice pays, once she has been asked to (after Setu has checked Bob's UPI id)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while (await escrow(chat, code)).setu_qr_id is None:
        assert loop.time() < deadline, "the payer was never asked to pay"
        await chat.run_jobs()  # as the scheduler would, should a check or request be put off
        await asyncio.sleep(0.1)
    await chat.app.pay(await escrow(chat, code))
    await chat.app.wait_state(await escrow(chat, code), State.HELD)
    await chat.settle()


# --- the whole escrow, end to end ----------------------------------------------------------------


async def test_two_strangers_complete_an_escrow_in_chat_alone(chat: Chat) -> None:
    welcome = await chat.say(ALICE, "/start")
    assert "Welcome to TrustPay" in welcome[0]["text"]
    created = await chat.say(ALICE, "/create ₹1,500 iPhone 13 case")
    code = code_in(created[0]["text"])
    assert f"t.me/TrustPayEscrowBot?start=join_{code}" in created[0]["text"]
    assert any("Share" in b for b in buttons(created[0]))

    joined = await chat.say(BOB, f"/start join_{code}")  # the deep link asks for Bob's UPI id
    assert "Which UPI id should receive it?" in joined[-1]["text"]
    joined = await chat.say(BOB, "bilal.k@okaxis")
    assert "You joined" in joined[0]["text"]
    assert "bi***@okaxis" in card(chat, BOB, code)["text"]

    # Asha is told to pay: the upi:// link in the text, and a QR code image of it
    request = next(m for m in chat.from_bot(ALICE) if "upi://pay?" in (m["text"] or ""))
    assert "Pay ₹1,500" in request["text"]
    assert any(m["photo"] for m in chat.from_bot(ALICE))

    await paid(chat, code)
    assert any("received and held" in t for t in chat.texts(BOB))
    payee_card = card(chat, BOB, code)
    await chat.click(BOB, payee_card, "Delivered")
    payer_card = card(chat, ALICE, code)
    await chat.click(ALICE, payer_card, "Release")
    ask = chat.message(ALICE, payer_card["message_id"])  # the card asks before money moves
    assert "Release ₹1,485 to Bilal?" in ask["text"]
    await chat.click(ALICE, ask, "Yes, release")
    await chat.app.wait_state(await escrow(chat, code), State.RELEASED)
    await chat.settle()
    for person, said in ((ALICE, "was paid to the payee"), (BOB, "was paid to your UPI id")):
        assert any(said in t and "UTR" in t for t in chat.texts(person))
        assert "completed" in card(chat, person, code)["text"]


async def test_a_429_on_the_deal_card_does_not_send_the_push_twice(chat: Chat) -> None:
    code = await opened(chat)
    await paid(chat, code)
    await chat.click(BOB, card(chat, BOB, code), "Delivered")
    pushes = sum("confirmed the deal" in t for t in chat.texts(ALICE))
    # Alice's notice is a push and then her deal card edited in place. Queue one more and let
    # Telegram refuse the edit once: the retry must redo only the edit.
    deps = chat.app.runtime.deps
    async with deps.uow() as uow:
        found = await escrow(chat, code)
        await notify_parties(
            uow, found, "partner_confirmed", deps.clock.now(), only="payer", by="payee"
        )
        await uow.commit()
    chat.sandbox.faults.only_method, chat.sandbox.faults.rate_limit_next = "editMessageText", 1
    await chat.settle()
    assert chat.sandbox.faults.rate_limit_next == 0  # Telegram did refuse the edit once
    assert sum("confirmed the deal" in t for t in chat.texts(ALICE)) == pushes + 1


async def test_the_guided_create_flow_with_buttons(chat: Chat) -> None:
    await chat.say(BOB, "/start")
    [ask_role] = await chat.say(BOB, "/create")
    await chat.click(BOB, ask_role, "I'm receiving")
    assert "How much?" in chat.last(BOB)["text"]
    assert "amount I understand" in (await chat.say(BOB, "fifteen hundred"))[0]["text"]
    await chat.say(BOB, "₹1,500.50")
    await chat.say(BOB, "Royal Enfield helmet 🏍️, size L")
    assert "Which UPI id" in chat.last(BOB)["text"]
    assert "UPI id" in (await chat.say(BOB, "not-a-upi"))[0]["text"]
    [summary] = await chat.say(BOB, "bilal.k@okaxis")
    assert "₹1,500.50" in summary["text"]
    assert "🏍️" in summary["text"]
    assert "You receive the money (you are the payee)" in summary["text"]
    created = await chat.click(BOB, summary, "Create escrow")
    assert created is None
    code = code_in(next(m for m in chat.from_bot(BOB) if "is open" in (m["text"] or ""))["text"])
    assert (await escrow(chat, code)).creator_role == "payee"


# --- cancelling, disputes and support ------------------------------------------------------------


async def test_cancel_before_payment_tells_both(chat: Chat) -> None:
    code = await opened(chat)
    await chat.say(BOB, f"/cancel {code} changed my mind")
    await chat.settle()
    assert (await escrow(chat, code)).state == State.CANCELLED
    assert any("was cancelled" in t for t in chat.texts(ALICE))


async def test_cancel_after_payment_refunds_the_payer(chat: Chat) -> None:
    code = await opened(chat, "800")
    await paid(chat, code)
    bob_card = card(chat, BOB, code)
    await chat.click(BOB, bob_card, "Cancel & refund")
    await chat.click(BOB, chat.message(BOB, bob_card["message_id"]), "Yes, cancel")
    await chat.app.wait_state(await escrow(chat, code), State.REFUNDED, within=10)
    await chat.settle()
    assert any("was refunded to you" in t for t in chat.texts(ALICE))
    assert any("was refunded to the payer" in t for t in chat.texts(BOB))


async def test_a_dispute_with_evidence_is_split_by_support(chat: Chat) -> None:
    await chat.say(SUPPORT, "/start")  # Telegram only lets a bot write to people who wrote first
    code = await opened(chat, "1000")
    await paid(chat, code)
    await chat.say(ALICE, f"/dispute {code} the screen is cracked")
    assert any("Dispute opened" in text for text in chat.texts(ALICE))
    saved = await chat.say(ALICE, "Photo of the crack follows", photo=_png())
    assert "Added to the dispute" in saved[0]["text"]
    assert any("Alert" in t and code in t for t in chat.texts(SUPPORT))
    found = await chat.say(SUPPORT, f"/find {code}")
    assert any("screen" in (m["text"] or "") or "📎" in (m["text"] or "") for m in found)
    await chat.say(SUPPORT, f"/resolve {code} split 600")
    await chat.app.wait_state(await escrow(chat, code), State.SPLIT, within=10)
    await chat.settle()
    assert any("Support settled" in t for t in chat.texts(BOB))


async def test_support_sees_stats_and_alerts(chat: Chat) -> None:
    await opened(chat)
    stats = await chat.say(SUPPORT, "/stats")
    assert "waiting for payment: 1" in stats[0]["text"]
    menu = await chat.say(SUPPORT, "/admin")
    assert "/resolve" in menu[0]["text"]


# --- Hindi ---------------------------------------------------------------------------------------


async def test_everything_in_hindi_after_choosing_it(chat: Chat) -> None:
    [pick] = await chat.say(ALICE, "/language")
    await chat.click(ALICE, pick, "हिन्दी")
    assert "हिन्दी में" in chat.last(ALICE)["text"]
    help_text = (await chat.say(ALICE, "/help"))[0]["text"]
    assert "एस्क्रो" in help_text
    created = await chat.say(ALICE, "/create 500 पुरानी किताबें")
    assert "खुल गया" in created[0]["text"]
    wrong = await chat.say(ALICE, "/create 0 कुछ")
    assert "शून्य" in wrong[0]["text"]
    code = code_in(created[0]["text"])
    [document] = [m for m in await chat.say(ALICE, f"/receipt {code}") if m["document"]]
    pdf = chat.sandbox.file(document["document"]["url"].rsplit("/", 1)[-1])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "TrustPay एस्क्रो रसीद" in text  # the receipt in her language
    assert "पुरानी" in text  # and her Hindi description drawn, not "?"


# --- forgery and stale buttons -------------------------------------------------------------------


async def test_a_stranger_pressing_a_partys_button_changes_nothing(chat: Chat) -> None:
    code = await opened(chat)
    await paid(chat, code)
    escrow_id = (await escrow(chat, code)).id
    await chat.say(CAROL, "/start")
    # Carol's client copies Alice's button data onto a message of her own (Telegram allows
    # callback data copied from an existing button): the bot must look at who pressed.
    bot = chat.app.runtime.bot.application.bot
    for verb in ("yes_release", "cancel", "dispute", "refresh"):
        forged = InlineKeyboardMarkup(
            [[InlineKeyboardButton("go", callback_data=f"escrow:{escrow_id}:{verb}")]]
        )
        message = await bot.send_message(CAROL.id, "forged", reply_markup=forged)
        answer = await chat.press(CAROL, message.message_id, f"escrow:{escrow_id}:{verb}")
        assert answer["answer"] is not None
        assert "can't find that escrow" in answer["answer"]["text"]
    assert (await escrow(chat, code)).state == State.HELD
    assert all(code not in text for text in chat.texts(CAROL))


async def test_a_stale_button_after_release_gets_a_polite_answer(chat: Chat) -> None:
    code = await opened(chat)
    await paid(chat, code)
    old_card = card(chat, BOB, code)
    await chat.say(BOB, f"/status {code}")  # a newer card: only that one is kept up to date
    assert card(chat, BOB, code)["message_id"] != old_card["message_id"]
    await chat.say(ALICE, f"/confirm {code}")
    await chat.say(BOB, f"/confirm {code}")
    await chat.app.wait_state(await escrow(chat, code), State.RELEASED)
    toast = await chat.click(BOB, old_card, "Cancel & refund")
    assert toast is not None
    assert "out of date" in toast
    assert (await escrow(chat, code)).state == State.RELEASED


async def test_double_taps_do_nothing_twice(chat: Chat) -> None:
    code = await opened(chat)
    await paid(chat, code)
    first = await chat.say(BOB, f"/confirm {code}")
    again = await chat.say(BOB, f"/confirm {code}")
    assert "Noted" in first[0]["text"]
    assert "nothing changed" in again[0]["text"]


async def test_support_commands_are_refused_to_everyone_else(chat: Chat) -> None:
    code = await opened(chat)
    await paid(chat, code)
    for command in (f"/resolve {code} release", "/stats", f"/find {code}", "/ban 2002", "/login"):
        reply = await chat.say(CAROL, command)
        assert "TrustPay support only" in reply[0]["text"]
    assert (await escrow(chat, code)).state == State.HELD


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/create abc Phone", "amount I understand"),
        ("/create 0 Phone", "more than zero"),
        ("/create 10.555 Phone", "2 digits"),
        ("/create 99999999 Phone", "largest escrow is ₹1,00,000"),
        ("/create 1500", "say what the deal is for"),
        ("/create 1500 " + "x" * 300, "under 200 characters"),
        ("/join", "6-character code"),
        ("/join ZZ", "isn't one"),
        ("/join ZZZZZZ", "can't find an escrow"),
        ("/status NOPE12", "isn't one"),
        ("/frobnicate", "don't know that command"),
        ("🙂🙂🙂", "not sure what you mean"),
        ("/confirm", "/confirm CODE"),
        ("/dispute", "/dispute CODE"),
    ],
)
async def test_bad_input_gets_a_clear_reply(chat: Chat, text: str, expected: str) -> None:
    reply = await chat.say(ALICE, text)
    assert reply, "the bot stayed silent"
    assert expected in reply[-1]["text"], reply[-1]["text"]


async def test_a_bad_upi_id_when_joining_is_explained(chat: Chat) -> None:
    created = await chat.say(ALICE, "/create 1500 Phone")
    code = code_in(created[0]["text"])
    reply = await chat.say(BOB, f"/join {code} bilal@@bank")
    assert "doesn't look like a UPI id" in reply[0]["text"]


def _png() -> bytes:
    import qrcode

    buffer = io.BytesIO()
    qrcode.make("evidence").save(buffer, format="PNG")
    return buffer.getvalue()
