"""The Telegram sandbox over real HTTP: PTB's own `telegram.Bot` drives every Bot API method,
and the chat control API acts as the users.

One uvicorn server for the sandbox and one for a webhook receiver serve the whole module; each
test swaps in a fresh sandbox (flood limits off unless the test turns them on) and receiver.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
import qrcode
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonCommands, Update
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from sandbox.telegram import SandboxConfig, TelegramSandbox
from tests.servers import Swap, serving

pytestmark = pytest.mark.asyncio(loop_scope="module")

RAVI, MEERA, STRANGER = 1001, 1002, 4242
PAY = "escrow:7:pay"
TOKEN = SandboxConfig().token
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
STALE_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"


def qr_png(text: str = "upi://pay?pa=trustpay@setu&tr=1234567890123456789") -> bytes:
    buffer = io.BytesIO()
    qrcode.make(text).save(buffer, format="PNG")
    return buffer.getvalue()


def keyboard(*data: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(item.rsplit(":", 1)[-1], callback_data=item) for item in data]
    return InlineKeyboardMarkup([buttons])


def ptb_words(description: str) -> str:
    """A Bot API error description as PTB's BadRequest reports it."""
    return description.removeprefix("Bad Request: ").capitalize()


class Clock:
    """Real time plus an offset the test can move forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


@dataclass
class Delivery:
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Receiver:
    """A bot's webhook endpoint: records deliveries, answers with `replies` (then 200).
    Also serves `files` by name, for photos sent by URL."""

    url: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            self.deliveries.append(Delivery(await request.json(), dict(request.headers)))
            return Response(status_code=self.replies.pop(0) if self.replies else 200)

        @app.get("/files/{name}")
        async def file(name: str) -> Response:
            if name not in self.files:
                return Response(status_code=404)
            return Response(self.files[name], media_type="image/png")

        return app


@dataclass
class Telegram:
    sandbox: TelegramSandbox
    bot: Bot
    http: httpx.AsyncClient  # the sandbox's control API, at the router's root
    clock: Clock
    receiver: Receiver

    async def send(self, user_id: int, text: str, **names: Any) -> dict[str, Any]:
        response = await self.http.post(f"/api/users/{user_id}/send", json={"text": text} | names)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def click(self, user_id: int, message_id: int, data: str) -> httpx.Response:
        body = {"message_id": message_id, "callback_data": data}
        return await self.http.post(f"/api/users/{user_id}/click", json=body)

    async def chat(self, user_id: int) -> list[dict[str, Any]]:
        response = await self.http.get(f"/api/users/{user_id}/messages")
        assert response.status_code == 200, response.text
        return list(response.json())

    async def updates(self) -> tuple[Update, ...]:
        """Everything queued for the bot, confirmed as a polling bot would."""
        found = await self.bot.get_updates(timeout=0)
        if found:
            await self.bot.get_updates(offset=found[-1].update_id + 1, timeout=0)
        return found

    async def started(self, *user_ids: int) -> None:
        """These users wrote to the bot, so it may write to them."""
        for user_id in user_ids:
            await self.send(user_id, "/start", first_name=f"User{user_id}")
        await self.updates()


@dataclass
class Servers:
    sandbox: Swap
    sandbox_url: str
    receiver: Swap
    receiver_url: str


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def servers() -> AsyncIterator[Servers]:
    sandbox, receiver = Swap(), Swap()
    async with serving(sandbox) as sandbox_url, serving(receiver) as receiver_url:
        yield Servers(sandbox, sandbox_url, receiver, receiver_url)


@pytest_asyncio.fixture(loop_scope="module")
async def tg(servers: Servers, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Telegram]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # RetryAfter.retry_after as a timedelta
    receiver = Receiver(url=f"{servers.receiver_url}/hook")
    servers.receiver.app = receiver.app()
    clock = Clock()
    config = SandboxConfig(enforce_limits=False, webhook_retry_base_seconds=0.02)
    sandbox = TelegramSandbox(config, clock=clock)
    servers.sandbox.app = sandbox.app()
    url = servers.sandbox_url
    bot = Bot(TOKEN, base_url=f"{url}/bot", base_file_url=f"{url}/file/bot")
    await bot.initialize()
    try:
        async with httpx.AsyncClient(base_url=url) as http:
            yield Telegram(sandbox, bot, http, clock, receiver)
    finally:
        await bot.shutdown()
        await sandbox.aclose()
        servers.sandbox.app = servers.receiver.app = None


async def eventually(check: Callable[[], bool], within: float = 3.0) -> None:
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


# --- Identity, tokens and method names -------------------------------------------------------


async def test_ptb_initializes_against_the_sandbox_and_sees_the_bot(tg: Telegram) -> None:
    me = await tg.bot.get_me()
    assert (me.id, me.is_bot, me.username, me.first_name) == (
        123456789,
        True,
        "TrustPayEscrowBot",
        "TrustPay",
    )
    assert tg.bot.bot == me


async def test_a_wrong_token_is_unauthorized(tg: Telegram) -> None:
    response = await tg.http.post("/bot123456789:wrong/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    url = str(tg.http.base_url)
    stranger = Bot("123456789:wrong", base_url=f"{url}/bot")
    with pytest.raises(InvalidToken):
        async with stranger:  # initialize() asks getMe; leaving shuts the client down
            pass


async def test_an_unknown_method_is_not_found_and_names_ignore_case(tg: Telegram) -> None:
    response = await tg.http.post(f"/bot{TOKEN}/sendTelepathy")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    assert (await tg.http.get(f"/bot{TOKEN}/GETME")).json()["result"]["id"] == 123456789


# --- Users writing, long polling --------------------------------------------------------------


async def test_a_user_message_arrives_while_get_updates_waits(tg: Telegram) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(tg.bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    await tg.send(RAVI, "/start join_AMBER7", first_name="Ravi", username="ravi_k")
    (update,) = await poll
    assert time.monotonic() - started < 2
    message = update.message
    assert message is not None
    assert message.from_user is not None
    assert message.text == "/start join_AMBER7"
    assert message.chat.type == "private"
    assert message.chat.id == RAVI
    assert (message.from_user.first_name, message.from_user.username) == ("Ravi", "ravi_k")
    assert not message.from_user.is_bot
    command = message.entities[0]
    assert (command.type, command.offset, command.length) == ("bot_command", 0, 6)
    assert message.parse_entities(["bot_command"]) == {command: "/start"}


async def test_get_updates_keeps_updates_until_an_offset_confirms_them(tg: Telegram) -> None:
    await tg.send(RAVI, "one", language_code="hi")
    await tg.send(RAVI, "two")
    first = await tg.bot.get_updates(timeout=0)
    again = await tg.bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [u.update_id for u in first]
    assert first[1].update_id == first[0].update_id + 1
    assert first[0].message is not None
    assert first[0].message.from_user is not None
    assert first[0].message.from_user.language_code == "hi"
    rest = await tg.bot.get_updates(offset=first[0].update_id + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["two"]
    assert await tg.bot.get_updates(offset=rest[0].update_id + 1, limit=1, timeout=0) == ()


async def test_a_long_poll_with_nothing_to_deliver_ends_at_its_timeout(tg: Telegram) -> None:
    started = time.monotonic()
    response = await tg.http.post(f"/bot{TOKEN}/getUpdates", data={"timeout": "0.3"})
    assert response.json() == {"ok": True, "result": []}
    assert 0.25 < time.monotonic() - started < 2


async def test_a_second_poller_ends_the_first_with_conflict(tg: Telegram) -> None:
    first = asyncio.create_task(tg.bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    second = await tg.http.post(f"/bot{TOKEN}/getUpdates", json={"timeout": 0})
    assert second.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


# --- The bot writing ---------------------------------------------------------------------------


async def test_an_html_message_with_a_keyboard_reaches_the_chat(tg: Telegram) -> None:
    await tg.started(RAVI)
    sent = await tg.bot.send_message(
        RAVI,
        "<b>Amber Otter</b> &amp; <i>₹1,500</i>\n<a href='https://x.org/e/t'>status</a>",
        parse_mode="HTML",
        reply_markup=keyboard(PAY, "escrow:7:cancel"),
        link_preview_options=None,
        protect_content=True,
    )
    assert sent.text == "Amber Otter & ₹1,500\nstatus"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 11),
        ("italic", 14, 6),
        ("text_link", 21, 6),
    ]
    assert sent.entities[2].url == "https://x.org/e/t"
    assert sent.reply_markup == keyboard(PAY, "escrow:7:cancel")
    assert sent.has_protected_content
    assert sent.from_user is not None
    assert sent.from_user.is_bot
    *_, shown = await tg.chat(RAVI)
    assert shown == {
        "message_id": sent.message_id,
        "from_bot": True,
        "text": "Amber Otter & ₹1,500\nstatus",
        "caption": None,
        "photo": None,
        "document": None,
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "pay", "callback_data": PAY},
                    {"text": "cancel", "callback_data": "escrow:7:cancel"},
                ]
            ]
        },
        "edit_date": None,
        "date": shown["date"],
        "html": "<b>Amber Otter</b> &amp; <i>₹1,500</i>\n<a href='https://x.org/e/t'>status</a>",
        "answers": [],
    }


async def test_markdown_v2_is_parsed_and_unescaped_reserved_characters_are_refused(
    tg: Telegram,
) -> None:
    await tg.started(RAVI)
    text = r"*Paid* ₹1,500\.00 _to_ `meera@upi`"
    sent = await tg.bot.send_message(RAVI, text, parse_mode="MarkdownV2")
    assert sent.text == "Paid ₹1,500.00 to meera@upi"
    assert [e.type for e in sent.entities] == ["bold", "italic", "code"]
    with pytest.raises(BadRequest) as raised:
        await tg.bot.send_message(RAVI, "Paid ₹1,500.00", parse_mode="MarkdownV2")
    assert raised.value.message == ptb_words(
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped "
        "with the preceding '\\'"
    )


async def test_ptb_markup_of_a_formatted_message_parses_back_to_the_same_message(
    tg: Telegram,
) -> None:
    await tg.started(RAVI)
    source = (  # Telegram's own MarkdownV2 example, plus a link, code and a quotation
        "*bold _italic bold ~italic bold strikethrough ||italic bold strikethrough spoiler||~ "
        "__underline italic bold___ bold*\n[TrustPay](https://x.org/e/t?a=1) `code \\ here`\n"
        ">quoted ₹1,500\\.00\n>and more\nplain 😀"
    )
    sent = await tg.bot.send_message(RAVI, source, parse_mode="MarkdownV2")
    kinds = [entity.type for entity in sent.entities]
    assert kinds == [
        "bold",
        "italic",
        "strikethrough",
        "spoiler",
        "underline",
        "text_link",
        "code",
        "blockquote",
    ]
    for markup, mode in [(sent.text_markdown_v2, "MarkdownV2"), (sent.text_html, "HTML")]:
        again = await tg.bot.send_message(RAVI, markup, parse_mode=mode)
        assert (again.text, again.entities) == (sent.text, sent.entities), mode


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ],
)
async def test_html_telegram_cannot_parse_is_refused(
    tg: Telegram, text: str, description: str
) -> None:
    await tg.started(RAVI)
    response = await tg.http.post(
        f"/bot{TOKEN}/sendMessage", json={"chat_id": RAVI, "text": text, "parse_mode": "HTML"}
    )
    assert response.status_code == 400
    assert response.json()["description"] == f"Bad Request: can't parse entities: {description}"
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await tg.bot.send_message(RAVI, text, parse_mode="HTML")


async def test_text_over_4096_characters_is_too_long(tg: Telegram) -> None:
    await tg.started(RAVI)
    await tg.bot.send_message(RAVI, "x" * 4096)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await tg.bot.send_message(RAVI, "x" * 4097)
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await tg.bot.send_message(RAVI, "<b> </b>", parse_mode="HTML")


async def test_the_bot_cannot_start_a_conversation_or_write_to_who_blocked_it(
    tg: Telegram,
) -> None:
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await tg.bot.send_message(STRANGER, "hello")
    response = await tg.http.post(
        f"/bot{TOKEN}/sendMessage", json={"chat_id": STRANGER, "text": "x"}
    )
    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "error_code": 403,
        "description": "Forbidden: bot can't initiate conversation with a user",
    }
    await tg.started(RAVI)
    block = await tg.http.post(f"/api/users/{RAVI}/block", json={"blocked": True})
    assert block.json()[0]["blocked"] is True
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await tg.bot.send_message(RAVI, "hello")
    await tg.send(RAVI, "/start")  # restarting the bot unblocks it
    await tg.bot.send_message(RAVI, "welcome back")
    with pytest.raises(BadRequest, match="Chat not found"):
        await tg.bot.get_chat(STRANGER)


async def test_get_chat_describes_a_private_chat(tg: Telegram) -> None:
    await tg.send(MEERA, "hi", first_name="Meera", username="meera_s")
    chat = await tg.bot.get_chat(MEERA)
    assert (chat.id, chat.type, chat.first_name, chat.username) == (
        MEERA,
        "private",
        "Meera",
        "meera_s",
    )


async def test_edits_change_text_and_keyboard_and_stamp_the_edit_date(tg: Telegram) -> None:
    await tg.started(RAVI)
    sent = await tg.bot.send_message(RAVI, "Pay ₹1,500", reply_markup=keyboard(PAY))
    edited = await tg.bot.edit_message_text(
        "<b>Paid</b>", chat_id=RAVI, message_id=sent.message_id, parse_mode="HTML"
    )
    assert not isinstance(edited, bool)
    assert edited.text == "Paid"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # an edit without a keyboard removes it, as on Telegram
    marked = await tg.bot.edit_message_reply_markup(
        chat_id=RAVI, message_id=sent.message_id, reply_markup=keyboard("escrow:7:receipt")
    )
    assert not isinstance(marked, bool)
    assert marked.reply_markup == keyboard("escrow:7:receipt")
    (shown,) = [m for m in await tg.chat(RAVI) if m["message_id"] == sent.message_id]
    assert shown["text"] == "Paid"
    assert shown["html"] == "<b>Paid</b>"
    assert shown["edit_date"] is not None
    assert shown["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "escrow:7:receipt"


async def test_an_edit_that_changes_nothing_is_not_modified(tg: Telegram) -> None:
    await tg.started(RAVI)
    sent = await tg.bot.send_message(RAVI, "Held", reply_markup=keyboard(PAY))
    with pytest.raises(BadRequest) as raised:
        await tg.bot.edit_message_text(
            "Held", chat_id=RAVI, message_id=sent.message_id, reply_markup=keyboard(PAY)
        )
    assert raised.value.message == ptb_words(NOT_MODIFIED)
    body = {"chat_id": RAVI, "message_id": sent.message_id, "reply_markup": keyboard(PAY).to_json()}
    response = await tg.http.post(f"/bot{TOKEN}/editMessageReplyMarkup", data=body)
    assert response.status_code == 400
    assert response.json()["description"] == NOT_MODIFIED
    user_message = (await tg.send(RAVI, "mine"))["message_id"]
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await tg.bot.edit_message_text("x", chat_id=RAVI, message_id=user_message)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await tg.bot.edit_message_text("x", chat_id=RAVI, message_id=999)


async def test_delete_message_and_chat_action(tg: Telegram) -> None:
    await tg.started(RAVI)
    sent = await tg.bot.send_message(RAVI, "temporary")
    assert await tg.bot.send_chat_action(RAVI, "typing")
    assert await tg.bot.delete_message(RAVI, sent.message_id)
    assert sent.message_id not in [m["message_id"] for m in await tg.chat(RAVI)]
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await tg.bot.delete_message(RAVI, sent.message_id)
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await tg.bot.send_chat_action(RAVI, "dancing")


async def test_a_reply_carries_the_replied_message(tg: Telegram) -> None:
    await tg.started(RAVI)
    asked = await tg.send(RAVI, "how do I pay?")
    answer = await tg.bot.send_message(RAVI, "Scan the QR", reply_to_message_id=asked["message_id"])
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "how do I pay?"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await tg.bot.send_message(RAVI, "x", reply_to_message_id=999)


# --- Buttons ------------------------------------------------------------------------------------


async def test_a_click_becomes_a_callback_query_and_its_answer_a_toast(tg: Telegram) -> None:
    await tg.started(RAVI)
    sent = await tg.bot.send_message(RAVI, "Pay?", reply_markup=keyboard(PAY))
    clicked = await tg.click(RAVI, sent.message_id, PAY)
    assert clicked.status_code == 200
    query_id = clicked.json()["callback_query_id"]
    (update,) = await tg.updates()
    query = update.callback_query
    assert query is not None
    assert query.message is not None
    assert (query.id, query.data, query.from_user.id) == (query_id, PAY, RAVI)
    assert query.message.message_id == sent.message_id
    assert query.chat_instance
    pending = await tg.http.get(f"/api/callbacks/{query_id}")
    assert pending.json()["answer"] is None
    assert await tg.bot.answer_callback_query(query_id, text="Opening payment…", show_alert=True)
    answer = (await tg.http.get(f"/api/callbacks/{query_id}")).json()["answer"]
    assert answer == {"text": "Opening payment…", "show_alert": True, "url": None}
    (shown,) = [m for m in await tg.chat(RAVI) if m["message_id"] == sent.message_id]
    assert shown["answers"] == [{"callback_query_id": query_id, "callback_data": PAY} | answer]


async def test_a_click_can_be_answered_once_only(tg: Telegram) -> None:
    await tg.started(RAVI)
    sent = await tg.bot.send_message(RAVI, "Pay?", reply_markup=keyboard(PAY))
    query_id = (await tg.click(RAVI, sent.message_id, PAY)).json()["callback_query_id"]
    assert await tg.bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest) as raised:
        await tg.bot.answer_callback_query(query_id)
    assert raised.value.message == ptb_words(STALE_QUERY)
    response = await tg.http.post(
        f"/bot{TOKEN}/answerCallbackQuery", json={"callback_query_id": "12345"}
    )
    assert response.status_code == 400
    assert response.json()["description"] == STALE_QUERY


async def test_clicking_a_button_that_is_not_there_is_refused(tg: Telegram) -> None:
    await tg.started(RAVI)
    sent = await tg.bot.send_message(RAVI, "Pay?", reply_markup=keyboard(PAY))
    mine = (await tg.send(RAVI, "text"))["message_id"]
    for message_id, data in [(sent.message_id, "escrow:8:pay"), (999, PAY), (mine, PAY)]:
        response = await tg.click(RAVI, message_id, data)
        assert response.status_code == 400, response.text
        assert response.json()["ok"] is False
    assert (await tg.click(STRANGER, sent.message_id, PAY)).status_code == 400
    assert (
        await tg.http.post(f"/api/users/{RAVI}/click", json={"message_id": "x"})
    ).status_code == 400
    assert [u.message.text for u in await tg.updates() if u.message] == ["text"]  # no clicks


async def test_a_keyboard_telegram_would_refuse_is_refused(tg: Telegram) -> None:
    await tg.started(RAVI)
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await tg.bot.send_message(RAVI, "x", reply_markup=keyboard("escrow:" + "9" * 60 + ":pay"))


# --- Files --------------------------------------------------------------------------------------


async def test_a_photo_round_trips_through_get_file_and_the_control_api(tg: Telegram) -> None:
    await tg.started(MEERA)
    png = qr_png()
    sent = await tg.bot.send_photo(
        MEERA, png, caption="<b>Scan</b> to pay", parse_mode="HTML", reply_markup=keyboard(PAY)
    )
    (size,) = sent.photo
    assert size.width == size.height > 0
    assert size.file_size == len(png)
    assert sent.caption == "Scan to pay"
    assert sent.caption_entities[0].type == "bold"
    file = await tg.bot.get_file(size.file_id)
    assert file.file_path is not None
    assert file.file_path.startswith(tg.bot.base_file_url)
    assert bytes(await file.download_as_bytearray()) == png
    *_, shown = await tg.chat(MEERA)
    assert (shown["text"], shown["caption"], shown["html"]) == (
        None,
        "Scan to pay",
        "<b>Scan</b> to pay",
    )
    assert shown["photo"] == f"/api/files/{size.file_id}"
    image = await tg.http.get(shown["photo"])
    assert image.headers["content-type"] == "image/png"
    assert image.content == png
    again = await tg.bot.send_photo(MEERA, size.file_id)
    assert again.photo[0].file_id == size.file_id


async def test_a_photo_that_is_not_an_image_or_file_id_is_refused(tg: Telegram) -> None:
    await tg.started(MEERA)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await tg.bot.send_photo(MEERA, b"not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await tg.bot.send_photo(MEERA, "AgACAgIAAxkBAAInvented")
    with pytest.raises(BadRequest, match="Wrong file_id"):
        await tg.bot.get_file("AgACAgIAAxkBAAInvented")


async def test_a_photo_can_be_sent_by_url(tg: Telegram) -> None:
    await tg.started(MEERA)
    tg.receiver.files["qr.png"] = png = qr_png()
    base = tg.receiver.url.removesuffix("/hook")
    sent = await tg.bot.send_photo(MEERA, f"{base}/files/qr.png")
    assert tg.sandbox.file(sent.photo[0].file_id) == png
    with pytest.raises(BadRequest, match="Wrong file identifier/http url specified"):
        await tg.bot.send_photo(MEERA, f"{base}/files/missing.png")


async def test_a_document_round_trips_with_its_name_and_type(tg: Telegram) -> None:
    await tg.started(RAVI)
    csv = b"code,amount_paise\nAMBER7,150000\n"
    sent = await tg.bot.send_document(RAVI, csv, filename="receipt.csv", caption="Receipt")
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type) == ("receipt.csv", "text/csv")
    file = await tg.bot.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == csv
    *_, shown = await tg.chat(RAVI)
    assert shown["caption"] == "Receipt"
    assert shown["document"] == {
        "file_name": "receipt.csv",
        "url": f"/api/files/{sent.document.file_id}",
        "mime_type": "text/csv",
    }
    assert (await tg.http.get(shown["document"]["url"])).content == csv
    with pytest.raises(BadRequest, match="Type of file mismatch"):
        await tg.bot.send_photo(RAVI, sent.document.file_id)


async def test_a_user_uploads_a_photo_as_evidence(tg: Telegram) -> None:
    png = qr_png("evidence")
    response = await tg.http.post(
        f"/api/users/{RAVI}/photo",
        data={"caption": "the item arrived broken", "first_name": "Ravi"},
        files={"photo": ("broken.png", png, "image/png")},
    )
    assert response.status_code == 200, response.text
    assert response.json()["caption"] == "the item arrived broken"
    (update,) = await tg.updates()
    message = update.message
    assert message is not None
    assert message.caption == "the item arrived broken"
    assert message.text is None
    file = await message.photo[-1].get_file()
    assert bytes(await file.download_as_bytearray()) == png
    bad = await tg.http.post(f"/api/users/{RAVI}/photo", files={"photo": ("x.png", b"nope")})
    assert bad.status_code == 400


# --- Webhooks -----------------------------------------------------------------------------------


async def test_a_webhook_receives_updates_with_the_secret_header(tg: Telegram) -> None:
    await tg.send(RAVI, "queued before the webhook")
    assert await tg.bot.set_webhook(tg.receiver.url, secret_token="s3cret_T0ken-1")
    info = await tg.bot.get_webhook_info()
    assert info.url == tg.receiver.url
    assert info.has_custom_certificate is False
    await tg.send(RAVI, "/status AMBER7")
    await eventually(lambda: len(tg.receiver.deliveries) == 2)
    texts = [d.body["message"]["text"] for d in tg.receiver.deliveries]
    assert texts == ["queued before the webhook", "/status AMBER7"]
    for delivery in tg.receiver.deliveries:
        assert delivery.headers["x-telegram-bot-api-secret-token"] == "s3cret_T0ken-1"
        assert delivery.headers["content-type"] == "application/json"
        assert Update.de_json(delivery.body, tg.bot) is not None
    assert (await tg.bot.get_webhook_info()).pending_update_count == 0
    with pytest.raises(Conflict, match="webhook is active"):
        await tg.bot.get_updates(timeout=0)
    assert await tg.bot.delete_webhook()
    assert (await tg.bot.get_webhook_info()).url == ""
    await tg.send(RAVI, "polling again")
    assert [u.message.text for u in await tg.updates() if u.message] == ["polling again"]


async def test_a_failed_webhook_delivery_is_retried_and_reported(tg: Telegram) -> None:
    tg.receiver.replies = [500, 502]
    assert await tg.bot.set_webhook(tg.receiver.url)
    await tg.send(RAVI, "hello")
    await eventually(lambda: len(tg.receiver.deliveries) == 3)
    assert "x-telegram-bot-api-secret-token" not in tg.receiver.deliveries[0].headers
    info = await tg.bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 502 Bad Gateway"
    outcomes = [(entry["attempt"], entry["outcome"]) for entry in tg.sandbox.webhook_log()]
    assert outcomes == [(1, "failed"), (2, "failed"), (3, "delivered")]


async def test_setting_a_webhook_ends_a_waiting_poll_and_can_drop_pending(tg: Telegram) -> None:
    poll = asyncio.create_task(tg.bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert await tg.bot.set_webhook("http://127.0.0.1:9/unreachable")
    with pytest.raises(Conflict, match="terminated by setWebhook request"):
        await poll
    assert await tg.bot.delete_webhook()
    await tg.sandbox.user_sends(RAVI, "old news")
    assert await tg.bot.set_webhook("http://127.0.0.1:9/unreachable", drop_pending_updates=True)
    with pytest.raises(BadRequest, match="Bad webhook"):
        await tg.bot.set_webhook("ftp://example.org/hook")
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await tg.bot.set_webhook(tg.receiver.url, secret_token="no spaces please")
    assert (await tg.bot.get_webhook_info()).pending_update_count == 0


# --- Limits and faults --------------------------------------------------------------------------


async def test_a_chat_gets_a_short_burst_then_one_message_a_second(tg: Telegram) -> None:
    await tg.started(RAVI, MEERA)
    tg.sandbox.config.enforce_limits = True
    for number in range(3):
        await tg.bot.send_message(RAVI, f"burst {number}")
    with pytest.raises(RetryAfter) as raised:
        await tg.bot.send_message(RAVI, "one too many")
    assert raised.value.retry_after == timedelta(seconds=1)
    response = await tg.http.post(f"/bot{TOKEN}/sendMessage", json={"chat_id": RAVI, "text": "x"})
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    await tg.bot.send_message(MEERA, "another chat has its own allowance")
    assert await tg.bot.get_updates(timeout=0) == ()  # polling is not counted
    tg.clock.advance(1.0)
    await tg.bot.send_message(RAVI, "a second later")


async def test_the_overall_limit_spans_chats(tg: Telegram) -> None:
    users = list(range(2001, 2007))
    await tg.started(*users)
    tg.sandbox.config.enforce_limits = True
    tg.sandbox.config.overall_per_second = 5
    for user_id in users[:5]:
        await tg.bot.send_message(user_id, "hello")
    with pytest.raises(RetryAfter):
        await tg.bot.send_message(users[5], "hello")


async def test_fault_switches_fail_rate_limit_and_take_telegram_down(tg: Telegram) -> None:
    await tg.started(RAVI)
    faults = await tg.http.post(
        "/_control/faults", json={"fail_next": 1, "rate_limit_next": 1, "retry_after_seconds": 7}
    )
    assert faults.json()["fail_next"] == 1
    assert await tg.bot.get_updates(timeout=0) == ()  # polling is spared by default
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await tg.bot.send_message(RAVI, "x")
    with pytest.raises(RetryAfter) as raised:
        await tg.bot.send_message(RAVI, "x")
    assert raised.value.retry_after == timedelta(seconds=7)
    await tg.http.post("/_control/faults", json={"down": True})
    response = await tg.http.post(f"/bot{TOKEN}/getMe")
    assert response.status_code == 502
    assert response.json()["description"] == "Bad Gateway"
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await tg.bot.get_updates(timeout=0)
    assert (await tg.http.post("/_control/reset")).json()["down"] is False
    assert (await tg.bot.get_me()).id == 123456789
    refused = await tg.http.post("/_control/faults", json={"explode": True})
    assert refused.status_code == 400


async def test_a_timeout_fault_applies_the_call_and_answers_late(tg: Telegram) -> None:
    await tg.started(RAVI)
    await tg.http.post(
        "/_control/faults",
        json={"timeout_next": 1, "timeout_seconds": 0.5, "only_method": "sendMessage"},
    )
    await tg.bot.send_chat_action(RAVI, "typing")  # other methods are spared
    with pytest.raises(TimedOut):
        await tg.bot.send_message(RAVI, "slow", read_timeout=0.1)
    assert (await tg.chat(RAVI))[-1]["text"] == "slow"


# --- Commands and menu --------------------------------------------------------------------------


async def test_commands_and_menu_button_are_kept(tg: Telegram) -> None:
    commands = [("start", "Start or join an escrow"), ("help", "How TrustPay works")]
    assert await tg.bot.set_my_commands(commands)
    assert await tg.bot.set_my_commands([("start", "शुरू करें")], language_code="hi")
    assert [(c.command, c.description) for c in await tg.bot.get_my_commands()] == commands
    hindi = await tg.bot.get_my_commands(language_code="hi")
    assert [c.description for c in hindi] == ["शुरू करें"]
    assert (await tg.http.get("/api/bot")).json()["commands"][0]["command"] == "start"
    assert await tg.bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert await tg.bot.get_chat_menu_button() == MenuButtonCommands()
    assert await tg.bot.set_my_description("Escrow for UPI trades")
    assert (await tg.bot.get_my_description()).description == "Escrow for UPI trades"
    assert await tg.bot.delete_my_commands()
    assert await tg.bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await tg.bot.set_my_commands([("Start!", "bad")])


# --- The control API ----------------------------------------------------------------------------


async def test_users_are_listed_and_remember_their_names(tg: Telegram) -> None:
    await tg.send(RAVI, "hi", first_name="Ravi", username="ravi_k")
    await tg.send(RAVI, "again")
    await tg.send(MEERA, "hello")
    users = (await tg.http.get("/api/users")).json()
    assert [(u["id"], u["first_name"], u["username"], u["messages"]) for u in users] == [
        (RAVI, "Ravi", "ravi_k", 2),
        (MEERA, f"User {MEERA}", None, 1),
    ]
    assert (await tg.http.post(f"/api/users/{RAVI}/send", json={"text": " "})).status_code == 400
    assert (await tg.http.post(f"/api/users/{RAVI}/send", json={})).status_code == 400
    assert (await tg.http.get("/api/users/77/messages")).json() == []


async def test_the_event_feed_wakes_a_waiting_page(tg: Telegram) -> None:
    await tg.started(RAVI)
    last = (await tg.http.get("/api/events", params={"wait": 0})).json()["last"]
    waiting = asyncio.create_task(tg.http.get("/api/events", params={"after": last}))
    await asyncio.sleep(0.1)
    sent = await tg.bot.send_message(RAVI, "news")
    feed = (await waiting).json()
    assert feed["events"] == [
        {"id": last + 1, "user_id": RAVI, "kind": "message", "message_id": sent.message_id}
    ]
    assert feed["last"] == last + 1
    ahead = await tg.http.get("/api/events", params={"after": last + 100})
    assert ahead.json() == {"events": [], "last": last + 1}


async def test_the_python_side_matches_the_http_side(tg: Telegram) -> None:
    sandbox = tg.sandbox
    stored = await sandbox.user_sends(RAVI, "/create 1500 phone", first_name="Ravi")
    assert stored["text"] == "/create 1500 phone"
    assert stored["from_bot"] is False
    sent = await tg.bot.send_message(RAVI, "Confirm?", reply_markup=keyboard(PAY))
    clicked = await sandbox.user_clicks(RAVI, sent.message_id, PAY)
    assert clicked == {"callback_query_id": clicked["callback_query_id"], "answer": None}
    assert sandbox.messages(RAVI) == await tg.chat(RAVI)
    assert sandbox.users() == (await tg.http.get("/api/users")).json()
    photo = await sandbox.user_sends(RAVI, "", photo=qr_png())
    assert photo["photo"].startswith("/sandbox/telegram/api/files/")
    assert [u.message.text for u in await tg.updates() if u.message] == [
        "/create 1500 phone",
        None,
    ]


async def test_reset_forgets_users_but_not_update_ids(tg: Telegram) -> None:
    await tg.send(RAVI, "before")
    (before,) = await tg.updates()
    await tg.http.post("/_control/reset")
    assert (await tg.http.get("/api/users")).json() == []
    with pytest.raises(Forbidden):
        await tg.bot.send_message(RAVI, "anyone there?")
    await tg.send(RAVI, "after")
    (after,) = await tg.updates()
    assert after.update_id > before.update_id


async def test_form_query_and_json_bodies_all_work(tg: Telegram) -> None:
    await tg.started(RAVI)
    markup = keyboard(PAY).to_json()
    as_form = await tg.http.post(
        f"/bot{TOKEN}/sendMessage",
        data={"chat_id": str(RAVI), "text": "form", "reply_markup": markup},
    )
    as_query = await tg.http.get(f"/bot{TOKEN}/sendMessage", params={"chat_id": RAVI, "text": "q"})
    as_json = await tg.http.post(
        f"/bot{TOKEN}/sendMessage",
        json={"chat_id": RAVI, "text": "json", "reply_markup": keyboard(PAY).to_dict()},
    )
    for response in (as_form, as_query, as_json):
        assert response.status_code == 200, response.text
    assert as_form.json()["result"]["reply_markup"] == as_json.json()["result"]["reply_markup"]
    missing = await tg.http.post(f"/bot{TOKEN}/sendMessage", json={"text": "no chat"})
    assert missing.json()["description"] == "Bad Request: chat_id is empty"


async def test_mounted_under_a_prefix_the_file_urls_follow_the_mount(
    tg: Telegram, servers: Servers
) -> None:
    app = FastAPI()
    app.include_router(tg.sandbox.router(), prefix="/sandbox/telegram")
    servers.sandbox.app = app
    base = f"{servers.sandbox_url}/sandbox/telegram"
    bot = Bot(TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot")
    async with bot, httpx.AsyncClient(base_url=servers.sandbox_url) as http:
        await tg.sandbox.user_sends(MEERA, "hi")
        sent = await bot.send_photo(MEERA, qr_png())
        file = await bot.get_file(sent.photo[0].file_id)
        assert await file.download_as_bytearray()
        chat = (await http.get(f"/sandbox/telegram/api/users/{MEERA}/messages")).json()
        url = chat[-1]["photo"]
        assert url == f"/sandbox/telegram/api/files/{sent.photo[0].file_id}"
        assert (await http.get(url)).headers["content-type"] == "image/png"


# --- A whole PTB Application, as the bot runs it ------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet with the deep-link argument and a pay button."""
    assert update.message is not None
    argument = " ".join(context.args or [])
    await update.message.reply_html(f"<b>Welcome</b> {argument}", reply_markup=keyboard(PAY))


async def on_pay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the click, then replace the message."""
    query = update.callback_query
    assert query is not None
    await query.answer("Opening payment")
    await query.edit_message_text("Payment link sent")


async def test_a_polling_ptb_application_converses_through_the_sandbox(tg: Telegram) -> None:
    url = str(tg.http.base_url).rstrip("/")
    application = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{url}/bot")
        .base_file_url(f"{url}/file/bot")
        .rate_limiter(AIORateLimiter())
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(on_pay, pattern="^escrow:"))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=5)
        await tg.send(RAVI, "/start join_AMBER7", first_name="Ravi")
        await eventually(lambda: len(tg.sandbox.messages(RAVI)) == 2)
        greeting = tg.sandbox.messages(RAVI)[1]
        assert (greeting["text"], greeting["html"]) == (
            "Welcome join_AMBER7",
            "<b>Welcome</b> join_AMBER7",
        )
        assert (await tg.click(RAVI, greeting["message_id"], PAY)).status_code == 200
        await eventually(lambda: tg.sandbox.messages(RAVI)[1]["text"] == "Payment link sent")
        assert tg.sandbox.messages(RAVI)[1]["answers"][0]["text"] == "Opening payment"
        await application.updater.stop()
        await application.stop()
