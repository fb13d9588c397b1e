"""GET /e/{token}: the public status page and its PDF receipt, over real HTTP."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from core import anchoring
from core.db.models import Escrow
from core.escrow import service
from core.escrow.states import State
from tests.running import App, serve, settings_for
from tests.world import PAYEE, PAYEE_VPA


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    async for running in serve(settings_for(db_url, fee_bps=100)):
        yield running


async def page(app: App, token: str, **params: str) -> tuple[int, str]:
    response = await app.http.get(f"{app.base}/e/{token}", params=params)
    return response.status_code, response.text


async def test_awaiting_payment_shows_amount_masked_parties_qr_and_next_step(app: App) -> None:
    escrow = await app.escrow_awaiting_payment(150_000)
    status, html = await page(app, escrow.status_token)
    assert status == 200
    assert "Waiting for payment" in html
    assert "₹1,500" in html
    assert "<svg" in html  # the UPI QR, drawn inline
    assert 'href="upi://pay?' in html
    assert escrow.code in html
    assert PAYEE.first_name not in html  # names are masked to an initial
    assert f"{PAYEE.first_name[0]}•••" in html
    assert PAYEE_VPA not in html
    assert "bi***@okaxis" in html  # the UPI id, masked
    assert "refresh" in html


async def test_released_shows_the_timeline_and_no_qr(app: App) -> None:
    escrow = await app.escrow_released()
    status, html = await page(app, escrow.status_token)
    assert status == 200
    assert "Completed — payee paid" in html
    assert "<svg" not in html
    steps = re.findall(r'<span class="what">([^<]+)</span>', html)
    assert steps == [
        "Waiting for the other person to join",
        "Waiting for payment",
        "Money held by TrustPay",
        "Paying the payee",
        "Completed — payee paid",
    ]
    assert "₹1,485" in html  # what the payee got after the 1% fee
    assert 'http-equiv="refresh"' not in html  # finished: nothing will change


async def test_the_receipt_speaks_hindi_and_draws_devanagari(app: App) -> None:
    escrow = await app.escrow_awaiting_payment(150_000)
    async with app.runtime.deps.uow() as uow:  # a description as people write them
        await uow.session.execute(
            update(Escrow).where(Escrow.id == escrow.id).values(description="पुरानी साइकिल 🚲")
        )
        await uow.commit()
    response = await app.http.get(
        f"{app.base}/e/{escrow.status_token}/receipt.pdf", params={"lang": "hi"}
    )
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    # (text pulled back out of shaped Devanagari is approximate: check whole words only)
    for expected in ("TrustPay एस्क्रो रसीद", "पुरानी", "₹1,500", "RRN", escrow.code):
        assert expected in text, expected
    assert b"NotoSansDevanagari" in response.content  # the bundled font is embedded
    _, page_hi = await page(app, escrow.status_token, lang="hi")
    assert f"/e/{escrow.status_token}/receipt.pdf?lang=hi" in page_hi


async def test_the_page_shows_where_the_escrows_record_is_anchored(app: App) -> None:
    escrow = await app.escrow_awaiting_payment()
    _, waiting = await page(app, escrow.status_token)
    assert re.search(r"latest record of this escrow \(entry #\d+\) will be anchored", waiting)
    run = await anchoring.anchor_pending(app.runtime.deps, app.runtime.anchors)
    assert run.error is None
    [batch] = run.anchored
    _, anchored = await page(app, escrow.status_token)
    assert f"anchored on the blockchain in block {batch.block_number}" in anchored
    assert f"transaction {(batch.tx_hash or '')[:10]}…" in anchored
    _, hindi = await page(app, escrow.status_token, lang="hi")
    assert f"ब्लॉक {batch.block_number}" in hindi


async def test_the_page_speaks_hindi_when_asked_or_when_the_browser_prefers_it(app: App) -> None:
    escrow = await app.escrow_awaiting_payment()
    _, asked = await page(app, escrow.status_token, lang="hi")
    assert "भुगतान का इंतज़ार" in asked
    response = await app.http.get(
        f"{app.base}/e/{escrow.status_token}", headers={"Accept-Language": "hi-IN,hi;q=0.9"}
    )
    assert 'lang="hi"' in response.text


@pytest.mark.parametrize(
    "token", ["nope", "A" * 32, "x" * 200, "..%2F..%2Fetc", "<script>alert(1)</script>"]
)
async def test_unknown_or_malformed_tokens_are_a_friendly_404(app: App, token: str) -> None:
    status, html = await page(app, token)
    assert status == 404
    assert "No such escrow" in html
    assert "<script>alert" not in html


async def test_tokens_are_unguessable() -> None:
    tokens = {service.new_status_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(token) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token) for token in tokens)


async def test_pages_are_private_and_self_contained(app: App) -> None:
    escrow = await app.escrow_awaiting_payment()
    response = await app.http.get(f"{app.base}/e/{escrow.status_token}")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "noindex" in response.headers["x-robots-tag"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert re.findall(r'(?:src|href)="https?://', response.text) == []  # no other hosts
    css = await app.http.get(f"{app.base}/e/assets/status.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


async def test_the_receipt_downloads_as_a_pdf_with_the_facts(app: App) -> None:
    escrow = await app.escrow_awaiting_payment(150_000)
    await app.pay(escrow)
    await app.wait_state(escrow, State.HELD)
    response = await app.http.get(f"{app.base}/e/{escrow.status_token}/receipt.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f"trustpay-{escrow.code}.pdf" in response.headers["content-disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (escrow.code, "₹1,500", "Payment RRN", "Audit hash"):
        assert expected in text, expected
    missing = await app.http.get(f"{app.base}/e/{'B' * 32}/receipt.pdf")
    assert missing.status_code == 404
