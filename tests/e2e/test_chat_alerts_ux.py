"""Issue 13 items 3 and 4 in Debian's Chromium, on a phone (390×844) and a desktop
(1366×900): no «new message» notification while the freelancer has the chat
open; once it is closed, one per unread batch, linking to the chat (not the
request); notifications in the viewer's language (English fetched and live); a
client reopening a cancelled chat's link reads its history under a banner."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, expect

from khadum.chat.freetext import seal_reason
from khadum.settings import Settings
from tests.e2e.test_chat_page import accept_a_request, browser, stack  # noqa: F401
from tests.e2e.test_chat_ux import client_api, client_link, history, sign_in
from tests.factories import keys

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


def chat_notices(url: str, chat_id: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select count(*) from notifications n join private_chats c "
            "on c.request_id = n.request_id where c.id = %s and n.type = 'chat_message'",
            (chat_id,)).fetchone()
    return int(row[0]) if row else 0


def viewing(url: str, chat_id: str, expected: bool) -> bool:
    """Waits (up to 10 s) until the server holds the chat as open or not."""
    for _ in range(100):
        with psycopg.connect(url) as conn:
            row = conn.execute("select coalesce(freelancer_viewing_until > now(), false) "
                               "from private_chats where id = %s", (chat_id,)).fetchone()
        if row and row[0] is expected:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_chat_alerts_wait_until_the_chat_is_closed_and_link_to_it(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    client, _ = client_api(base, client_link(settings, clean_db, chat_id))
    page = sign_in(browser, base, SIZES[size], lang="en", path=f"/?next=/chats/{chat_id}")
    page.wait_for_url(f"{base}/chats/{chat_id}")
    expect(page.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED", timeout=10000)
    assert viewing(clean_db, chat_id, True)  # the page said it is open
    for text in ("مرحبا", "هل أنت متاح؟"):
        assert client.post("/messages", json={"text": text}).status_code == 201
    expect(page.locator(".bubble.theirs")).to_have_count(2)
    assert chat_notices(clean_db, chat_id) == 0  # read as they came: no alert

    page.goto(f"{base}/#/notifications")  # the chat is closed (pagehide)
    expect(page.locator("#notifications-page")).to_be_visible()
    assert viewing(clean_db, chat_id, False)
    expect(page.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED", timeout=10000)
    for text in ("أرسلت الملف", "هل وصلك؟", "بانتظارك"):
        assert client.post("/messages", json={"text": text}).status_code == 201
    alerts = page.locator("li.notification", has_text="New message from a client")
    expect(alerts).to_have_count(1)  # one per unread batch, in the viewer's language (live)
    assert chat_notices(clean_db, chat_id) == 1
    link = alerts.locator("a.view")
    expect(link).to_have_attribute("href", f"/chats/{chat_id}")
    expect(link).to_have_text("Open chat")
    page.screenshot(path=str(artifacts / f"chat-alert-en-{size}.png"))
    page.reload()  # fetched again: still English, still once
    expect(page.locator("li.notification", has_text="New message from a client")).to_have_count(1)
    expect(page.locator("li.notification", has_text="New request from a client")).to_have_count(1)
    expect(page.locator("#notifications-page")).not_to_contain_text("رسالة جديدة من عميل")
    page.locator("li.notification a.view", has_text="Open chat").click()
    page.wait_for_url(f"{base}/chats/{chat_id}")
    expect(page.locator(".bubble.theirs")).to_have_count(5)
    page.context.close()
    client.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_client_reopening_a_cancelled_chat_reads_it_under_a_banner(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    history(clean_db, chat_id, 4)
    token = client_link(settings, clean_db, chat_id)
    with psycopg.connect(clean_db) as conn:
        # Stored sealed, as the chat function stores it (khadum.chat.freetext).
        conn.execute("update private_chats set status = 'cancelled', cancelled_at = now(), "
                     "cancel_reason = %s where id = %s",
                     (seal_reason(keys(), "تغيّرت الخطة"), chat_id))
    page = browser.new_context(locale="ar-SA", viewport=SIZES[size]).new_page()
    page.goto(f"{base}/chat/{token}")
    banner = page.locator("#cancelled-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("للقراءة فقط")
    expect(banner).to_contain_text("«تغيّرت الخطة»")
    expect(page.locator(".bubble")).to_have_count(4)  # the history, not «أُلغيت» alone
    expect(page.locator("#composer")).to_have_count(0)
    expect(page.locator("#closed")).to_be_visible()
    page.screenshot(path=str(artifacts / f"chat-cancelled-reopened-{size}.png"))
    session = httpx.post(f"{base}/functions/v1/chat/session", json={"token": token}, timeout=10)
    assert session.json()["status"] == "cancelled"
    page.context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_other_partys_presence_and_last_seen(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    token = client_link(settings, clean_db, chat_id)
    freelancer = sign_in(browser, base, SIZES[size], path=f"/?next=/chats/{chat_id}")
    freelancer.wait_for_url(f"{base}/chats/{chat_id}")
    expect(freelancer.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED",
                                                         timeout=10000)
    # Alone on the chat: the viewer's own connection is never the other's «متصل».
    freelancer.wait_for_timeout(800)
    expect(freelancer.locator("#peer-presence")).to_have_attribute("data-online", "false")
    expect(freelancer.locator(".chat-header")).not_to_contain_text("متصل الآن")

    client = browser.new_context(locale="ar-SA", viewport=SIZES["phone"]).new_page()
    client.goto(f"{base}/chat/{token}")
    expect(client.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED", timeout=10000)
    for page in (freelancer, client):
        presence = page.locator("#peer-presence")
        expect(presence).to_have_attribute("data-online", "true", timeout=10000)
        expect(presence).to_have_text("· متصل الآن")
    freelancer.screenshot(path=str(artifacts / f"chat-presence-online-{size}.png"))

    client.context.close()  # the client leaves: last seen, live
    presence = freelancer.locator("#peer-presence")
    expect(presence).to_have_attribute("data-online", "false", timeout=15000)
    expect(presence).to_contain_text("آخر ظهور")
    freelancer.screenshot(path=str(artifacts / f"chat-presence-last-seen-{size}.png"))
    freelancer.context.close()
