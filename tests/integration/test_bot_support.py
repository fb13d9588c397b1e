"""The bot for support and operations: manual payouts, retries, receipts, lists, rate limits,
and webhook mode with its secret token."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator

import pytest
from pypdf import PdfReader

from core.db.models import Escrow, MoneyIntent
from core.escrow.states import State
from tests.chat import ALICE, BOB, CAROL, SUPPORT, Chat, card, code_in
from tests.integration.test_bot import escrow, opened, paid
from tests.running import serve, settings_for


@pytest.fixture
async def chat(db_url: str) -> AsyncIterator[Chat]:
    async for app in serve(settings_for(db_url, fee_bps=100)):
        yield Chat(app)


async def test_a_receipt_pdf_carries_code_amounts_utr_and_audit_hash(chat: Chat) -> None:
    code = await opened(chat, "1500")
    await paid(chat, code)
    await chat.say(ALICE, f"/confirm {code}")
    await chat.say(BOB, f"/confirm {code}")
    await chat.app.wait_state(await escrow(chat, code), State.RELEASED)
    await chat.settle()
    [document] = [m for m in await chat.say(ALICE, f"/receipt {code}") if m["document"]]
    assert document["document"]["file_name"] == f"trustpay-{code}.pdf"
    file_id = document["document"]["url"].rsplit("/", 1)[-1]
    pdf = PdfReader(io.BytesIO(chat.sandbox.file(file_id)))
    text = "".join(page.extract_text() for page in pdf.pages)
    for expected in (code, "₹1,500", "₹15", "Payment RRN", "UTR", "Audit hash", "Released"):
        assert expected in text, expected


async def test_mine_lists_escrows_and_status_shows_a_card(chat: Chat) -> None:
    code = await opened(chat)
    # Pushes about the new escrow may still be arriving: pick the bot's answers out of them.
    replies = await chat.say(ALICE, "/mine")
    listing = next(m for m in replies if "Your escrows" in (m["text"] or ""))
    assert code in listing["text"]
    await chat.click(ALICE, listing, code)
    assert "waiting for payment" in card(chat, ALICE, code)["text"]
    status = await chat.say(BOB, f"/status {code.lower()}")
    assert any("Bilal (you)" in (m["text"] or "") for m in status)


async def test_too_many_commands_too_fast_are_slowed_down(chat: Chat) -> None:
    replies = []
    for _ in range(14):
        replies += await chat.say(ALICE, "/help")
    assert any("a bit fast" in (m["text"] or "") for m in replies)


async def test_support_retries_a_stuck_payout_from_the_bot(chat: Chat) -> None:
    await chat.say(SUPPORT, "/start")
    code = await opened(chat)
    await paid(chat, code)
    chat.app.rx.faults.fail_next, chat.app.rx.faults.only_path_contains = 100, "/v1/payouts"
    await chat.say(ALICE, f"/confirm {code}")
    await chat.say(BOB, f"/confirm {code}")
    payout = (MoneyIntent.kind == "payout", MoneyIntent.status == "unknown")

    async def gave_up() -> bool:  # the first call ran out of tries and is waiting for the job
        return await chat.app.count(MoneyIntent, *payout, MoneyIntent.leased_until.is_(None)) == 1

    await chat.app.until(gave_up, within=10)
    assert (await escrow(chat, code)).state == State.RELEASING
    chat.app.rx.faults.fail_next = 0
    reply = await chat.say(SUPPORT, f"/retry {code}")
    assert "Retrying" in reply[0]["text"]
    await chat.app.wait_state(await escrow(chat, code), State.RELEASED, within=10)
    again = await chat.say(SUPPORT, f"/retry {code}")
    assert "Nothing to retry" in again[0]["text"]
    assert "payee paid" in again[0]["text"]


async def test_manual_payout_recorded_by_support_in_the_bot(db_url: str) -> None:
    async for app in serve(settings_for(db_url, payout_provider="manual")):
        chat = Chat(app)
        await chat.say(SUPPORT, "/start")
        code = await opened(chat)
        await paid(chat, code)
        await chat.say(ALICE, f"/confirm {code}")
        await chat.say(BOB, f"/confirm {code}")
        assert any("Pay ₹1,500 by UPI to bilal.k@okaxis" in t for t in chat.texts(SUPPORT))
        assert "6 to 35" in (await chat.say(SUPPORT, f"/payout_done {code} x"))[0]["text"]
        done = await chat.say(SUPPORT, f"/payout_done {code} AXIS98765432")
        assert "Recorded UTR AXIS98765432" in done[0]["text"]
        assert (await escrow(chat, code)).state == State.RELEASED


async def test_support_can_ban_and_the_banned_cannot_open_escrows(chat: Chat) -> None:
    await chat.say(ALICE, "/start")
    assert "is banned" in (await chat.say(SUPPORT, f"/ban {ALICE.id} scam reports"))[0]["text"]
    assert "can't open or join" in (await chat.say(ALICE, "/create 500 Books"))[0]["text"]
    await chat.say(SUPPORT, f"/unban {ALICE.id}")
    assert "is open" in (await chat.say(ALICE, "/create 500 Books"))[0]["text"]


async def test_login_gives_a_one_time_admin_link(chat: Chat) -> None:
    [link] = await chat.say(SUPPORT, "/login")
    assert "/admin/login/" in link["text"]


async def test_webhook_mode_takes_updates_only_with_the_secret_token(db_url: str) -> None:
    secret = "s" * 32
    settings = settings_for(
        db_url, telegram_webhook_url="http://placeholder", telegram_webhook_secret=secret
    )
    async for app in serve(settings):
        # The port is known only now: point the sandbox's deliveries at this very server.
        url = f"{app.base}/telegram/webhook"
        await app.runtime.bot.application.bot.set_webhook(url, secret_token=secret)
        chat = Chat(app)
        created = await chat.say(ALICE, "/create 700 Headphones")
        assert code_in(created[0]["text"])
        forged = json.dumps(_message_update(ALICE.id, "/create 1 forged"))
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-token"}):
            response = await app.http.post(url, content=forged, headers=headers)
            assert response.status_code == 401
        await chat.settle()
        assert await app.count(Escrow) == 1


def _message_update(user_id: int, text: str) -> dict[str, object]:
    person = {"id": user_id, "is_bot": False, "first_name": "A"}
    chat = {"id": user_id, "type": "private"}
    message = {"message_id": 1, "date": 0, "text": text, "chat": chat, "from": person}
    return {"update_id": 999, "message": message}


async def test_guessing_join_codes_is_slowed_down(db_url: str) -> None:
    async for app in serve(settings_for(db_url, join_attempts_per_hour=3)):
        chat = Chat(app)
        for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
            assert "can't find an escrow" in (await chat.say(CAROL, f"/join {guess}"))[0]["text"]
        refused = await chat.say(CAROL, "/join DDDDDD")
        assert "Too many tries" in refused[0]["text"]
        assert "min" in refused[0]["text"]


async def test_support_finds_escrows_by_code_username_and_id(chat: Chat) -> None:
    code = await opened(chat)
    by_code = await chat.say(SUPPORT, f"/find {code.lower()}")
    assert any(f"· {code}" in m["text"] for m in by_code)
    assert any("escrow.created" in m["text"] for m in by_code)  # the payment log follows
    for query in ("@bilal", str(BOB.id)):
        found = await chat.say(SUPPORT, f"/find {query}")
        assert any(f"· {code}" in m["text"] for m in found), query
    for query in ("@nobody", "12345678901234567890", "ZZZZZZ"):
        assert "Nothing found" in (await chat.say(SUPPORT, f"/find {query}"))[0]["text"]


async def test_alerts_are_listed_and_closed_from_the_bot(chat: Chat) -> None:
    await chat.say(SUPPORT, "/start")
    code = await opened(chat)
    await paid(chat, code)
    await chat.say(ALICE, f"/dispute {code} never arrived")
    [alert] = await chat.say(SUPPORT, "/alerts")
    assert code in alert["text"]
    await chat.click(SUPPORT, alert, "Done")
    assert "closed" in chat.sandbox.messages(SUPPORT.id)[-1]["text"]
    assert "No open alerts" in (await chat.say(SUPPORT, "/alerts"))[0]["text"]


async def test_bad_input_inside_the_guided_flow_is_explained(chat: Chat) -> None:
    [ask_role] = await chat.say(ALICE, "/create")
    await chat.click(ALICE, ask_role, "I'm paying")
    assert "more than zero" in (await chat.say(ALICE, "-5"))[0]["text"]
    await chat.say(ALICE, "2500")
    assert "under 200 characters" in (await chat.say(ALICE, "y" * 201))[0]["text"]
    [summary] = await chat.say(ALICE, "Cricket bat")
    await chat.click(ALICE, summary, "Start over")
    assert "Are you paying" in chat.last(ALICE)["text"]
    await chat.click(ALICE, chat.last(ALICE), "Never mind")
    assert "nothing was created" in chat.last(ALICE)["text"]
    assert await chat.app.count(Escrow) == 0
