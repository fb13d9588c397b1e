"""The admin pages in a real browser: Debian's Chromium, driven by Playwright.

An admin opens the link the bot's /login sends, looks at the escrows and one escrow, runs the
reconciliation, downloads the CSV and signs out, on a laptop and on a phone. Screenshots go to
test-artifacts/screenshots/admin/ (TRUSTPAY_ARTIFACTS overrides the folder).
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from core import people
from core.db.models import Alert, Escrow
from core.escrow.states import State
from core.reconciliation import CSV_COLUMNS
from tests.browser.chromium import STEP, Screens, no_sideways_scroll, require_chromium
from tests.databases import SqliteTemplate
from tests.running import App, serve, settings_for
from tests.world import ADMIN

require_chromium()


@pytest.fixture
async def app(sqlite_template: SqliteTemplate, tmp_path: Path) -> AsyncIterator[App]:
    settings = settings_for(sqlite_template.copy_to(tmp_path), fee_bps=100)
    async for running in serve(settings):
        yield running


async def some_escrows(app: App) -> Escrow:
    """One released escrow with a fee, one held, one waiting for payment, and an open alert."""
    deps = app.runtime.deps
    done = await app.escrow_released(150_000)
    async with deps.uow() as uow:
        uow.alerts.add(
            Alert(
                escrow_id=done.id,
                kind="payout_reversed",
                detail="The bank returned a payout to bilal.k@okaxis; pay it again or refund.",
                created_at=datetime.now(UTC),
            )
        )
        await uow.commit()
    held = await app.escrow_awaiting_payment(42_000)
    await app.pay(held)
    await app.wait_state(held, State.HELD)
    await app.escrow_awaiting_payment(9_99_900)
    return await app.load(done.id)


async def test_an_admin_signs_in_reconciles_and_downloads_the_csv(
    app: App, browser: Browser
) -> None:
    screens = Screens("admin/laptop")
    escrow = await some_escrows(app)
    token = await people.admin_login_token(ADMIN, app.runtime.deps)
    context = await browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = await context.new_page()
    page.set_default_timeout(STEP)

    await page.goto(f"{app.base}/admin")
    await expect(page.get_by_role("heading", name="Please sign in")).to_be_visible()
    await screens.shot(page, "sign-in-needed")

    await page.goto(f"{app.base}/admin/login/{token}")
    await screens.shot(page, "sign-in")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{app.base}/admin")
    await expect(page.get_by_role("heading", name="Escrows", exact=True)).to_be_visible()
    await expect(page.get_by_text("payout_reversed")).to_be_visible()
    await expect(page.locator("main")).not_to_contain_text("bilal.k@okaxis")
    await screens.shot(page, "escrows")

    await page.get_by_role("row").filter(has_text=escrow.code).get_by_role("link").click()
    await expect(page.locator("[data-state]")).to_have_text("RELEASED")
    await screens.shot(page, "escrow")

    await page.get_by_role("link", name="Reconciliation").click()
    await expect(page.locator('[data-total="in"]')).to_have_text("₹1,920.00")
    await expect(page.locator('[data-total="out"]')).to_have_text("₹1,485.00")
    await expect(page.locator('[data-total="fee"]')).to_have_text("₹15.00")
    await screens.shot(page, "reconciliation")

    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="Download CSV").click()
    download = await download_info.value
    assert download.suggested_filename.startswith("trustpay-reconciliation-")
    text = await asyncio.to_thread(Path(await download.path()).read_text, encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == CSV_COLUMNS
    assert sorted(row[4] for row in rows[1:]) == ["1485.00", "15.00", "1500.00", "420.00", "5.00"]

    await page.get_by_label("From", exact=True).fill("2026-12-31")
    await page.get_by_label("To", exact=True).fill("2026-01-01")
    await page.get_by_role("button", name="Show").click()
    await expect(page.get_by_role("alert")).to_contain_text("ends before it starts")
    await screens.shot(page, "bad-dates")

    await page.get_by_role("button", name="Sign out").click()
    await expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    await page.goto(f"{app.base}/admin")
    await expect(page.get_by_role("heading", name="Please sign in")).to_be_visible()
    await page.goto(f"{app.base}/admin/login/{token}")
    await expect(page.get_by_text("expired or was already used")).to_be_visible()
    await screens.shot(page, "link-used")
    await context.close()


async def test_the_admin_pages_read_well_on_a_phone(app: App, browser: Browser) -> None:
    screens = Screens("admin/phone")
    escrow = await some_escrows(app)
    token = await people.admin_login_token(ADMIN, app.runtime.deps)
    page = await browser.new_page(viewport={"width": 360, "height": 780})
    await page.goto(f"{app.base}/admin/login/{token}")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Escrows", exact=True)).to_be_visible()
    await no_sideways_scroll(page)
    await screens.shot(page, "escrows")
    for path, what in (
        (f"/admin/escrows/{escrow.code}", "escrow"),
        ("/admin/reconciliation", "reconciliation"),
    ):
        await page.goto(f"{app.base}{path}")
        await expect(page.locator("h1")).to_be_visible()
        await no_sideways_scroll(page)
        await screens.shot(page, what)
