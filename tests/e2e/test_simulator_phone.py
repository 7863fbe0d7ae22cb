"""Issue 13 item 5 in Debian's Chromium: the WhatsApp simulator on a 390×844 phone
(Send on screen, the list sheet's «إغلاق» tappable), the client's own bubbles on
WhatsApp's side in Arabic (the left), and the conversation kept across a reload
(read back from the Graph API stand-in's history, both ways)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from khadum.devstack.app import create_app
from khadum.settings import Settings
from tests.browser import chromium
from tests.e2e.test_whatsapp_simulator import TIMEOUT, bot_says, type_message
from tests.live import free_port, serve

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def on_screen(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (selector, box)


def test_the_simulator_fits_a_phone_and_survives_a_reload(clean_db: str, artifacts: Path) -> None:
    port = free_port()
    settings = Settings(database_url=clean_db,
                        whatsapp_graph_url=f"http://127.0.0.1:{port}/dev/graph")
    app = create_app(clean_db, settings=settings, run_expiry=False)
    with serve(app, port) as base, chromium() as browser:
        page = browser.new_page(locale="ar-SA", viewport=PHONE)
        page.goto(base + "/dev/whatsapp")
        page.fill("#phone", "+966501234568")
        page.fill("#name", "سعد")
        page.click("#start")
        for control in ("#send", "#text", "#attach", "#start"):
            on_screen(page, control)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        type_message(page, "السلام عليكم")
        bot_says(page, "أهلاً سعد")
        mine = page.locator(".bubble.me").first.bounding_box()
        theirs = page.locator(".bubble.bot").first.bounding_box()
        assert mine is not None and theirs is not None
        # Arabic WhatsApp: your own bubbles on the left, the other side's on the right.
        assert mine["x"] < 40 and theirs["x"] + theirs["width"] > PHONE["width"] - 40

        bot_says(page, "وش الخدمة")
        type_message(page, "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
        page.locator(".bubble.bot[data-kind=list] button.open-list").last.click(timeout=TIMEOUT)
        expect(page.locator("#sheet")).to_have_class("sheet open")
        on_screen(page, "#sheet-close")
        page.screenshot(path=str(artifacts / "whatsapp-simulator-list-phone.png"))
        page.click("#sheet-close")  # a real tap: fails if anything covers it
        expect(page.locator("#sheet")).to_have_class("sheet")
        page.screenshot(path=str(artifacts / "whatsapp-simulator-phone.png"))

        expect(page.locator(".bubble.me[data-pending]")).to_have_count(0)
        before = (page.locator(".bubble.me").all_inner_texts(),
                  page.locator(".bubble.bot").count())
        page.reload()
        expect(page.locator(".bubble.bot")).to_have_count(before[1], timeout=TIMEOUT)
        assert page.locator(".bubble.me").all_inner_texts() == before[0]
        assert before[0][:2] == ["السلام عليكم", "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"]
        assert page.input_value("#phone") == "+966501234568"
        page.screenshot(path=str(artifacts / "whatsapp-simulator-after-reload-phone.png"))

        history = httpx.get(f"{base}/dev/graph/history", params={"to": "+966501234568"}).json()
        assert [e["direction"] for e in history][:2] == ["in", "out"]
        first = {"kind": "text", "text": "السلام عليكم", "id": "", "title": ""}
        assert history[0]["message"] == first
        # The Graph stand-in's own list stays what Meta received: the bot's messages only.
        sent = httpx.get(f"{base}/dev/graph/messages", params={"to": "+966501234568"}).json()
        assert len(sent) == before[1] and all(b["messaging_product"] == "whatsapp" for b in sent)
