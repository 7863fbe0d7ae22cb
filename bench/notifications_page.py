"""The notifications page with 1,000 requests: the data API's timings over HTTP and
the page in Chromium from a reload to the first 50 notifications drawn, beside the
floor (a static file of 50 items, reloaded the same way). Prints JSON.

    .venv/bin/python -m bench.notifications_page [--rounds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import httpx
import psycopg
from playwright.sync_api import Page, sync_playwright

from bench._stack import database, percentile, server
from bench.common import sealed_requests
from khadum.auth import mint_freelancer_token
from khadum.devstack.app import served_from
from khadum.seed.load import DEMO_PASSWORD, freelancer_id, user_id
from khadum.settings import get_settings

KEY = "mohammed-alghamdi"
CHROMIUM = "/usr/bin/chromium"


def fill(url: str, count: int) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            """
            insert into client_requests (client_whatsapp_phone, client_phone_sealed,
              client_phone_index, client_name, freelancer_id, service_description,
              service_category, budget_range, created_at, expires_at)
            select s.display, s.phone, s.idx, 'عميل ' || s.g, %(f)s, s.description,
                   'marketing_ads', (100 + s.g) || ' ريال',
                   now() - make_interval(mins => s.g::int),
                   now() - make_interval(mins => s.g::int) + interval '24 hours'
            from unnest(%(displays)s::text[], %(sealed_phones)s::text[], %(indexes)s::text[],
                        %(descriptions)s::text[]) with ordinality
                 as s (display, phone, idx, description, g)
            """,
            {"f": freelancer_id(KEY), **sealed_requests(
                [f"+9665{g:08d}" for g in range(1, count + 1)],
                [f"وصف المشروع رقم {g}" for g in range(1, count + 1)])},
        )


def api_timings(base: str, rounds: int) -> dict[str, float]:
    settings = served_from(get_settings(), base)  # tokens carry the server's issuer
    token = mint_freelancer_token(settings, user_id(KEY), f"{KEY}@demo.khadum.app")
    headers = {"Authorization": f"Bearer {token}"}
    out: dict[str, float] = {}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for name, path in (("notifications", "/functions/v1/dashboard_api/notifications"),
                           ("requests", "/functions/v1/dashboard_api/requests?page=10"),
                           ("search", "/functions/v1/dashboard_api/requests?q=عميل%2077")):
            times = []
            for _ in range(rounds):
                began = time.perf_counter()
                res = client.get(path)
                times.append((time.perf_counter() - began) * 1000)
                res.raise_for_status()
            out[f"api_{name}_p50_ms"] = percentile(times, 50)
            out[f"api_{name}_p95_ms"] = percentile(times, 95)
    return out


FIFTIETH = "#notification-list li.notification >> nth=49"
WARM_UP = 2  # reloads not counted: Chromium's code cache fills on the first ones


def reload_times(page: Page, rounds: int) -> list[float]:
    """Milliseconds from `reload()` to the 50th notification drawn, per round."""
    times = []
    for round_no in range(WARM_UP + rounds):
        began = time.perf_counter()
        page.reload()
        page.wait_for_selector(FIFTIETH)
        if round_no >= WARM_UP:
            times.append((time.perf_counter() - began) * 1000)
    return times


def floor_page(path: str) -> None:
    """The floor: the same 50 list items as a static file with no script (what a
    reload and the wait alone cost in this browser, on this machine, in this run)."""
    items = "".join(f'<li class="notification">إشعار {n}</li>' for n in range(50))
    html = ('<!doctype html><html lang="ar" dir="rtl"><meta charset="utf-8">'
            f'<body><ul id="notification-list">{items}</ul></body></html>')
    with open(path, "w", encoding="utf-8") as out:
        out.write(html)


def page_timings(base: str, rounds: int) -> dict[str, float]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="ar-SA")
        page.goto(base + "/")
        page.fill("#email", f"{KEY}@demo.khadum.app")
        page.fill("#password", DEMO_PASSWORD)
        page.click("#signin")
        page.wait_for_selector(FIFTIETH)
        times = reload_times(page, rounds)
        with tempfile.TemporaryDirectory() as folder:
            static = os.path.join(folder, "floor.html")
            floor_page(static)
            bare = browser.new_page(locale="ar-SA")
            bare.goto(f"file://{static}")
            floor = reload_times(bare, rounds)
        browser.close()
    p50, floor_p50 = percentile(times, 50), percentile(floor, 50)
    return {"page_load_p50_ms": p50, "page_load_p95_ms": percentile(times, 95),
            "floor_static_page_p50_ms": floor_p50,
            "page_load_p50_over_floor": round(p50 / floor_p50, 2) if floor_p50 else None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with database() as url, server(url) as base:
        fill(url, args.requests)
        result: dict[str, object] = {
            "benchmark": "notifications page with many requests", "requests": args.requests,
            "rounds": args.rounds}
        result |= api_timings(base, args.rounds * 3)
        result |= page_timings(base, args.rounds)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
