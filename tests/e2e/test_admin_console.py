"""The operator console in Debian's Chromium, against the real local stack: a staff
member signs in, sees the KPI tiles with their targets and the charts, filters the
activity log, retries a stuck WhatsApp message (the client then gets the bot's
reply) and resends a failed email (it reaches the mailbox); a freelancer opening
/admin is refused."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from khadum.devstack.app import create_app, served_from
from khadum.seed.load import DEMO_PASSWORD
from khadum.settings import Settings
from tests.browser import chromium
from tests.factories import MOHAMMED, NOURA, insert_email, insert_inbound, make_request
from tests.live import free_port, serve

pytestmark = pytest.mark.browser
STAFF = NOURA  # a demo account, made staff for these tests
PHONE = "+966501110001"


def wait_for(probe: Callable[[], Any], what: str, seconds: float = 40) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def base(database_url: str) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = served_from(Settings(), url)
    with serve(create_app(database_url, settings=settings, run_expiry=False), port=port):
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture
def staff(clean_db: str) -> Iterator[str]:
    with psycopg.connect(clean_db) as conn:
        conn.execute(
            "update auth.users set raw_app_meta_data = coalesce(raw_app_meta_data, '{}') || "
            "'{\"khadum_role\": \"staff\"}' where email = %s",
            (f"{STAFF}@demo.khadum.app",),
        )
    yield clean_db
    with psycopg.connect(clean_db) as conn:
        conn.execute(
            "update auth.users set raw_app_meta_data = raw_app_meta_data - 'khadum_role' "
            "where email = %s",
            (f"{STAFF}@demo.khadum.app",),
        )


def sign_in(browser: Browser, base: str, key: str, width: int = 1366) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(base + "/admin")
    page.fill("#email", f"{key}@demo.khadum.app")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#signin")
    return page


def _history(conn: psycopg.Connection) -> None:
    accepted = make_request(conn, MOHAMMED, phone="+966500000401")
    conn.execute(
        "update client_requests set status = 'accepted', responded_at = now() where id = %s",
        (accepted,),
    )
    conn.execute(
        "insert into request_events (request_id, event_type, actor, created_at) "
        "values (%s, 'accepted', 'freelancer', now() + interval '40 minutes')",
        (accepted,),
    )
    conn.execute(
        "select public.log_activity('freelancer', 'f1', 'request.accepted', 'request', %s)",
        (str(accepted),),
    )
    rejected = make_request(conn, MOHAMMED, phone="+966500000402")
    conn.execute("update client_requests set status = 'rejected' where id = %s", (rejected,))
    conn.execute(
        "select public.log_activity('freelancer', 'f1', 'request.rejected', 'request', %s)",
        (str(rejected),),
    )


def _dead_letter(conn: psycopg.Connection) -> uuid.UUID:
    wa_id = PHONE.lstrip("+")
    message = {
        "from": wa_id, "id": f"wamid.dead{uuid.uuid4().hex}",
        "timestamp": str(int(time.time())), "type": "text", "text": {"body": "السلام عليكم"},
    }
    return insert_inbound(conn, message["id"], PHONE, "text", message, attempts=5,
                          last_error="OperationalError: server closed the connection",
                          profile_name="سارة")


def _failed_email(conn: psycopg.Connection) -> uuid.UUID:
    return insert_email(conn, key=f"e2e:{uuid.uuid4()}", to="sara@example.com",
                        subject="تم قبول طلبك - منصة خدوم", html='<p dir="rtl">مرحباً</p>',
                        text="مرحباً", status="failed", last_error="connection reset by peer",
                        attempts=5)


def test_staff_see_kpis_filter_the_log_retry_and_resend(
    browser: Browser, base: str, staff: str, artifacts: Path
) -> None:
    with psycopg.connect(staff) as conn:
        _history(conn)
        dead = _dead_letter(conn)
        failed = _failed_email(conn)
    page = sign_in(browser, base, STAFF)
    expect(page.locator("#overview-page")).to_have_attribute("data-loaded", "true")
    tile = page.locator('[data-kpi="acceptance_rate"]')
    expect(tile.locator(".value")).to_contain_text("٥٠")
    expect(tile.locator(".target")).to_contain_text("٧٠٪")
    expect(tile).to_have_class("tile off")
    expect(page.locator('[data-kpi="response_time_median"] .value')).to_contain_text("٤٠")
    for canvas in ("#chart-requests", "#chart-funnel"):
        assert page.locator(canvas).evaluate("c => c.width > 0 && c.height > 0")
    expect(page.locator("#freelancers tbody tr")).to_have_count(1)
    expect(page.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED")
    page.screenshot(path=str(artifacts / "admin-overview-ar.png"), full_page=True)

    # Live: a new request's activity makes the tiles refetch.
    with psycopg.connect(staff) as conn:
        fresh = make_request(conn, MOHAMMED, phone="+966500000403")
        conn.execute(
            "select public.log_activity('client', null, 'request.created', 'request', %s)",
            (str(fresh),),
        )
    expect(page.locator("#freelancers tbody tr td").nth(1)).to_have_text("٣")

    page.click("a[href='#/activity']")
    page.fill("#filter-action", "request.rejected")
    page.click("#apply-filters")
    rows = page.locator("#activity-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-action", "request.rejected")
    with page.expect_download() as download:
        page.click("#export-csv")
    assert "request.rejected" in Path(download.value.path()).read_text(encoding="utf-8-sig")
    page.fill("#filter-action", "nothing.like.this")
    page.click("#apply-filters")
    expect(page.locator("#activity-empty")).to_be_visible()

    page.click("a[href='#/review']")
    page.click("#tab-dead")
    item = page.locator(f"[data-id='{dead}']")
    expect(item).to_contain_text("OperationalError")
    item.locator("button.primary").click()
    expect(item.locator(".note.success")).to_be_visible()
    with httpx.Client(base_url=base, timeout=10) as http:
        replies = wait_for(
            lambda: http.get("/dev/graph/messages", params={"to": PHONE}).json(),
            "the bot's reply to the retried message",
        )
    assert replies[0]["to"].lstrip("+") == PHONE.lstrip("+")

    page.click("#tab-emails")
    email = page.locator(f"[data-id='{failed}']")
    # Staff see the address's display form and the subject they review (issue 16).
    expect(email).to_contain_text("s•••@example.com")
    expect(email).to_contain_text("تم قبول طلبك - منصة خدوم")
    expect(email).not_to_contain_text("sara@example.com")
    email.locator("button.primary").click()
    expect(email.locator(".note.success")).to_be_visible()
    with httpx.Client(base_url=base, timeout=10) as http:
        sent = wait_for(
            lambda: [e for e in http.get("/dev/resend/emails").json()
                     if "sara@example.com" in str(e.get("to"))],
            "the resent email in the mailbox",
        )
    assert sent[0]["subject"] == "تم قبول طلبك - منصة خدوم"

    page.click("#tab-expiring")
    expect(page.locator("#review-empty")).to_be_visible()
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#review-page h1")).to_have_text("Requests about to expire")
    page.click("a[href='#/']")
    expect(page.locator("#overview-page")).to_have_attribute("data-loaded", "true")
    page.screenshot(path=str(artifacts / "admin-overview-en.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "admin-overview-phone.png"), full_page=True)
    page.context.close()


def test_a_freelancer_is_refused(browser: Browser, base: str, staff: str, artifacts: Path) -> None:
    page = sign_in(browser, base, MOHAMMED, width=390)
    expect(page.locator("#staff-only")).to_be_visible()
    expect(page.locator("#kpi-tiles")).to_have_count(0)
    page.screenshot(path=str(artifacts / "admin-refused.png"))
    page.click("#staff-only button")
    expect(page.locator("#email")).to_be_visible()
    page.context.close()
