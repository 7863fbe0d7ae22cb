"""Issue 13 items 1 and 2 in Debian's Chromium, on a phone (390×844) and a desktop
(1366×900): with the Realtime socket cut (Playwright routes the page's WebSocket
and closes it, and refuses new ones while the gap lasts), a «reconnecting» banner
shows; a request, a client's answer, an acceptance and chat messages made during
the gap all appear after the reconnect, each once. With the socket up, the
request card follows the thread, the emails' delivery, the status and the title
live (no reload)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from khadum.auth import mint_freelancer_token
from khadum.seed.load import DEMO_PASSWORD, user_id
from khadum.settings import Settings
from tests.e2e.test_chat_page import accept_a_request, browser, stack  # noqa: F401
from tests.e2e.test_chat_ux import client_link
from tests.factories import MOHAMMED, answer_details, make_request

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
REALTIME = re.compile(r"/realtime/v1/websocket")


class SocketCut:
    """Every Realtime socket of a browser context goes through here: passed to the
    server while up; `cut()` closes the open ones and refuses new ones until
    `restore()` (the page's own client then reconnects with its backoff)."""

    def __init__(self, context: BrowserContext) -> None:
        self.up = True
        self.open: list[tuple[WebSocketRoute, WebSocketRoute]] = []
        context.route_web_socket(REALTIME, self._route)

    def _route(self, ws: WebSocketRoute) -> None:
        if not self.up:
            ws.close(code=1011, reason="cut by the test")
            return
        self.open.append((ws, ws.connect_to_server()))

    def cut(self) -> None:
        self.up = False
        for page_side, server_side in self.open:
            server_side.close()
            page_side.close(code=1011, reason="cut by the test")
        self.open.clear()

    def restore(self) -> None:
        self.up = True


def token(settings: Settings) -> dict[str, str]:
    jwt = mint_freelancer_token(settings, user_id(MOHAMMED), f"{MOHAMMED}@demo.khadum.app")
    return {"Authorization": f"Bearer {jwt}"}


def signed_in(context: BrowserContext, base: str, path: str) -> Page:
    """A page of the context on `path`, signing in first if the context is not yet."""
    page = context.new_page()
    page.goto(base + "/")
    page.wait_for_selector("#email, #notifications-page")
    if page.locator("#email").count():
        page.fill("#email", f"{MOHAMMED}@demo.khadum.app")
        page.fill("#password", DEMO_PASSWORD)
        page.click("#signin")
        expect(page.locator("#notifications-page")).to_be_visible()
    page.goto(base + path)
    expect(page.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED", timeout=10000)
    page.evaluate("window.__notReloaded = true")
    return page


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_what_happens_while_the_dashboard_is_cut_appears_after_the_reconnect(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    with psycopg.connect(clean_db) as conn:
        first = make_request(conn, phone="+966500000011", name="سعد")
    context = browser.new_context(locale="ar-SA", viewport=SIZES[size])
    cut = SocketCut(context)
    card = signed_in(context, base, f"/#/requests/{first}")
    expect(card.locator("#card-title")).to_have_text("طلب جديد من عميل")
    bell = signed_in(context, base, "/#/notifications")
    expect(bell.locator("li.notification")).to_have_count(1)

    cut.cut()
    for page in (card, bell):
        expect(page.locator("#reconnecting")).to_be_visible(timeout=10000)
        expect(page.locator("#reconnecting")).to_contain_text("جارٍ إعادة الاتصال")
    bell.screenshot(path=str(artifacts / f"live-reconnecting-{size}.png"))

    # The gap: a new request, the client's answer, and the acceptance.
    with psycopg.connect(clean_db) as conn:
        second = make_request(conn, phone="+966500000012", name="منيرة")
        answer_details(conn, first, "+966500000011", "التسليم خلال أسبوع")
    accepted = httpx.post(f"{base}/functions/v1/respond_request", headers=token(settings),
                          json={"request_id": str(first), "action": "accept"}, timeout=10)
    assert accepted.status_code == 200, accepted.text
    card.wait_for_timeout(1500)  # nothing can arrive while cut
    expect(card.locator("#thread")).not_to_contain_text("التسليم خلال أسبوع")

    cut.restore()
    for page in (card, bell):
        expect(page.locator("#reconnecting")).to_be_hidden(timeout=20000)
        expect(page.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED")
    expect(card.locator("#thread li", has_text="التسليم خلال أسبوع")).to_have_count(1)
    expect(card.locator("#card-title")).to_have_text("طلب مقبول")
    expect(card.locator("#request-status")).to_have_text("مقبولة")
    expect(card.locator("#chat-link")).to_be_visible()
    # Each notification once: the new request, the answer, and the one from before.
    expect(bell.locator(f'li.notification[data-request="{second}"]')).to_have_count(1)
    expect(bell.locator(f'li.notification[data-request="{first}"]')).to_have_count(2)
    expect(bell.locator("li.notification")).to_have_count(3)
    expect(bell.locator("#unread-badge")).to_have_text("3")
    for page in (card, bell):
        assert page.evaluate("window.__notReloaded === true")  # merged, not reloaded
    card.screenshot(path=str(artifacts / f"live-caught-up-card-{size}.png"), full_page=True)
    bell.screenshot(path=str(artifacts / f"live-caught-up-notifications-{size}.png"))
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_chat_messages_sent_during_the_gap_appear_once_after_the_reconnect(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    chat_id = accept_a_request(base, settings, clean_db)
    link = client_link(settings, clean_db, chat_id)
    context = browser.new_context(locale="ar-SA", viewport=SIZES[size])
    cut = SocketCut(context)
    client = context.new_page()
    client.goto(f"{base}/chat/{link}")
    expect(client.locator("body")).to_have_attribute("data-realtime", "SUBSCRIBED", timeout=10000)
    api = f"{base}/functions/v1/chat/{chat_id}/messages"
    before = httpx.post(api, json={"text": "قبل الانقطاع"}, headers=token(settings), timeout=10)
    assert before.status_code == 201
    expect(client.locator(".bubble.theirs")).to_have_count(1)

    cut.cut()
    expect(client.locator("#reconnecting")).to_be_visible(timeout=10000)
    for i in range(1, 4):
        sent = httpx.post(api, json={"text": f"أثناء الانقطاع {i}"}, headers=token(settings),
                          timeout=10)
        assert sent.status_code == 201
    client.screenshot(path=str(artifacts / f"chat-reconnecting-{size}.png"))
    expect(client.locator(".bubble.theirs")).to_have_count(1)

    cut.restore()
    expect(client.locator("#reconnecting")).to_be_hidden(timeout=20000)
    expect(client.locator(".bubble.theirs")).to_have_count(4)
    texts = client.locator(".bubble.theirs .text").all_inner_texts()
    assert texts == ["قبل الانقطاع", "أثناء الانقطاع 1", "أثناء الانقطاع 2", "أثناء الانقطاع 3"]
    # Live again: the next message arrives without any catch-up, once.
    httpx.post(api, json={"text": "بعد العودة"}, headers=token(settings), timeout=10)
    expect(client.locator(".bubble.theirs")).to_have_count(5)
    client.screenshot(path=str(artifacts / f"chat-caught-up-{size}.png"))
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_card_follows_thread_emails_status_and_title_live(
        browser: Browser, stack: tuple[str, Settings], clean_db: str,  # noqa: F811
        artifacts: Path, size: str) -> None:
    base, settings = stack
    with psycopg.connect(clean_db) as conn:
        asked = make_request(conn, phone="+966500000021")
        rejected = make_request(conn, phone="+966500000022")
        expiring = make_request(conn, phone="+966500000023")
    context = browser.new_context(locale="ar-SA", viewport=SIZES[size])
    page = signed_in(context, base, f"/#/requests/{asked}")
    page.click("#ask")
    page.fill("#ask-form-text", "متى تحتاج التسليم؟")
    page.click("#ask-form-submit")
    expect(page.locator("#thread li", has_text="متى تحتاج التسليم؟")).to_have_count(1)
    # The client answers on WhatsApp (as the bot stores it, sealed): the thread follows.
    with psycopg.connect(clean_db) as conn:
        answer_details(conn, asked, "+966500000021", "خلال عشرة أيام")
    expect(page.locator("#thread li", has_text="خلال عشرة أيام")).to_have_count(1, timeout=10000)
    # Accepted elsewhere (another tab): title, status and the emails follow, and the
    # emails' delivery (the worker sends, the Resend stand-in reports delivered).
    res = httpx.post(f"{base}/functions/v1/respond_request", headers=token(settings),
                     json={"request_id": str(asked), "action": "accept"}, timeout=10)
    assert res.status_code == 200, res.text
    expect(page.locator("#card-title")).to_have_text("طلب مقبول", timeout=10000)
    expect(page.locator("#request-status")).to_have_text("مقبولة")
    expect(page.locator("#emails li.email")).to_have_count(2, timeout=10000)
    expect(page.locator("#emails li.email.delivered")).to_have_count(2, timeout=20000)
    page.screenshot(path=str(artifacts / f"live-card-accepted-{size}.png"), full_page=True)

    page.goto(f"{base}/#/requests/{rejected}")
    expect(page.locator("#card-title")).to_have_text("طلب جديد من عميل")
    httpx.post(f"{base}/functions/v1/respond_request", headers=token(settings),
               json={"request_id": str(rejected), "action": "reject"}, timeout=10)
    expect(page.locator("#card-title")).to_have_text("طلب مرفوض", timeout=10000)

    page.goto(f"{base}/#/requests/{expiring}")
    expect(page.locator("#card-title")).to_have_text("طلب جديد من عميل")
    with psycopg.connect(clean_db) as conn:
        conn.execute("update client_requests set expires_at = now() - interval '1 second' "
                     "where id = %s", (expiring,))
        conn.execute("select public.expire_requests()")
    expect(page.locator("#card-title")).to_have_text("طلب انتهت مهلته", timeout=10000)
    expect(page.locator("#request-status")).to_have_text("منتهية")
    assert page.evaluate("window.__notReloaded === true")
    page.screenshot(path=str(artifacts / f"live-card-expired-{size}.png"), full_page=True)
    context.close()
