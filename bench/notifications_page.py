"""The notifications page with 1,000 requests: the data API's timings over HTTP and
the page in Chromium from navigation to the first 50 notifications drawn. Prints JSON.

    .venv/bin/python -m bench.notifications_page [--rounds 10]
"""

from __future__ import annotations

import argparse
import json
import time

import httpx
import psycopg
from playwright.sync_api import sync_playwright

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


def page_timings(base: str, rounds: int) -> dict[str, float]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(locale="ar-SA")
        page.goto(base + "/")
        page.fill("#email", f"{KEY}@demo.khadum.app")
        page.fill("#password", DEMO_PASSWORD)
        page.click("#signin")
        page.wait_for_selector("#notification-list li.notification >> nth=49")
        times = []
        for _ in range(rounds):
            began = time.perf_counter()
            page.reload()
            page.wait_for_selector("#notification-list li.notification >> nth=49")
            times.append((time.perf_counter() - began) * 1000)
        browser.close()
    return {"page_load_p50_ms": percentile(times, 50), "page_load_p95_ms": percentile(times, 95)}


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
