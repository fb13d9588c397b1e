"""The admin pages at /admin over real HTTP: sign-in links, sessions, escrows, reconciliation."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update

from admin_web.auth import COOKIE, Sessions
from core import people
from core.db.models import AdminToken, Alert, Escrow
from core.escrow import service
from core.escrow.commands import Actor, CreateEscrow, Role
from core.escrow.states import State
from core.reconciliation import CSV_COLUMNS
from tests.running import App, serve, settings_for
from tests.world import ADMIN, PAYEE_VPA

EXPIRED = "This sign-in link has expired or was already used. Send /login to the bot for a new one."
SIGN_IN = "Send /login to the TrustPay bot"


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    async for running in serve(settings_for(db_url, fee_bps=100)):
        yield running


@pytest.fixture
async def admin(app: App) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own (its own cookie jar), signed in through a fresh link."""
    async with httpx.AsyncClient(base_url=app.base) as client:
        response = await client.post(await login_link(app))
        assert response.status_code == 303, response.text
        yield client


async def login_link(app: App, actor: Actor = ADMIN) -> str:
    token = await people.admin_login_token(actor, app.runtime.deps)
    return f"/admin/login/{token}"


async def released(app: App) -> Escrow:
    return await app.escrow_released()


def total(html: str, name: str) -> str:
    found = re.search(rf'data-total="{name}">(?:<a [^>]*>)?([^<]+)<', html)
    assert found, name
    return found.group(1)


def codes_listed(html: str) -> list[str]:
    return re.findall(r'<td data-label="Code"><a href="/admin/escrows/(\w+)">', html)


# --- signing in and out ---


async def test_a_login_link_signs_in_once(app: App) -> None:
    link = await login_link(app)
    async with httpx.AsyncClient(base_url=app.base) as browser:
        for _ in range(2):  # opening it (a link preview, a scanner, the admin) does not spend it
            opened = await browser.get(link)
            assert opened.status_code == 200
            assert "<h1>Sign in to TrustPay admin</h1>" in opened.text
            assert f'<form method="post" action="{link}">' in opened.text
            assert COOKIE not in opened.headers.get("set-cookie", "")
        response = await browser.post(link)
        assert response.status_code == 303
        assert response.headers["location"] == "/admin"
        cookie = response.headers["set-cookie"]
        for attribute in ("HttpOnly", "SameSite=strict", "Path=/admin", "Max-Age=28800"):
            assert attribute in cookie, attribute
        assert "Secure" not in cookie  # served over http here; https turns it on
        page = await browser.get("/admin")
        assert page.status_code == 200
        assert "<h1>Escrows</h1>" in page.text
    async with httpx.AsyncClient(base_url=app.base) as other:
        for used in (await other.get(link), await other.post(link)):
            assert used.status_code == 403
            assert EXPIRED in used.text
            assert COOKIE not in used.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    "headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}]
)
async def test_signing_in_from_another_site_is_refused_and_keeps_the_link(
    app: App, headers: dict[str, str]
) -> None:
    link = await login_link(app)
    async with httpx.AsyncClient(base_url=app.base) as browser:
        refused = await browser.post(link, headers=headers)
        assert refused.status_code == 403
        assert COOKIE not in refused.headers.get("set-cookie", "")
        assert (await browser.post(link)).status_code == 303  # still unused


async def test_an_expired_link_is_refused(app: App) -> None:
    link = await login_link(app)
    async with app.runtime.deps.uow() as uow:
        past = datetime.now(UTC) - timedelta(seconds=1)
        await uow.session.execute(update(AdminToken).values(expires_at=past))
        await uow.commit()
    for response in (
        await app.http.get(f"{app.base}{link}"),
        await app.http.post(f"{app.base}{link}"),
    ):
        assert response.status_code == 403
        assert EXPIRED in response.text


