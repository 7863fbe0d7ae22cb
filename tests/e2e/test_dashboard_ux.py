"""Issue 13 item 4 in Debian's Chromium, on a phone (390×844) and a desktop
(1366×900), Arabic and English: the header is one row on a phone, values are
direction-isolated, dates come from Intl in Riyadh time with «صباحًا», icons are
SVG (no emoji), a malformed request link says «not found», loading shows a
skeleton (before any script too), failures say so with a retry, a favicon, and
the first screen's JavaScript stays under 150 KB gzipped. A screenshot of each."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, Page, Route, expect

from khadum.devstack.app import create_app
from khadum.paths import WEB_DIST_DIR
from khadum.seed.load import DEMO_PASSWORD
from tests.browser import chromium
from tests.factories import MOHAMMED, NOURA, make_request
from tests.live import serve

pytestmark = pytest.mark.browser
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2705\u274C\u23F3\u23F0\u27A4]")
FIRST_SCREEN_BUDGET = 150 * 1024


@pytest.fixture(scope="module")
def base(database_url: str) -> Iterator[str]:
    with serve(create_app(database_url, run_expiry=False)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def open_page(browser: Browser, size: str, lang: str) -> Page:
    context = browser.new_context(locale="ar-SA", viewport=SIZES[size])
    if lang == "en":
        context.add_init_script("localStorage.setItem('khadum.lang', 'en')")
    return context.new_page()


def sign_in(page: Page, base: str, key: str = MOHAMMED) -> None:
    page.goto(base + "/")
    page.fill("#email", f"{key}@demo.khadum.app")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#signin")
    expect(page.locator("#notifications-page")).to_be_visible()


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_page_at_both_sizes(browser: Browser, base: str, clean_db: str, artifacts: Path,
                                  size: str, lang: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
    page = open_page(browser, size, lang)
    page.goto(base + "/")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("link[rel=icon]")).to_have_attribute("type", "image/svg+xml")
    icon_href = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon_href).ok  # the favicon is served
    page.screenshot(path=str(artifacts / f"dashboard-signin-{lang}-{size}.png"))
    sign_in(page, base)

    # The header: one row (a phone included), every control inside the screen.
    bar = page.locator("header.topbar").bounding_box()
    assert bar is not None and bar["height"] <= 64, bar
    width = SIZES[size]["width"]
    for control in ("#unread-badge >> xpath=..", "a[href='#/requests']", "a[href='#/chats']",
                    "#push-toggle", "#lang-toggle", "#signout"):
        box = page.locator(control).first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, control
        assert box["y"] + box["height"] <= bar["y"] + bar["height"] + 1, control
    expect(page.locator("header.topbar svg.icon")).to_have_count(6)  # with the push toggle
    notification = page.locator(f'.notification[data-request="{request_id}"]')
    expect(notification).to_be_visible()
    assert not EMOJI.search(notification.inner_text()), notification.inner_text()
    expect(notification.locator(".title svg.icon")).to_have_count(1)
    expect(notification.locator("time")).to_have_text(
        re.compile(r"^\d{1,2} [^\d\s]+ \d{4} - \d{1,2}:\d\d (صباحًا|مساءً|AM|PM)$"))
    shot = f"{lang}-{size}.png"
    page.screenshot(path=str(artifacts / f"dashboard-notifications-{shot}"), full_page=True)

    page.goto(f"{base}/#/requests")
    expect(page.locator("#request-list li.request")).to_have_count(1)
    expect(page.locator("#request-list .who bdi")).to_have_attribute("dir", "auto")
    page.screenshot(path=str(artifacts / f"dashboard-requests-{lang}-{size}.png"), full_page=True)

    page.goto(f"{base}/#/requests/{request_id}")
    card = page.locator("#request-card")
    expect(card).to_be_visible()
    expect(card.locator(".field dt svg.icon")).to_have_count(10)
    assert not EMOJI.search(card.inner_text()), card.inner_text()  # icons, not emoji
    for name in ("client_name", "description", "budget", "reason"):
        expect(card.locator(f"#field-{name} dd bdi").first).to_have_attribute("dir", "auto")
    expect(card.locator("#field-reason dd")).to_have_text(re.compile("^«.*»$"))
    when = card.locator("#field-datetime dd").inner_text()
    assert ("صباحًا" in when or "مساءً" in when) if lang == "ar" else ("AM" in when or "PM" in when)
    assert "صباحاً" not in when
    page.screenshot(path=str(artifacts / f"dashboard-request-card-{shot}"), full_page=True)

    page.goto(f"{base}/#/chats")
    expect(page.locator("#chat-list .empty")).to_be_visible()
    page.screenshot(path=str(artifacts / f"dashboard-chats-empty-{shot}"), full_page=True)

    # A malformed link: «not found», not «an error happened».
    page.goto(f"{base}/#/requests/not-a-uuid")
    expect(page.locator("#not-found")).to_be_visible()
    expect(page.locator("#not-found .error")).to_have_text(
        "الطلب غير موجود." if lang == "ar" else "No such request.")
    expect(page.locator("#request-page")).not_to_contain_text("حدث خطأ")
    page.screenshot(path=str(artifacts / f"dashboard-not-found-{lang}-{size}.png"))
    page.locator("#not-found a").click()
    expect(page.locator("#requests-page")).to_be_visible()


class Gate:
    """Holds matching requests until opened (a slow network, made on purpose)."""

    def __init__(self, page: Page, pattern: str) -> None:
        self.held: list[Route] = []
        self.open = False
        page.route(pattern, self._route)

    def _route(self, route: Route) -> None:
        if self.open:
            route.continue_()
        else:
            self.held.append(route)

    def release(self) -> None:
        self.open = True
        for route in self.held:
            route.continue_()
        self.held.clear()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_loading_error_and_empty_states(browser: Browser, base: str, clean_db: str,
                                        artifacts: Path, size: str) -> None:
    page = open_page(browser, size, "ar")
    # Before any script has run: the page's own skeleton, not a blank screen.
    scripts = Gate(page, "**/assets/*.js")
    page.goto(base + "/", wait_until="commit")
    expect(page.locator("#boot-skeleton")).to_be_visible()
    page.screenshot(path=str(artifacts / f"dashboard-first-paint-{size}.png"))
    scripts.release()
    expect(page.locator("#signin")).to_be_visible()
    sign_in(page, base, NOURA)
    expect(page.locator("#notification-list .empty")).to_be_visible()
    page.screenshot(path=str(artifacts / f"dashboard-notifications-empty-{size}.png"))

    # A list still loading: grey rows where the items will be.
    slow = Gate(page, "**/dashboard_api/requests?*")
    page.goto(f"{base}/#/requests")
    expect(page.locator("#request-list .skeleton").first).to_be_visible()
    page.screenshot(path=str(artifacts / f"dashboard-loading-{size}.png"))
    slow.release()
    expect(page.locator("#request-list .empty")).to_be_visible()

    # A failed load says so and offers a retry that works.
    page.unroute("**/dashboard_api/requests?*")
    page.route("**/dashboard_api/requests?*", lambda route: route.abort())
    page.reload()
    error = page.locator("#request-list .error")
    expect(error).to_contain_text("تعذّر التحميل")
    page.screenshot(path=str(artifacts / f"dashboard-error-{size}.png"))
    page.unroute("**/dashboard_api/requests?*")
    error.locator("button").click()
    expect(page.locator("#request-list .empty")).to_be_visible()


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.files: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("type") == "module" and a.get("src"):
            self.files.append(str(a["src"]))
        if tag == "link" and a.get("rel") == "modulepreload" and a.get("href"):
            self.files.append(str(a["href"]))


def test_the_first_screen_javascript_fits_the_budget() -> None:
    """What index.html loads before the first screen (its module and the chunks it
    preloads), gzipped, as the build prints it: at most 150 KB."""
    sizes: dict[str, int] = {}
    for page in ("index.html", "chat.html", "admin.html"):
        parser = _Scripts()
        parser.feed((WEB_DIST_DIR / page).read_text())
        assert parser.files, page
        total = 0
        for src in parser.files:
            data = (WEB_DIST_DIR / src.lstrip("./").removeprefix("/")).read_bytes()
            total += len(gzip.compress(data, 9))
        sizes[page] = total
    print(json.dumps({"first_screen_js_gzip_bytes": sizes, "budget": FIRST_SCREEN_BUDGET}))
    assert sizes["index.html"] <= FIRST_SCREEN_BUDGET
    assert sizes["chat.html"] <= FIRST_SCREEN_BUDGET
