"""The start page in Debian's Chromium: Arabic, right to left, with the demo sign-ins."""

from __future__ import annotations

from pathlib import Path

import pytest

from khadum.devstack.app import create_app
from khadum.seed.load import DEMO_PASSWORD
from tests.browser import chromium
from tests.live import serve

pytestmark = pytest.mark.browser


def test_start_page_shows_what_runs_and_the_demo_sign_ins(
    database_url: str, artifacts: Path
) -> None:
    with serve(create_app(database_url, run_expiry=False)) as base, chromium() as browser:
        page = browser.new_page(locale="ar-SA")
        page.goto(base + "/dev")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert "خدوم" in page.title()
        assert page.locator("#demo-password").inner_text() == DEMO_PASSWORD
        assert int(page.locator("#freelancer-count").inner_text()) >= 64
        assert page.locator("tr.signin").count() == 12
        assert page.get_by_text("mohammed-alghamdi@demo.khadum.app").is_visible()
        page.screenshot(path=str(artifacts / "start-page.png"), full_page=True)
        page.get_by_role("link", name="عرض الجميع").click()
        page.wait_for_url("**/dev?all=1")
        assert page.locator("tr.signin").count() >= 64