@pytest.mark.parametrize("token", ["nope", "A" * 43, "x" * 300, "<script>alert(1)</script>"])
async def test_unknown_links_are_refused_in_plain_words(app: App, token: str) -> None:
    response = await app.http.get(f"{app.base}/admin/login/{token}")
    assert response.status_code in (403, 404)
    assert "<script>alert" not in response.text
    if response.status_code == 403:
        assert EXPIRED in response.text


@pytest.mark.parametrize(
    "path",
    ["/admin", "/admin/escrows/ABCDEF", "/admin/reconciliation", "/admin/reconciliation.csv"],
)
async def test_pages_need_a_session(app: App, path: str) -> None:
    response = await app.http.get(f"{app.base}{path}")
    assert response.status_code == 401
    assert SIGN_IN in response.text
    assert "Traceback" not in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_a_forged_tampered_or_old_cookie_is_refused(
    app: App, admin: httpx.AsyncClient
) -> None:
    good = admin.cookies[COOKIE]
    telegram_id, expires, signature = good.split(".")
    now = datetime.now(UTC)
    forged = {
        "another id": f"9010.{expires}.{signature}",
        "a later expiry": f"{telegram_id}.{int(expires) + 3600}.{signature}",
        "a changed signature": f"{telegram_id}.{expires}.{signature[::-1]}",
        "another key": Sessions("not-our-key", secure=False).issue(9009, now),
        "expired": Sessions(app.runtime.settings.secret_key.get_secret_value(), secure=False).issue(
            9009, now - timedelta(hours=8, seconds=1)
        ),
        "garbage": "9009",
    }
    for why, value in [*forged.items(), ("the genuine one", good)]:
        async with httpx.AsyncClient(base_url=app.base, cookies={COOKIE: value}) as browser:
            response = await browser.get("/admin")
        assert response.status_code == (200 if value == good else 401), why


async def test_an_admin_removed_from_the_list_loses_access(
    app: App, admin: httpx.AsyncClient
) -> None:
    unused = await login_link(app)
    assert (await admin.get("/admin")).status_code == 200
    deps = app.runtime.deps
    deps.policy = replace(deps.policy, admin_telegram_ids=frozenset())
    assert (await admin.get("/admin")).status_code == 401
    assert (await admin.get("/admin/reconciliation")).status_code == 401
    async with httpx.AsyncClient(base_url=app.base) as browser:
        assert (await browser.get(unused)).status_code == 403
        assert (await browser.post(unused)).status_code == 403


