"""The private chat in Debian's Chromium: the client opens it from the email in
the mailbox, the freelancer from the dashboard; they chat live both ways, send an
image and a file, see ticks change and typing, then complete and rate."""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, Page, expect

from khadum.auth import mint_freelancer_token
from khadum.chat.freetext import COMMENT
from khadum.devstack.app import create_app
from khadum.seed.load import DEMO_PASSWORD, user_id
from khadum.settings import Settings
from tests.browser import chromium
from tests.factories import MOHAMMED, keys, make_request
from tests.live import free_port, serve

pytestmark = pytest.mark.browser


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG image (a filled rectangle), made here rather than shipped."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def stack(clean_db: str, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(public_base_url=base, supabase_url=base,
                        resend_api_url=f"{base}/dev/resend",
                        chat_storage_dir=str(tmp_path / "storage"))
    app = create_app(clean_db, settings=settings, run_expiry=False, run_workers=True)
    with serve(app, port=port):
        yield base, settings


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def accept_a_request(base: str, settings: Settings, url: str) -> str:
    with psycopg.connect(url) as conn:
        request_id = make_request(conn, MOHAMMED, phone="+966501234567")
    token = mint_freelancer_token(settings, user_id(MOHAMMED), f"{MOHAMMED}@demo.khadum.app")
    res = httpx.post(f"{base}/functions/v1/respond_request", timeout=10,
                     json={"request_id": str(request_id), "action": "accept"},
                     headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200, res.text
    return str(res.json()["chat_id"])


def open_from_mailbox(browser: Browser, base: str) -> Page:
    page = browser.new_context(locale="ar-SA", viewport={"width": 420, "height": 860}).new_page()
    email = page.locator("article.email", has=page.locator("dd.to", has_text="ahmed@example.com"))
    for _ in range(40):
        page.goto(f"{base}/dev/mailbox")
        if email.count():
            break
        page.wait_for_timeout(250)
    link = email.first.frame_locator("iframe.html-part").locator("a[href*='/chat/']").first
    link.click()
    page.wait_for_url(re.compile(r"/chat/[A-Za-z0-9_-]{40,}$"))
    return page


def freelancer_page(browser: Browser, base: str, chat_id: str) -> Page:
    page = browser.new_context(locale="ar-SA", viewport={"width": 900, "height": 860}).new_page()
    page.goto(base + "/")
    page.fill("#email", f"{MOHAMMED}@demo.khadum.app")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#signin")
    expect(page.locator("#notifications-page")).to_be_visible()
    page.goto(f"{base}/chats/{chat_id}")
    return page


def send(page: Page, text: str) -> None:
    page.fill("#text", text)
    page.click("#send")


def test_client_and_freelancer_chat_live(browser: Browser, stack: tuple[str, Settings],
                                         clean_db: str, artifacts: Path, tmp_path: Path) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    client = open_from_mailbox(browser, base)
    freelancer = freelancer_page(browser, base, chat_id)
    # Each one's own connection is never shown as the other's (#presence is the
    # viewer's own, said only when lost); the other's «متصل الآن» comes from
    # Realtime Presence, here both are open (alone: tests/e2e/test_chat_alerts_ux.py).
    for page in (client, freelancer):
        expect(page.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED", timeout=10000)
        expect(page.locator("#presence")).to_be_hidden()
        expect(page.locator("#peer-presence")).to_have_attribute("data-online", "true",
                                                                 timeout=10000)
    expect(client.locator("#peer-name")).to_have_text("محمد الغامدي")
    expect(freelancer.locator("#peer-name")).to_have_text("أحمد محمد")
    expect(client.locator("html")).to_have_attribute("dir", "rtl")

    # live both ways, no reload
    send(client, "السلام عليكم، متى تقدر تبدأ؟")
    expect(freelancer.locator(".bubble.theirs .text")).to_have_text("السلام عليكم، متى تقدر تبدأ؟")
    mine = client.locator(".bubble.mine").last
    expect(mine.locator(".tick")).to_have_attribute("data-tick", "read")  # freelancer has it open
    freelancer.fill("#text", "وعليكم")
    expect(client.locator("#typing")).to_be_visible()
    freelancer.fill("#text", "")
    send(freelancer, "وعليكم السلام، أبدأ غدًا بإذن الله")
    expect(client.locator(".bubble.theirs .text").last).to_have_text(
        "وعليكم السلام، أبدأ غدًا بإذن الله")

    # contact details are masked for both, with a note
    send(client, "هذا رقمي 0551234567 كلمني واتساب")
    expect(freelancer.locator(".system").last).to_contain_text("خدوم")
    expect(freelancer.locator(".bubble.theirs .text").last).not_to_contain_text("0551234567")

    # an image one way, a file the other
    image = tmp_path / "شعار.png"
    image.write_bytes(png(160, 90, (15, 122, 92)))
    client.set_input_files("#file", str(image))
    picture = freelancer.locator(".bubble.theirs[data-type=image] img")
    expect(picture).to_have_count(1)
    freelancer.wait_for_function(
        "() => document.querySelector('.bubble.theirs img').naturalWidth === 160")
    brief = tmp_path / "brief.pdf"
    brief.write_bytes(PDF)
    freelancer.set_input_files("#file", str(brief))
    attachment = client.locator(".bubble.theirs[data-type=file] a.file")
    expect(attachment).to_contain_text("brief.pdf")
    href = attachment.get_attribute("href")
    assert href and httpx.get(href, timeout=10).content == PDF
    client.screenshot(path=str(artifacts / "chat-client.png"), full_page=True)
    freelancer.screenshot(path=str(artifacts / "chat-freelancer.png"), full_page=True)

    # delivered, confirmed, rated
    freelancer.click("#deliver")  # two taps: the button, then «yes»
    expect(freelancer.locator("#deliver-question")).to_be_visible()
    freelancer.click("#deliver-confirm")
    client.click("#complete")
    expect(client.locator("#complete-question")).to_be_visible()
    client.click("#complete-confirm")
    expect(client.locator("#chat-status")).to_have_text("مكتملة")
    expect(freelancer.locator("#chat-status")).to_have_text("مكتملة")
    expect(freelancer.locator("#closed")).to_be_visible()
    client.click("#rating .star[data-value='5']")
    expect(client.locator("#rating .star.on")).to_have_count(5)
    client.fill("#rating input[name=comment]", "عمل ممتاز وسريع")
    client.click("#rating button[type=submit]")
    expect(client.locator("#rated")).to_contain_text("5/5")
    with psycopg.connect(clean_db) as conn:
        rating = conn.execute("select rating, comment from chat_ratings where chat_id = %s",
                              (chat_id,)).fetchone()
    # Stored sealed (issue 16); it opens to what the client typed.
    assert rating is not None and rating[0] == 5
    assert keys().decrypt(rating[1], COMMENT) == "عمل ممتاز وسريع"


def test_bad_links_get_a_clear_page(browser: Browser, stack: tuple[str, Settings]) -> None:
    base, _ = stack
    page = browser.new_page(locale="ar-SA")
    page.goto(f"{base}/chat/{'x' * 43}")
    expect(page.locator(".chat-error")).to_have_attribute("data-code", "unknown_link")
    expect(page.locator(".chat-error")).to_contain_text("رابط المحادثة غير صالح")
