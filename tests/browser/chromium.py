"""What the browser tests share: Debian's Chromium (skipped with the reason when it is absent,
except under CI, where that is an error), screenshots as artifacts, and layout checks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("TRUSTPAY_ARTIFACTS", ROOT / "test-artifacts")) / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu"]
STEP = 15_000  # ms: a generous wait for one step (the outbox paces chats at 1 message/s)


def require_chromium() -> None:
    """Call at the top of a browser test module."""
    if not Path(CHROMIUM).exists():
        reason = "Chromium is not installed (apt-get install chromium); .ci/run installs it"
        if os.environ.get("TRUSTPAY_CI"):
            raise RuntimeError(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason, allow_module_level=True)
    expect.set_options(timeout=STEP)


class Screens:
    """Numbered full-page screenshots of one test, in ARTIFACTS/<name>/."""

    def __init__(self, name: str) -> None:
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.count = 0

    async def shot(self, page: Page, what: str) -> None:
        self.count += 1
        await page.screenshot(path=self.folder / f"{self.count:02d}-{what}.png", full_page=True)


async def no_sideways_scroll(page: Page) -> None:
    overflow = await page.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px too wide"
