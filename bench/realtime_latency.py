"""Time from a request's insert commit (the bot's confirming step: the same insert
into client_requests) to its notification arriving on a joined dashboard socket
(supabase-js's vsn 2.0.0 frames, private channel freelancer:{id}). Prints JSON.

    .venv/bin/python -m bench.realtime_latency [--requests 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import psycopg
import websockets

from bench._stack import database, percentile, server
from bench.common import sealed_requests
from khadum.auth import mint_freelancer_token
from khadum.devstack.app import served_from
from khadum.seed.load import freelancer_id, user_id
from khadum.settings import get_settings

KEY = "mohammed-alghamdi"
INSERT = """
insert into client_requests (client_whatsapp_phone, client_phone_sealed, client_phone_index,
  client_name, freelancer_id, service_description, service_category, budget_range)
values (%s, %s, %s, 'أحمد محمد', %s, %s, 'marketing_ads', '300 ريال')
returning id
"""


def insert(url: str, n: int) -> tuple[str, float]:
    with psycopg.connect(url) as conn:
        s = sealed_requests([f"+9665{n:08d}"], ["أبي إعلان تسويقي لساعة ذكية"])
        row = conn.execute(INSERT, (s["displays"][0], s["sealed_phones"][0], s["indexes"][0],
                                    freelancer_id(KEY), s["descriptions"][0])).fetchone()
        conn.commit()
        committed = time.perf_counter()
    assert row is not None
    return str(row[0]), committed


async def measure(url: str, base: str, count: int) -> dict[str, object]:
    settings = served_from(get_settings(), base)  # tokens carry the server's issuer
    token = mint_freelancer_token(settings, user_id(KEY), f"{KEY}@demo.khadum.app")
    topic = f"realtime:freelancer:{freelancer_id(KEY)}"
    ws_url = base.replace("http", "ws") + (
        f"/realtime/v1/websocket?apikey={settings.supabase_anon_key}&vsn=2.0.0")
    latencies: list[float] = []
    async with websockets.connect(ws_url) as ws:
        await ws.send(json.dumps(["1", "1", topic, "phx_join", {
            "config": {"private": True, "broadcast": {"self": False}}, "access_token": token}]))
        reply = json.loads(await ws.recv())
        assert reply[4]["status"] == "ok", reply
        for n in range(count):
            request_id, committed = await asyncio.to_thread(insert, url, n)
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                payload = frame[4].get("payload", {}) if frame[3] == "broadcast" else {}
                if frame[4].get("event") == "notification" and \
                        payload.get("request_id") == request_id:
                    latencies.append((time.perf_counter() - committed) * 1000)
                    break
    return {
        "benchmark": "request insert commit -> notification on a joined socket",
        "requests": count,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": round(max(latencies), 2),
        "mean_ms": round(sum(latencies) / len(latencies), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with database() as url, server(url) as base:
        result = asyncio.run(measure(url, base, args.requests))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
