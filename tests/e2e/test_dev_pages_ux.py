"""Issue 13, the local pages: the start page no longer promises parts «لاحقًا», and
the mailbox shows when each email was sent as people read it (Riyadh time, Intl,
«صباحًا»/«مساءً»), not a raw ISO timestamp."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from khadum.settings import Settings
from tests.e2e.test_chat_page import accept_a_request, browser, stack  # noqa: F401

pytestmark = pytest.mark.browser


def test_start_page_and_mailbox_times(browser: Browser, stack: tuple[str, Settings],  # noqa: F811
                                      clean_db: str, artifacts: Path) -> None:
    base, settings = stack
    page = browser.new_page(locale="ar-SA", viewport={"width": 390, "height": 844})
    page.goto(base + "/dev")
    expect(page.locator("body")).not_to_contain_text("لاحقًا")
    expect(page.locator("body")).to_contain_text("لوحة المستقل")

    accept_a_request(base, settings, clean_db)
    email = page.locator("article.email")
    for _ in range(40):
        page.goto(f"{base}/dev/mailbox")
        if email.count():
            break
        page.wait_for_timeout(250)
    when = email.first.locator("time.when")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT.*", when.get_attribute("datetime") or "")
    expect(when).to_have_text(
        re.compile(r"^\d{1,2} [^\d\s]+ \d{4} - \d{1,2}:\d\d:\d\d (صباحًا|مساءً)$"))
    expect(email.first.locator("time.when + span[lang=en]")).to_have_text(
        re.compile(r"^ · \d{1,2} [A-Z][a-z]+ \d{4} - \d{1,2}:\d\d:\d\d (AM|PM)$"))
    page.screenshot(path=str(artifacts / "mailbox-phone.png"))
