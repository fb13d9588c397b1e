"""The payee's UPI id through the real bot: the name the bank holds shown before anyone pays,
an id that does not exist, a payout the bank refused (PAYOUT_FAILED) and a new UPI id given
with `/upi` or the "Give a new UPI id" button. Setu's simulator checks UPI ids by their look
(`invalid…@` does not exist, `bilal.k@okaxis` is "Bilal K"); RazorpayX's `invalid_vpa` fault
makes the bank refuse every payout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.escrow.states import State
from tests.chat import ALICE, BOB, CAROL, SUPPORT, Chat, Person, button, buttons, card, code_in
from tests.integration.test_bot import escrow, opened, paid
from tests.running import serve, settings_for

WAIT = 30.0  # generous: the checks and payouts run on timers and webhooks


@pytest.fixture
async def chat(db_url: str) -> AsyncIterator[Chat]:
    async for app in serve(settings_for(db_url, fee_bps=100)):
        yield Chat(app)


async def eventually(
    chat: Chat, check: Callable[[], Awaitable[bool]], within: float = WAIT
) -> None:
    """Let the bot, the webhooks, the outbox and the jobs (as the scheduler would) run until
    `check` holds; fail after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not await check():
        assert loop.time() < deadline, "condition not met in time"
        await chat.run_jobs()
        await asyncio.sleep(0.2)
    await chat.settle()


def told(chat: Chat, person: Person, words: str) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return any(words in text for text in chat.texts(person))

    return check


async def asked_to_pay(chat: Chat, code: str) -> None:
    """Once Setu has checked the payee's UPI id, the payer gets the payment request."""

    async def qr() -> bool:
        return (await escrow(chat, code)).setu_qr_id is not None

    await eventually(chat, qr)
    await eventually(chat, told(chat, ALICE, "upi://pay?"))


async def payout_refused(chat: Chat) -> str:
    """Paid, confirmed by both, and the bank refuses the payout to Bob's UPI id."""
    code = await opened(chat)
    await asked_to_pay(chat, code)
    await paid(chat, code)
    chat.app.rx.faults.invalid_vpa = True
    await chat.say(ALICE, f"/confirm {code}")
    await chat.say(BOB, f"/confirm {code}")
    await chat.app.wait_state(await escrow(chat, code), State.PAYOUT_FAILED, within=WAIT)
    await eventually(chat, told(chat, BOB, "refused the payout"))
    return code


# --- the name on the UPI id, before anyone pays --------------------------------------------------


async def test_the_payer_sees_whose_upi_id_it_is_before_paying(chat: Chat) -> None:
    code = await opened(chat)
    await asked_to_pay(chat, code)
    before = next(t for t in chat.texts(ALICE) if "Before you pay" in t)
    assert "bi***@okaxis" in before
    assert "registered to Bilal K" in before
    assert "Pay only if this is the person you are dealing with" in before
    request = next(t for t in chat.texts(ALICE) if "upi://pay?" in t)
    assert "registered to Bilal K" in request
    assert any("is confirmed by the bank" in t for t in chat.texts(BOB))
    assert all("bilal.k@okaxis" not in t for t in chat.texts(ALICE))  # only ever masked


async def test_a_upi_id_that_does_not_exist_holds_the_payment_until_a_new_one(chat: Chat) -> None:
    [pick] = await chat.say(BOB, "/language")
    await chat.click(BOB, pick, "हिन्दी")
    created = await chat.say(ALICE, "/create 1500 Phone case")
    code = code_in(created[0]["text"])
    await chat.say(BOB, f"/join {code} invalid.bilal@okaxis")
    await eventually(chat, told(chat, BOB, "मौजूद नहीं है"))
    invalid = next(m for m in chat.from_bot(BOB) if "मौजूद नहीं है" in (m["text"] or ""))
    assert "नई UPI id दें" in " ".join(buttons(invalid))  # the button, in Bob's language
    await eventually(chat, told(chat, ALICE, "don't pay yet"))
    assert not any("upi://pay?" in t for t in chat.texts(ALICE))

    checking = await chat.say(BOB, f"/upi {code} bilal.k@okaxis")
    assert "bi***@okaxis" in checking[0]["text"]
    await asked_to_pay(chat, code)
    request = next(t for t in chat.texts(ALICE) if "upi://pay?" in t)
    assert "registered to Bilal K" in request
    assert (await escrow(chat, code)).payee_vpa == "bilal.k@okaxis"


# --- who may give a new UPI id, and when ---------------------------------------------------------


