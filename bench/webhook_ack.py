"""Webhook acknowledgement under concurrent, signed posts over real HTTP.

Each client phone sends several messages; some are delivered twice (Meta
retries). Prints JSON: throughput, p50/p99 of the 200, and checks that every
distinct message is stored and processed exactly once (zero lost/duplicated).

    .venv/bin/python -m bench.webhook_ack [--phones 100] [--per-phone 10] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import time
from typing import Any

import httpx
import psycopg

from bench.common import percentiles, scratch_database
from khadum.devstack.app import create_app
from khadum.settings import Settings
from khadum.whatsapp.signature import sign
from tests.live import free_port, serve


def payload(phone: str, wamid: str, text: str) -> dict[str, Any]:
    wa_id = phone.lstrip("+")
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "966112345678",
                         "phone_number_id": "100000000000001"},
            "contacts": [{"profile": {"name": "عميل"}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "id": wamid, "timestamp": str(int(time.time())),
                          "type": "text", "text": {"body": text}}]}}]}]}


async def run(base: str, secret: str, args: argparse.Namespace) -> dict[str, Any]:
    posts: list[bytes] = []
    for p in range(args.phones):
        phone = f"+9665{p:08d}"
        for i in range(args.per_phone):
            raw = json.dumps(payload(phone, "wamid.bench" + secrets.token_hex(12), f"مرحبا {i}"),
                             ensure_ascii=False).encode()
            posts.append(raw)
            if i % 5 == 0:
                posts.append(raw)  # a redelivery
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for raw in posts:
        queue.put_nowait(raw)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            raw = queue.get_nowait()
            began = time.perf_counter()
            response = await client.post("/functions/v1/whatsapp_webhook", content=raw, headers={
                "content-type": "application/json", "x-hub-signature-256": sign(raw, secret)})
            latencies.append((time.perf_counter() - began) * 1000)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(args.concurrency)))
        elapsed = time.perf_counter() - began
    return {"posts": len(posts), "distinct_messages": args.phones * args.per_phone,
            "concurrency": args.concurrency, "seconds": round(elapsed, 2),
            "acks_per_second": round(len(posts) / elapsed, 1), "statuses": statuses,
            **percentiles(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--per-phone", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    with scratch_database("khadum_bench_webhook") as url:
        port = free_port()
        settings = Settings(database_url=url, whatsapp_graph_url=f"http://127.0.0.1:{port}/dev/graph")
        # The dev server's in-process worker processes what the webhook stores.
        app = create_app(url, settings=settings, run_expiry=False, run_workers=True)
        with serve(app, port) as base:
            report = asyncio.run(run(base, settings.whatsapp_app_secret, args))
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:  # processing runs after the acks
                with psycopg.connect(url) as conn:
                    left = conn.execute("select count(*) from whatsapp_inbound "
                                        "where processed_at is null").fetchone()
                if left == (0,):
                    break
                time.sleep(0.5)
            report["processing_done_seconds"] = round(time.monotonic() - deadline + 300, 2)
        with psycopg.connect(url) as conn:
            stored, distinct, processed, once = conn.execute(
                "select count(*), count(distinct wamid), count(processed_at), "
                "count(*) filter (where attempts = 1) from whatsapp_inbound").fetchone() or (0,) * 4
    expected = report["distinct_messages"]
    report.update({"stored": stored, "lost": expected - distinct, "duplicated": stored - distinct,
                   "processed": processed, "processed_exactly_once": once})
    print(json.dumps(report))


if __name__ == "__main__":
    main()
