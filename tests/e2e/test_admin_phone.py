"""Issue 13: the operator console fits a 390 px phone — no page scrolls sideways
(wide tables scroll inside their own frame), Arabic and English; a desktop for
comparison. A screenshot of each."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_admin_console import STAFF, _history, base, browser, sign_in, staff  # noqa: F401

pytestmark = pytest.mark.browser

# Elements wider than the screen, to name them when the page overflows.
OFFENDERS = """() => [...document.querySelectorAll('body *')]
  .filter((el) => { const r = el.getBoundingClientRect();
    return r.width && (r.right > innerWidth + 1 || r.left < -1)
      && !el.closest('.table-wrap') })
  .slice(0, 8).map((el) => { const r = el.getBoundingClientRect();
    return `${el.tagName}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}` })"""


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [390, 1366])
def test_no_console_page_scrolls_sideways(browser: Browser, base: str, staff: str,  # noqa: F811
                                          artifacts: Path, width: int, lang: str) -> None:
    with psycopg.connect(staff) as conn:
        _history(conn)
    page = sign_in(browser, base, STAFF, width=width)
    expect(page.locator("#overview-page")).to_have_attribute("data-loaded", "true")
    if lang == "en":
        page.click("#lang-toggle")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
    for name, hash_, ready in (("overview", "#/", "#overview-page[data-loaded=true]"),
                               ("activity", "#/activity", "#activity-page"),
                               ("review", "#/review", "#review-page")):
        page.goto(f"{base}/admin{hash_}")
        page.wait_for_selector(ready)
        page.wait_for_timeout(400)  # charts and lists settle
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, (name, wide, page.evaluate(OFFENDERS))
        page.screenshot(path=str(artifacts / f"admin-{name}-{lang}-{width}.png"), full_page=True)
    page.context.close()
