"""The local mailbox in Debian's Chromium: emails the dev server sent to its Resend
stand-in, rendered (HTML in a sandboxed frame, and the text), with delivery states
moved by the stand-in's signed webhooks."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import psycopg
import pytest

from khadum.db import Database
from khadum.devstack.app import create_app
from khadum.email.resend_provider import ResendProvider
from khadum.email.sender import Sender
from tests.browser import chromium
from tests.email.support import SUBJECT, outbox_row, queue_email
from tests.factories import insert_email
from tests.live import serve

pytestmark = pytest.mark.browser


def drain(database_url: str, api_url: str) -> None:
    async def run() -> None:
        db = Database(database_url, max_size=2)
        await db.open()
        try:
            provider = ResendProvider("re_test_key", api_url, timeout_seconds=5)
            await Sender(db, provider, "خدوم <noreply@khadum.app>", batch_size=1).drain()
        finally:
            await db.close()

    asyncio.run(run())


def test_the_mailbox_shows_each_email_rendered_with_its_state(
    clean_db: str, artifacts: Path
) -> None:
    # The test drains the outbox itself, to the stand-in on this server's port; the
    # app's own sender (aimed at the default port) would race it for the rows.
    app = create_app(clean_db, run_expiry=False, run_workers=False)
    with psycopg.connect(clean_db) as conn, serve(app) as base:
        first = queue_email(conn)
        second = queue_email(conn, to="mohammed-alghamdi@demo.khadum.app",
                             subject="عميل جديد بانتظارك: أحمد محمد",
                             html='<div dir="rtl"><h1>عميل جديد</h1><p>أحمد يريد إعلانًا.</p></div>',
                             text="عميل جديد: أحمد يريد إعلانًا.")
        insert_email(conn, key="x:failed", to="sara@example.com", subject="لن تصل",
                     status="failed", attempts=8,
                     last_error="gave up after 8 attempts: resend 500 application_error")
        conn.commit()
        drain(clean_db, base + "/dev/resend")
        deadline = time.monotonic() + 10
        while {outbox_row(conn, i)["status"] for i in (first, second)} != {"delivered"}:
            assert time.monotonic() < deadline, "the stand-in's webhooks did not arrive"
            time.sleep(0.1)
        check_the_page(base, artifacts)


def check_the_page(base: str, artifacts: Path) -> None:
    with chromium() as browser:
        page = browser.new_page(locale="ar-SA", viewport={"width": 1100, "height": 900})
        page.goto(base + "/dev/mailbox")
        assert page.locator("html").get_attribute("dir") == "rtl"
        emails = page.locator("article.email")
        assert emails.count() == 2
        newest, oldest = emails.nth(0), emails.nth(1)
        assert newest.locator(".subject").inner_text() == "عميل جديد بانتظارك: أحمد محمد"
        assert oldest.locator(".subject").inner_text() == SUBJECT
        for article in (newest, oldest):
            assert article.get_attribute("data-state") == "delivered"
            assert "وصلت" in article.locator(".state").inner_text()
        assert oldest.locator(".to").inner_text() == "ahmed@example.com"
        assert "افتح المحادثة" in oldest.locator(".text-part").inner_text()
        frame = page.frame_locator("article.email >> nth=1 >> iframe.html-part")
        assert frame.locator("h1").inner_text() == "مرحبًا أحمد"
        link = frame.get_by_role("link", name="افتح المحادثة")
        assert link.get_attribute("href") == "http://127.0.0.1:8000/chat/k3J9xQ2mV7pL"
        sandbox = oldest.locator("iframe").get_attribute("sandbox") or ""
        assert "allow-scripts" not in sandbox and "allow-same-origin" not in sandbox
        failed = page.locator("#pending tr.pending-email")
        assert failed.count() == 1 and failed.get_attribute("data-state") == "failed"
        assert "gave up after 8 attempts" in failed.inner_text()
        # Tall enough that Chromium paints every frame (off-screen frames stay blank).
        page.set_viewport_size({"width": 1100, "height": 2000})
        page.screenshot(path=str(artifacts / "mailbox.png"), full_page=True)