async def test_signing_out_ends_the_session(app: App, admin: httpx.AsyncClient) -> None:
    page = await admin.get("/admin")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    response = await admin.post(
        "/admin/logout", data={"csrf": token.group(1)}, headers={"Origin": "null"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?signed_out=1"
    assert "Max-Age=0" in response.headers["set-cookie"]
    assert (await admin.get("/admin")).status_code == 401
    after = await admin.get("/admin/login", params={"signed_out": "1"})
    assert "You are signed out" in after.text


async def test_signing_out_from_another_site_is_refused(app: App, admin: httpx.AsyncClient) -> None:
    page = await admin.get("/admin")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    attempts = [
        ({"csrf": token.group(1)}, {"Origin": "https://evil.example"}),
        ({"csrf": token.group(1)}, {"Sec-Fetch-Site": "cross-site"}),
        ({}, {}),
        ({"csrf": "x" * 43}, {}),
    ]
    for form, headers in attempts:
        response = await admin.post("/admin/logout", data=form, headers=headers)
        assert response.status_code == 403, (form, headers)
        assert "set-cookie" not in response.headers
    assert (await admin.get("/admin")).status_code == 200  # still signed in


async def test_the_sign_in_page_explains_how(app: App, admin: httpx.AsyncClient) -> None:
    page = await app.http.get(f"{app.base}/admin/login")
    assert page.status_code == 200
    assert SIGN_IN in page.text
    signed_in = await admin.get("/admin/login")
    assert signed_in.status_code == 303  # already signed in: straight to the escrows


# --- escrows ---


async def test_the_escrow_list_filters_searches_and_pages(
    app: App, admin: httpx.AsyncClient
) -> None:
    held = await app.escrow_awaiting_payment(150_000)
    await app.pay(held)
    await app.wait_state(held, State.HELD)
    waiting = [
        await service.create_escrow(
            CreateEscrow(Actor(5000 + n, f"P{n}"), Role.PAYER, 10_000 + n, "Book"),
            app.runtime.deps,
        )
        for n in range(51)
    ]
    first = await admin.get("/admin")
    assert first.status_code == 200
    assert re.search(r"AWAITING_PARTNER <b>51</b>", first.text)
    assert re.search(r"HELD <b>1</b>", first.text)
    assert re.search(r"All <b>52</b>", first.text)
    assert "page 1 of 2" in first.text
    assert codes_listed(first.text) == [e.code for e in reversed(waiting)][:50]
    assert "₹100.50" in first.text  # 10,050 paise, the newest
    second = await admin.get(first_page_link(first.text, "next"))
    assert codes_listed(second.text) == [waiting[0].code, held.code]
    beyond = await admin.get("/admin", params={"page": "999"})
    assert codes_listed(beyond.text) == codes_listed(second.text)

    only_held = await admin.get("/admin", params={"state": "held"})
    assert codes_listed(only_held.text) == [held.code]
    assert "₹1,500" in only_held.text
    typed = f" {held.code[:3].lower()}-{held.code[3:].lower()} "
    searched = await admin.get("/admin", params={"q": typed})
    assert codes_listed(searched.text) == [held.code]
    partial = await admin.get("/admin", params={"q": held.code[:4]})
    assert held.code in codes_listed(partial.text)
    nothing = await admin.get("/admin", params={"q": "%_%"})
    assert codes_listed(nothing.text) == []
    assert "No escrows match" in nothing.text
    bad = await admin.get("/admin", params={"state": "LOST"})
    assert bad.status_code == 400
    assert "There is no state called" in bad.text


def first_page_link(html: str, rel: str) -> str:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    assert found, rel
    return found.group(1).replace("&amp;", "&")


async def test_an_escrow_page_shows_money_parties_masked_and_the_log(
    app: App, admin: httpx.AsyncClient
) -> None:
    escrow = await released(app)
    response = await admin.get(f"/admin/escrows/{escrow.code.lower()}")
    assert response.status_code == 200
    html = response.text
    assert f"<code>{escrow.code}</code> {escrow.name}" in html
    assert 'data-state="RELEASED"' in html
    for expected in ("₹1,500", "₹15", "₹1,485", "Bilal", "bi***@okaxis", "as***@okhdfc"):
        assert expected in html, expected
    assert PAYEE_VPA not in html
    assert "asha.r@okhdfc" not in html
    assert "Payouts" in html
    for event in ("escrow.created", "escrow.joined", "payment.held", "escrow.closed"):
        assert f">{event}<" in html, event
    hashes = re.findall(r'<code title="([0-9a-f]{64})">([0-9a-f]{12})…</code>', html)
    assert hashes
    assert all(full.startswith(prefix) for full, prefix in hashes)


@pytest.mark.parametrize("code", ["ZZZZZZ", "nope", "A" * 40])
async def test_an_unknown_escrow_is_a_404_page(admin: httpx.AsyncClient, code: str) -> None:
    response = await admin.get(f"/admin/escrows/{code}")
    assert response.status_code == 404
    assert "No such escrow" in response.text


async def test_open_alerts_are_listed_with_links(app: App, admin: httpx.AsyncClient) -> None:
    escrow = await app.escrow_awaiting_payment()
    async with app.runtime.deps.uow() as uow:
        uow.alerts.add(
            Alert(
                escrow_id=escrow.id,
                kind="payout_failed",
                detail="payout to someone.else@okaxis failed",
                created_at=datetime.now(UTC),
            )
        )
        await uow.commit()
    html = (await admin.get("/admin")).text
    assert "Open alerts" in html
    assert "payout_failed" in html
    assert f'href="/admin/escrows/{escrow.code}"' in html
    assert "so***@okaxis" in html
    assert "someone.else@okaxis" not in html


# --- reconciliation ---


async def test_reconciliation_totals_a_released_escrow_with_its_fee(
    app: App, admin: httpx.AsyncClient
) -> None:
    escrow = await released(app)
    today = datetime.now(UTC).date()
    default = await admin.get("/admin/reconciliation")  # this month so far
    assert f'name="from" value="{today.replace(day=1)}"' in default.text
    assert f'name="to" value="{today}"' in default.text
    period = {"from": str(today - timedelta(days=1)), "to": str(today + timedelta(days=1))}
    response = await admin.get("/admin/reconciliation", params=period)
    assert response.status_code == 200
    html = response.text
    assert total(html, "in") == "₹1,500.00"
    assert total(html, "out") == "₹1,485.00"
    assert total(html, "fee") == "₹15.00"
    assert total(html, "cost") == "₹5.00"  # RazorpayX's fee for the payout, tax included
    assert total(html, "net") == "₹10.00"
    assert "The providers' records match ours" in html
    assert total(html, "holding") == "₹0.00"
    assert total(html, "suspense") == "₹0.00"
    assert "The books balance" in html
    assert f'href="/admin/escrows/{escrow.code}"' in html
    assert "/admin/reconciliation.csv?from=" in html


async def test_the_csv_export_has_a_header_and_one_row_per_movement(
    app: App, admin: httpx.AsyncClient
) -> None:
    escrow = await released(app)
    today = datetime.now(UTC).date().isoformat()
    response = await admin.get("/admin/reconciliation.csv", params={"from": today, "to": today})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="trustpay-reconciliation-{today}-to-{today}.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert list(rows[0].keys()) == CSV_COLUMNS
    amounts = {row["kind"]: (row["direction"], row["amount_inr"]) for row in rows}
    assert amounts == {
        "hold": ("in", "1500.00"),
        "release": ("out", "1485.00"),
        "fee": ("fee", "15.00"),
        "provider_fee": ("cost", "5.00"),
    }
    assert {row["escrow_code"] for row in rows} == {escrow.code}
    assert all(row["time_utc"].startswith(today) for row in rows)


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        ("2026-13-01", "2026-12-31", "YYYY-MM-DD"),
        ("yesterday", "today", "YYYY-MM-DD"),
        ("2026-11-05", "2026-11-01", "ends before it starts"),
        ("2024-01-01", "2026-01-01", "at most 366 days"),
    ],
)
async def test_bad_dates_are_a_400_with_a_clear_message(
    admin: httpx.AsyncClient, first: str, last: str, reason: str
) -> None:
    response = await admin.get("/admin/reconciliation", params={"from": first, "to": last})
    assert response.status_code == 400
    assert reason in response.text
    assert "Traceback" not in response.text
    exported = await admin.get("/admin/reconciliation.csv", params={"from": first, "to": last})
    assert exported.status_code == 400
    assert reason in exported.text


# --- the pages themselves ---


async def test_pages_are_private_and_self_contained(app: App, admin: httpx.AsyncClient) -> None:
    escrow = await app.escrow_awaiting_payment()
    for path in ("/admin", f"/admin/escrows/{escrow.code}", "/admin/reconciliation"):
        response = await admin.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "noindex" in response.headers["x-robots-tag"]
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp
        assert "form-action 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert re.findall(r'(?:src|href|action)="https?://', response.text) == []
        assert "<script" not in response.text
    css = await app.http.get(f"{app.base}/admin/assets/admin.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")


async def test_unknown_admin_addresses_are_a_404_page(admin: httpx.AsyncClient) -> None:
    response = await admin.get("/admin/nothing/here")
    assert response.status_code == 404
    assert "Page not found" in response.text
    slash = await admin.get("/admin/")
    assert slash.status_code == 303
    assert slash.headers["location"] == "/admin"
