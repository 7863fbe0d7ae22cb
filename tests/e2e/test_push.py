"""Web Push in Debian's Chromium against the real local stack: محمد turns alerts on
from the dashboard (notifications permission granted, the service worker
subscribes with the server's VAPID key), closes the dashboard, a client's request
arrives, and the push service stand-in records the push the worker sent —
encrypted for that browser (its keys decrypt it), VAPID-signed — and the service
worker shows it. The dashboard is installable (manifest, icons, standalone)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from khadum.devstack.app import create_app
from khadum.seed.load import DEMO_PASSWORD, freelancer_id
from tests.browser import chromium
from tests.factories import MOHAMMED, make_request
from tests.live import serve
from tests.push.keys import keys_from_jwk

pytestmark = pytest.mark.browser
SHIM = (Path(__file__).with_name("push_shim.js")).read_text()


@pytest.fixture(scope="module")
def base(database_url: str) -> Iterator[str]:
    with serve(create_app(database_url, run_expiry=False)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def _context(browser: Browser, base: str, phone: bool) -> BrowserContext:
    size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
    context = browser.new_context(locale="ar-SA", viewport=size, permissions=["notifications"])
    context.add_init_script(SHIM)
    return context


def _wait_for_push(base: str, endpoint: str, timeout: float = 20.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = httpx.get(f"{base}/dev/push/messages", params={"endpoint": endpoint}).json()
        if got:
            return list(got)
        time.sleep(0.2)
    return []


@pytest.mark.parametrize("phone", [True, False], ids=["390x844", "1366x900"])
def test_a_closed_dashboard_still_hears_of_a_request(
        browser: Browser, base: str, clean_db: str, artifacts: Path, phone: bool) -> None:
    context = _context(browser, base, phone)
    page = context.new_page()
    page.goto(base + "/")
    page.fill("#email", f"{MOHAMMED}@demo.khadum.app")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#signin")
    toggle = page.locator("#push-toggle")
    expect(toggle).to_have_attribute("data-push", "off")
    expect(toggle).to_have_attribute(
        "title", "فعّل التنبيهات لتصلك الطلبات الجديدة حتى واللوحة مغلقة.")
    toggle.click()
    expect(toggle).to_have_attribute("data-push", "on")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#push-alert")).to_have_text("تم تفعيل التنبيهات على هذا الجهاز.")
    suffix = "phone" if phone else "desktop"
    page.screenshot(path=str(artifacts / f"dashboard-push-on-{suffix}.png"))
    saved = page.evaluate("JSON.parse(localStorage.getItem('test.push.subscription'))")
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.active.scriptURL)")
    assert scope == f"{base}/sw.js"
    with psycopg.connect(clean_db) as conn:
        stored = conn.execute("select freelancer_id, endpoint, p256dh from push_subscriptions"
                              ).fetchall()
    assert stored == [(freelancer_id(MOHAMMED), saved["endpoint"], saved["keys"]["p256dh"])]

    # English mode words the button in English.
    page.click("#lang-toggle")
    expect(toggle).to_contain_text("Alerts on")
    page.click("#lang-toggle")

    context.close()  # the dashboard is closed: no page, no socket
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)

    pushes = _wait_for_push(base, saved["endpoint"])
    assert len(pushes) == 1, "the worker did not push the new request"
    payload = keys_from_jwk(saved["jwk"], saved["keys"]["auth"]).decrypt(pushes[0]["body"])
    assert payload["title"].endswith("طلب جديد من عميل")
    assert "أحمد محمد" in payload["body"]
    assert payload["url"] == f"/#/requests/{request_id}"
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select status from push_outbox").fetchall() == [("sent",)]

    # The service worker shows what arrived (delivered as the browser would, by CDP).
    context = _context(browser, base, phone)
    page = context.new_page()
    page.goto(base + "/")
    page.evaluate(
        "navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready)")
    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 20
    while not registrations and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if not r.get("isDeleted")][:1]
    shown: list[dict[str, Any]] = []
    # Under load the worker may still be starting: delivered again until shown (the
    # tag keeps it one notification whatever the number of deliveries).
    for _ in range(4):
        cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": base, "registrationId": registration["registrationId"],
            "data": json.dumps(payload, ensure_ascii=False)})
        deadline = time.monotonic() + 5
        while not shown and time.monotonic() < deadline:
            shown = page.evaluate("""navigator.serviceWorker.ready
              .then(r => r.getNotifications())
              .then(list => list.map(n => (
                {title: n.title, body: n.body, tag: n.tag, url: n.data.url})))""")
            page.wait_for_timeout(100)
        if shown:
            break
    assert shown == [{"title": payload["title"], "body": payload["body"],
                      "tag": f"khadum-{request_id}", "url": f"/#/requests/{request_id}"}]
    context.close()


def test_the_dashboard_is_installable(base: str) -> None:
    page = httpx.get(f"{base}/").text
    # (relative: the build's base is './'; the dashboard lives at the root)
    assert '<link rel="manifest" href="./manifest.webmanifest"' in page
    assert '<link rel="apple-touch-icon" href="./icons/apple-touch-icon.png"' in page
    manifest = httpx.get(f"{base}/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = manifest.json()
    assert data["display"] == "standalone" and data["start_url"].startswith("/")
    assert data["lang"] == "ar" and data["dir"] == "rtl"
    sizes = {icon["sizes"]: icon for icon in data["icons"]}
    assert {"192x192", "512x512"} <= set(sizes)
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    for icon in [*data["icons"], {"src": "/icons/apple-touch-icon.png"}]:
        image = httpx.get(base + icon["src"])
        assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    worker = httpx.get(f"{base}/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript")
    assert "showNotification" in worker.text
    config = httpx.get(f"{base}/config.js").text
    assert '"vapidPublicKey": "B' in config  # an uncompressed P-256 point (0x04…) in base64url


def test_signing_out_forgets_this_browser(
        browser: Browser, base: str, clean_db: str) -> None:
    """A shared device: after محمد signs out, his requests no longer reach it."""
    context = _context(browser, base, phone=True)
    page = context.new_page()
    page.goto(base + "/")
    page.fill("#email", f"{MOHAMMED}@demo.khadum.app")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#signin")
    toggle = page.locator("#push-toggle")
    expect(toggle).to_have_attribute("data-push", "off")
    toggle.click()
    expect(toggle).to_have_attribute("data-push", "on")
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from push_subscriptions").fetchone() == (1,)

    page.click("#signout")
    expect(page.locator("#signin")).to_be_visible()
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from push_subscriptions").fetchone() == (0,)
        make_request(conn)
        assert conn.execute("select count(*) from push_outbox").fetchone() == (0,)
    assert page.evaluate("localStorage.getItem('test.push.subscription')") is None

    # Signing in again asks again: nothing was kept for the next person.
    page.fill("#email", f"{MOHAMMED}@demo.khadum.app")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#signin")
    expect(toggle).to_have_attribute("data-push", "off")
    context.close()
