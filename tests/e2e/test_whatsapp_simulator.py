"""The WhatsApp simulator in Debian's Chromium: a whole conversation, typed and
tapped like a client would, through signed webhook calls, the bot, the outbox,
the Graph API stand-in and back to the page."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Page
from psycopg.rows import dict_row

from khadum.devstack.app import create_app
from khadum.settings import Settings
from tests.browser import chromium
from tests.factories import opened_row
from tests.live import free_port, serve

pytestmark = pytest.mark.browser
TIMEOUT = 15_000


def bot_says(page: Page, text: str) -> None:
    page.locator(".bubble.bot", has_text=text).last.wait_for(timeout=TIMEOUT)


def type_message(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.press("#text", "Enter")


def tap(page: Page, title: str) -> None:
    page.locator(".bubble.bot button.reply", has_text=title).last.click()


def test_a_whole_conversation_in_the_simulator(clean_db: str, artifacts: Path) -> None:
    port = free_port()
    settings = Settings(
        database_url=clean_db, whatsapp_graph_url=f"http://127.0.0.1:{port}/dev/graph"
    )
    app = create_app(clean_db, settings=settings, run_expiry=False)
    with serve(app, port) as base, chromium() as browser:
        page = browser.new_page(locale="ar-SA", viewport={"width": 480, "height": 900})
        page.goto(base + "/dev/whatsapp")
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.fill("#phone", "+966501234567")
        page.fill("#name", "أحمد")
        page.click("#start")

        type_message(page, "السلام عليكم")
        bot_says(page, "أهلاً أحمد")
        bot_says(page, "وش الخدمة")
        type_message(page, "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
        page.locator(".bubble.bot[data-kind=list] button.open-list").last.click(timeout=TIMEOUT)
        assert page.locator("#sheet .row").count() >= 5
        page.screenshot(path=str(artifacts / "whatsapp-simulator-list.png"))
        page.locator("#sheet .row", has_text="محمد الغامدي").click()
        bot_says(page, "تبي ترسل طلبك لـ محمد الغامدي")
        tap(page, "نعم، أكمل")
        bot_says(page, "وش اسمك")
        type_message(page, "أحمد محمد")
        bot_says(page, "بريدك الإلكتروني")
        type_message(page, "ahmed@example.com")
        bot_says(page, "تفاصيل إضافية")
        page.select_option("#attach", "audio")  # a voice note: a polite reply, the step stays
        bot_says(page, "الرسائل الصوتية")
        type_message(page, "الشحن مجاني، ضمان سنتين، جمهور شبابي")
        bot_says(page, "ميزانيتك")
        type_message(page, "٣٠٠ ريال")
        bot_says(page, "اخترتك بسبب خبرتك في الإعلانات التسويقية")
        tap(page, "استخدم المقترح")
        bot_says(page, "ملخص طلبك")
        tap(page, "إرسال الطلب")
        bot_says(page, "مهلة الرد 24 ساعة")
        page.screenshot(path=str(artifacts / "whatsapp-simulator.png"), full_page=True)

    with psycopg.connect(clean_db) as conn:
        request = opened_row(conn.cursor(row_factory=dict_row).execute(
            "select client_name, client_email_sealed, budget_range, reason_for_choice "
            "from client_requests").fetchone())
        row = (request["client_name"], request["client_email"], request["budget_range"],
               request["reason_for_choice"])
        assert row == (
            "أحمد محمد",
            "ahmed@example.com",
            "300 ريال",
            "اخترتك بسبب خبرتك في الإعلانات التسويقية وتقييمك العالي 4.8/5",
        )
        assert conn.execute("select count(*) from notifications").fetchone() == (1,)