async def test_upi_is_refused_in_words_to_anyone_but_the_payee(chat: Chat) -> None:
    code = await opened(chat)
    await asked_to_pay(chat, code)
    await chat.say(CAROL, "/start")
    cases = [
        (ALICE, f"/upi {code} asha.r@okhdfc", "Only the person receiving the money"),
        (CAROL, f"/upi {code} chen@okaxis", "can't find an escrow"),
        (BOB, f"/upi {code} bilal.new@okaxis", "can't be changed now"),  # already confirmed
        (BOB, f"/upi {code} bilal@@bank", "letters, digits, dots or hyphens"),
        (BOB, "/upi", "/upi CODE name@okaxis"),
    ]
    for person, command, expected in cases:
        replies = await chat.say(person, command)
        assert replies, f"the bot stayed silent on {command}"
        assert expected in replies[-1]["text"], replies[-1]["text"]
    assert (await escrow(chat, code)).payee_vpa == "bilal.k@okaxis"


# --- a payout the bank refused -------------------------------------------------------------------


async def test_a_refused_payout_waits_safely_for_the_payees_new_upi_id(chat: Chat) -> None:
    await chat.say(SUPPORT, "/start")
    code = await payout_refused(chat)
    await eventually(chat, told(chat, ALICE, "waiting for the payee to give a new UPI id"))
    refused = next(t for t in chat.texts(BOB) if "refused the payout" in t)
    assert "bi***@okaxis" in refused
    assert "safe with TrustPay" in refused
    await chat.say(BOB, f"/status {code}")  # fresh cards (the old ones are edited in place)
    await chat.say(ALICE, f"/status {code}")
    bob_card, alice_card = card(chat, BOB, code), card(chat, ALICE, code)
    assert "payout refused" in bob_card["text"]
    assert any("Give a new UPI id" in b for b in buttons(bob_card))
    assert not any("Give a new UPI id" in b for b in buttons(alice_card))
    page = await chat.app.http.get(f"{chat.app.base}/e/{(await escrow(chat, code)).status_token}")
    assert "Payout refused" in page.text
    retried = await chat.say(SUPPORT, f"/retry {code}")
    assert "must give a new UPI id" in retried[0]["text"]


async def test_the_new_upi_id_button_asks_then_pays_to_the_new_id(chat: Chat) -> None:
    code = await payout_refused(chat)
    escrow_id = (await escrow(chat, code)).id
    # Alice's client copies the payee's button onto a message of her own: the bot looks at who
    # pressed, never at the button's data.
    data = f"escrow:{escrow_id}:upi"
    forged = InlineKeyboardMarkup([[InlineKeyboardButton("go", callback_data=data)]])
    bot = chat.app.runtime.bot.application.bot
    message = await bot.send_message(ALICE.id, "forged", reply_markup=forged)
    answer = await chat.press(ALICE, message.message_id, data)
    assert "out of date" in (answer["answer"] or {}).get("text", "")
    assert "not sure what you mean" in (await chat.say(ALICE, "asha.r@okhdfc"))[-1]["text"]

    push = next(m for m in chat.from_bot(BOB) if "refused the payout" in (m["text"] or ""))
    assert button(push, "Give a new UPI id") == f"escrow:{escrow_id}:upi"
    await chat.click(BOB, push, "Give a new UPI id")
    assert "Which UPI id should receive the money" in chat.last(BOB)["text"]
    typo = await chat.say(BOB, "bilal@@okicici")
    assert "letters, digits, dots or hyphens" in typo[-1]["text"]
    assert "send the UPI id again" in typo[-1]["text"]
    same = await chat.say(BOB, "bilal.k@okaxis")
    assert "already has" in same[-1]["text"]
    assert (await escrow(chat, code)).state == State.PAYOUT_FAILED

    chat.app.rx.faults.reset()  # the bank takes the new UPI id
    accepted = await chat.say(BOB, "bilal.khan@okicici")  # the reply, then what follows
    assert "bi***@okicici" in accepted[0]["text"]
    await chat.app.wait_state(await escrow(chat, code), State.RELEASED, within=WAIT)
    await eventually(chat, told(chat, BOB, "was paid to your UPI id"))
    confirmed = next(t for t in chat.texts(BOB) if "Your new UPI id" in t and "confirmed" in t)
    assert "Bilal Khan" in confirmed
    assert any("gave a new UPI id" in t for t in chat.texts(ALICE))
    assert (await escrow(chat, code)).payee_vpa == "bilal.khan@okicici"
    assert "not sure what you mean" in (await chat.say(BOB, "thanks!"))[-1]["text"]  # flow over
