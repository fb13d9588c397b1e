"""A whole escrow in a real browser: Debian's Chromium, driven by Playwright, on /sandbox.

Alice and Bob type and click in their columns exactly as a newcomer would; the bot, the Setu
simulator and the RazorpayX simulator are the real ones, behind the real HTTP app. Screenshots
of every step go to test-artifacts/screenshots/ (TRUSTPAY_ARTIFACTS overrides the folder).
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect
from pypdf import PdfReader

from core.escrow.states import State
from tests.browser.chromium import STEP, Screens, no_sideways_scroll, require_chromium
from tests.databases import SqliteTemplate
from tests.running import App, serve, settings_for

require_chromium()


@pytest.fixture
async def app(sqlite_template: SqliteTemplate, tmp_path: Path) -> AsyncIterator[App]:
    settings = settings_for(sqlite_template.copy_to(tmp_path), fee_bps=100)
    async for running in serve(settings, scheduler=True):  # the outbox drains on its timer
        yield running


async def say(page: Page, person: str, text: str) -> None:
    column = page.locator(f'section[data-person="{person}"]')
    await column.locator("[data-role=input]").fill(text)
    await column.locator("[data-role=send]").click()


def bot_says(page: Page, person: str, text: str | re.Pattern[str]):  # type: ignore[no-untyped-def]
    column = page.locator(f'section[data-person="{person}"]')
    return column.locator('[data-role=message][data-from="bot"]').filter(has_text=text).last


async def tap(page: Page, person: str, label: str) -> None:
    column = page.locator(f'section[data-person="{person}"]')
    button = column.locator("[data-role=message] button").filter(has_text=label).last
    await expect(button).to_be_visible(timeout=STEP)
    await button.click()


async def test_a_newcomer_finishes_an_escrow_in_the_browser(app: App, browser: Browser) -> None:
    screens = Screens("whole-escrow")
    page = await browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(STEP)
    await page.goto(f"{app.base}/sandbox")
    await expect(page.locator('section[data-person="alice"]')).to_be_visible()
    await expect(page.locator('section[data-person="bob"]')).to_be_visible()
    await screens.shot(page, "empty")

    await say(page, "alice", "/create 1500 Phone case")
    opened = bot_says(page, "alice", "Code:")
    await expect(opened).to_be_visible()
    code = re.search(r"Code: ([A-Z0-9]{6})", await opened.inner_text())
    assert code, await opened.inner_text()
    await screens.shot(page, "created")

    await say(page, "bob", f"/join {code.group(1)} bob@okaxis")
    await expect(bot_says(page, "bob", "You joined")).to_be_visible()
    pay = page.locator('section[data-person="alice"] [data-role=pay]')
    await expect(pay).to_be_visible()
    await expect(bot_says(page, "alice", "upi://pay?")).to_be_visible()
    await expect(page.locator('section[data-person="alice"] img').last).to_be_visible()  # the QR
    await screens.shot(page, "payment-asked")

    await pay.click()
    toast = page.locator('section[data-person="alice"] [data-role=toast]')
    await expect(toast).to_contain_text("Paid ₹1,500")
    await expect(bot_says(page, "bob", "received and held")).to_be_visible()
    await screens.shot(page, "paid")

    await tap(page, "bob", "Delivered")
    await tap(page, "alice", "Release money")
    await tap(page, "alice", "Yes, release")
    await expect(bot_says(page, "alice", "₹1,485 was paid to the payee")).to_be_visible()
    await expect(bot_says(page, "bob", "₹1,485 was paid to your UPI id")).to_be_visible()
    await screens.shot(page, "released")

    escrow = await app.load(1)
    assert escrow.state == State.RELEASED
    [payout] = app.rx.payouts()
    assert payout["amount"] == 148_500

    status_button = page.locator('section[data-person="bob"] button.url').filter(
        has_text="Status page"
    )
    status_url = await status_button.last.get_attribute("title")
    assert status_url is not None
    assert status_url.startswith("Opens ")
    status = await browser.new_page(viewport={"width": 390, "height": 900})
    await status.goto(status_url.removeprefix("Opens "))
    await expect(status.locator("[data-state]")).to_contain_text("Completed — payee paid")
    await screens.shot(status, "status-page")

    async with status.expect_download() as download_info:
        await status.get_by_text("Download receipt").click()
    download = await download_info.value
    assert download.suggested_filename == f"trustpay-{escrow.code}.pdf"
    pdf = PdfReader(io.BytesIO(await asyncio.to_thread(Path(await download.path()).read_bytes)))
    text = "".join(p.extract_text() for p in pdf.pages)
    for expected in (escrow.code, "₹1,500", "₹1,485", "Released", "UTR", "Audit hash"):
        assert expected in text, expected

    await say(page, "alice", f"/receipt {escrow.code}")
    document = page.locator('section[data-person="alice"] a').filter(
        has_text=f"trustpay-{escrow.code}.pdf"
    )
    await expect(document).to_be_visible()
    await screens.shot(page, "receipt-in-chat")


async def test_the_page_reads_well_on_a_phone(app: App, browser: Browser) -> None:
    screens = Screens("phone")
    page = await browser.new_page(viewport={"width": 360, "height": 780})
    await page.goto(f"{app.base}/sandbox")
    await say(page, "alice", "/start")
    await expect(bot_says(page, "alice", "Welcome")).to_be_visible(timeout=STEP)
    await no_sideways_scroll(page)  # nothing sticks out sideways
    await screens.shot(page, "start")
