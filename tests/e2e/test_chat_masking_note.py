"""Issue 11 in the chat page: when something is masked the reader sees one
short, kind note (not the full warning after every message), a small label on
the masked bubble, and no stray «+» where a number was."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from khadum.settings import Settings
from tests.e2e.test_chat_page import (  # noqa: F401  (fixtures)
    accept_a_request,
    browser,
    freelancer_page,
    open_from_mailbox,
    send,
    stack,
)

pytestmark = pytest.mark.browser


def test_one_kind_note_for_several_masked_messages(browser: Browser,  # noqa: F811
                                                   stack: tuple[str, Settings],  # noqa: F811
                                                   clean_db: str, tmp_path: Path) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    client = open_from_mailbox(browser, base)
    freelancer = freelancer_page(browser, base, chat_id)
    expect(freelancer.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED",
                                                         timeout=10000)

    texts = ("رقمي +966 55 123 4567 كلمني", "أو ايميلي ahmed at gmail dot com",
             "الميزانية 1500 ريال والتسليم 2025-09-15")
    for n, text in enumerate(texts, start=1):
        send(client, text)
        expect(client.locator(".bubble.mine")).to_have_count(n)
    theirs = freelancer.locator(".bubble.theirs")
    expect(theirs).to_have_count(3)
    expect(theirs.nth(0).locator(".text")).to_have_text("رقمي [🔒] كلمني")
    expect(theirs.nth(1).locator(".text")).not_to_contain_text("ahmed")
    expect(theirs.nth(2).locator(".text")).to_have_text("الميزانية 1500 ريال والتسليم 2025-09-15")
    expect(freelancer.locator(".bubble.theirs .masked-note")).to_have_count(2)
    expect(theirs.nth(0).locator(".masked-note")).to_have_text("أخفينا بيانات التواصل")
    # an icon, not an emoji
    expect(theirs.nth(0).locator(".masked-note svg.icon-lock")).to_have_count(1)
    expect(theirs.nth(2).locator(".masked-note")).to_have_count(0)
    notes = freelancer.locator(".system")
    expect(notes).to_have_count(1)
    expect(notes).to_contain_text("خدوم")
    assert len(notes.inner_text()) < 90  # short
    expect(client.locator(".bubble.mine .masked-note")).to_have_count(2)
