"""Issue 13 (front end) in Debian's Chromium, on a phone (390×844) and a desktop
(1366×900): the chat opens at the newest message even after an image loads, a
«new messages» pill when scrolled up, two-step deliver and complete, tappable
stars, a read-only history with a banner after a cancel, the list beside the
conversation on a desktop, the request panel folded on a phone, and a signed-out
/chats/{id} link that goes through sign-in and comes back."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from khadum.requests.links import client_chat_token
from khadum.seed.load import DEMO_PASSWORD
from khadum.settings import Settings
from tests.e2e.test_chat_page import accept_a_request, browser, png, stack  # noqa: F401
from tests.factories import MOHAMMED, send_message

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def client_link(settings: Settings, url: str, chat_id: str) -> str:
    """Give the chat a link whose token we know (only the hash is stored)."""
    token = client_chat_token(settings, uuid.UUID(chat_id))
    with psycopg.connect(url) as conn:
        conn.execute("update private_chats set chat_url_token = %s where id = %s",
                     (token, chat_id))
    return token


def client_api(base: str, token: str) -> tuple[httpx.Client, str]:
    res = httpx.post(f"{base}/functions/v1/chat/session", json={"token": token}, timeout=10)
    assert res.status_code == 200, res.text
    session = res.json()
    client = httpx.Client(base_url=f"{base}/functions/v1/chat/{session['chat_id']}", timeout=10,
                          headers={"Authorization": f"Bearer {session['access_token']}"})
    return client, session["chat_id"]


def history(url: str, chat_id: str, n: int) -> None:
    """A long conversation, as the two parties would have written it over the last
    hours (moved back in time as it goes: the chat's rate limit counts recent ones)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for i in range(n):
            side = "client" if i % 2 == 0 else "freelancer"
            send_message(conn, chat_id, side, f"رسالة رقم {i + 1} في سجل طويل")
            conn.execute("update chat_messages set created_at = created_at - interval '2 minutes' "
                         "where chat_id = %s", (chat_id,))


def sign_in(browser: Browser, base: str, viewport: dict[str, int],  # noqa: F811
            lang: str = "ar", path: str = "/") -> Page:
    context = browser.new_context(locale="ar-SA", viewport=viewport)
    if lang == "en":
        context.add_init_script("localStorage.setItem('khadum.lang', 'en')")
    page = context.new_page()
    page.goto(base + path)
    page.fill("#email", f"{MOHAMMED}@demo.khadum.app")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#signin")
    return page


def at_bottom(page: Page) -> bool:
    return bool(page.evaluate(
        "() => { const l = document.getElementById('messages');"
        " return l.scrollHeight - l.scrollTop - l.clientHeight < 4 }"))


def wait_at_bottom(page: Page) -> None:
    page.wait_for_function(
        "() => { const l = document.getElementById('messages');"
        " return l && l.scrollHeight > l.clientHeight"
        " && l.scrollHeight - l.scrollTop - l.clientHeight < 4 }", timeout=10000)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_opens_at_the_newest_even_after_an_image_and_shows_a_pill(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    history(clean_db, chat_id, 40)
    api, _ = client_api(base, client_link(settings, clean_db, chat_id))
    image = ("شعار.png", png(600, 900, (15, 122, 92)), "image/png")
    res = api.post("/attachments", files={"file": image}, data={"caption": ""})
    assert res.status_code == 201, res.text

    page = sign_in(browser, base, SIZES[size], path=f"/?next=/chats/{chat_id}")
    expect(page.locator("#peer-name")).to_have_text("أحمد محمد")
    expect(page.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED", timeout=10000)
    page.wait_for_function(
        "() => { const i = document.querySelector('.bubble img');"
        " return i && i.complete && i.naturalWidth === 600 }")
    wait_at_bottom(page)
    image = page.locator(".bubble[data-type=image]").last
    expect(image).to_be_in_viewport()
    page.screenshot(path=str(artifacts / f"chat-newest-{size}.png"))

    # Scrolled up to read: a new message does not move the page, a pill says so.
    page.evaluate("document.getElementById('messages').scrollTop = 0")
    page.wait_for_timeout(200)
    assert not at_bottom(page)
    assert api.post("/messages", json={"text": "وصلت رسالة جديدة الآن"}).status_code == 201
    pill = page.locator("#new-pill")
    expect(pill).to_be_visible()
    expect(pill).to_contain_text("(1)")
    assert not at_bottom(page)
    page.screenshot(path=str(artifacts / f"chat-new-pill-{size}.png"))
    pill.click()
    expect(pill).to_be_hidden()
    wait_at_bottom(page)
    expect(page.locator(".bubble.theirs .text").last).to_have_text("وصلت رسالة جديدة الآن")

    # At the bottom, the next one just appears (no pill).
    assert api.post("/messages", json={"text": "وأخرى"}).status_code == 201
    expect(page.locator(".bubble.theirs .text").last).to_have_text("وأخرى")
    wait_at_bottom(page)
    expect(pill).to_be_hidden()


def settled_box(locator: Locator, timeout: float = 5.0) -> Any:
    """The element's box once it stays attached: the chat header is redrawn live, so a
    read between its removal and its new copy finds no box (None)."""
    deadline = time.monotonic() + timeout
    while True:
        box = locator.bounding_box()
        if box is not None or time.monotonic() > deadline:
            return box
        time.sleep(0.05)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_layout_header_panel_list_and_way_back(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    page = sign_in(browser, base, SIZES[size], path=f"/?next=/chats/{chat_id}")
    expect(page.locator("#peer-name")).to_have_text("أحمد محمد")
    panel = page.locator("#request-panel")
    expect(page.locator(".chat-header .bar")).to_be_visible()  # drawn (it is redrawn live)
    header = settled_box(page.locator(".chat-header .bar"))
    assert header is not None and header["height"] <= 64  # one row
    for control in ("#send", "#attach", "#text"):
        box = page.locator(control).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"]
    expect(page.locator("#send svg.icon-send")).to_have_count(1)  # an SVG icon, not ➤
    expect(page.locator("#attach svg.icon-paperclip")).to_have_count(1)  # not 📎
    if size == "phone":
        assert panel.get_attribute("open") is None  # folded: the messages get the screen
        expect(page.locator("#chat-list-pane")).to_be_hidden()
    else:
        assert panel.get_attribute("open") is not None
        pane = page.locator("#chat-list-pane")
        expect(pane).to_be_visible()
        current = pane.locator(f'a[href="/chats/{chat_id}"]')
        expect(current).to_have_attribute("aria-current", "page")
        expect(pane).to_contain_text("أحمد محمد")
    page.screenshot(path=str(artifacts / f"chat-freelancer-{size}.png"))
    page.click("#lang-toggle")  # English, left to right, the same layout
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#chat-status")).to_have_text("Active")
    expect(page.locator("#peer-name")).to_have_attribute("dir", "auto")
    page.screenshot(path=str(artifacts / f"chat-freelancer-en-{size}.png"))
    page.click("#lang-toggle")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    back = page.locator("#back")
    expect(back).to_be_visible()
    back.click()
    expect(page.locator("#chats-page")).to_be_visible()
    expect(page.locator(f'#chat-list a[href="/chats/{chat_id}"]')).to_be_visible()


def test_signed_out_chat_link_goes_through_sign_in_and_back(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    page = browser.new_context(locale="ar-SA", viewport=PHONE).new_page()
    page.goto(f"{base}/chats/{chat_id}")
    page.wait_for_url(f"{base}/?next=%2Fchats%2F{chat_id}")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-error")).to_contain_text("لفتح المحادثة")
    page.screenshot(path=str(artifacts / "chat-signed-out-phone.png"))
    page.fill("#email", f"{MOHAMMED}@demo.khadum.app")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#signin")
    page.wait_for_url(f"{base}/chats/{chat_id}")
    expect(page.locator("#peer-name")).to_have_text("أحمد محمد")
    # Only a chat path is followed: anything else stays on the dashboard.
    page.goto(f"{base}/?next=https://evil.example/")
    expect(page.locator("#notifications-page")).to_be_visible()
    assert page.url.startswith(base)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_deliver_and_complete_take_a_confirmation_and_stars_are_tappable(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    token = client_link(settings, clean_db, chat_id)
    freelancer = sign_in(browser, base, SIZES[size], path=f"/?next=/chats/{chat_id}")
    client = browser.new_context(locale="ar-SA", viewport=SIZES[size]).new_page()
    client.goto(f"{base}/chat/{token}")
    expect(client.locator("#peer-name")).to_have_text("محمد الغامدي")
    expect(client.locator("#complete")).to_have_count(0)

    def delivered() -> object:
        with psycopg.connect(clean_db) as conn:
            row = conn.execute("select delivered_at, status from private_chats where id = %s",
                               (chat_id,)).fetchone()
        assert row is not None
        return row

    freelancer.click("#deliver")
    expect(freelancer.locator("#deliver-question")).to_be_visible()
    api, _ = client_api(base, token)  # a message arriving does not close the question
    assert api.post("/messages", json={"text": "هل انتهيت؟"}).status_code == 201
    expect(freelancer.locator(".bubble.theirs .text").last).to_have_text("هل انتهيت؟")
    expect(freelancer.locator("#deliver-question")).to_be_visible()
    freelancer.screenshot(path=str(artifacts / f"chat-confirm-deliver-{size}.png"))
    freelancer.click("#deliver-cancel")  # «not yet»: nothing happened
    expect(freelancer.locator("#deliver")).to_be_visible()
    assert delivered() == (None, "active")
    freelancer.click("#deliver")
    freelancer.click("#deliver-confirm")
    expect(freelancer.locator("#actions .hint")).to_contain_text("بانتظار تأكيد العميل")
    expect(freelancer.locator("#deliver")).to_have_count(0)
    assert delivered()[0] is not None  # type: ignore[index]

    complete = client.locator("#complete")
    expect(complete).to_be_visible()
    complete.click()
    expect(client.locator("#complete-question")).to_be_visible()
    assert delivered()[1] == "active"  # type: ignore[index]
    client.click("#complete-confirm")
    expect(client.locator("#chat-status")).to_have_text("مكتملة")

    stars = client.locator("#rating .star")
    expect(stars).to_have_count(5)
    expect(stars.first).to_be_visible()
    client.wait_for_timeout(300)  # the page settles (a refetch redraws the actions)
    box = stars.first.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44  # a finger fits
    client.click("#rating button[type=submit]")  # no stars yet: refused in the page
    expect(client.locator("#notice")).to_contain_text("النجوم")
    stars.nth(3).click()
    expect(client.locator("#rating .star.on")).to_have_count(4)
    expect(stars.nth(3)).to_have_attribute("aria-checked", "true")
    client.screenshot(path=str(artifacts / f"chat-stars-{size}.png"))
    client.fill("#rating input[name=comment]", "جيد")
    client.click("#rating button[type=submit]")
    expect(client.locator("#rated")).to_contain_text("4/5")
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select rating from chat_ratings where chat_id = %s",
                            (chat_id,)).fetchone() == (4,)


def test_a_cancelled_chat_keeps_its_history_read_only_with_a_banner(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    history(clean_db, chat_id, 6)
    token = client_link(settings, clean_db, chat_id)
    client = browser.new_context(locale="ar-SA", viewport=PHONE).new_page()
    client.goto(f"{base}/chat/{token}")
    expect(client.locator(".bubble")).to_have_count(6)
    expect(client.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED", timeout=10000)
    freelancer = sign_in(browser, base, DESKTOP, path=f"/?next=/chats/{chat_id}")
    freelancer.click("#cancel summary")
    freelancer.fill("#cancel input[name=reason]", "العميل طلب الإلغاء")
    freelancer.click("#cancel button[type=submit]")
    for page in (freelancer, client):
        banner = page.locator("#cancelled-banner")
        expect(banner).to_be_visible()
        expect(banner).to_contain_text("للقراءة فقط")
        expect(banner).to_contain_text("«العميل طلب الإلغاء»")
        expect(page.locator(".bubble")).to_have_count(6)  # the history stays
        expect(page.locator("#composer")).to_have_count(0)
        expect(page.locator("#closed")).to_be_visible()
    client.screenshot(path=str(artifacts / "chat-cancelled-client-phone.png"))
    freelancer.screenshot(path=str(artifacts / "chat-cancelled-freelancer-desktop.png"))
    freelancer.reload()  # and after a reload too
    expect(freelancer.locator("#cancelled-banner")).to_be_visible()
    expect(freelancer.locator(".bubble")).to_have_count(6)
