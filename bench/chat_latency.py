"""Chat delivery latency between two joined sockets: a message sent by one party
(HTTP POST to the chat function) until it arrives as a broadcast on the other
party's socket (private channel chat:{id}, supabase-js's vsn 2.0.0 frames), and the read that
follows it (the receiver fetching the newest 50 messages, as the page does).
Prints JSON.

    .venv/bin/python -m bench.chat_latency [--messages 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import httpx
import psycopg
import websockets

from bench._stack import database, percentile, server
from bench.common import sealed_requests
from khadum.auth import mint_chat_session_token, mint_freelancer_token
from khadum.devstack.app import served_from
from khadum.seed.load import freelancer_id, user_id
from khadum.settings import get_settings

KEY = "mohammed-alghamdi"


def make_chat(url: str) -> tuple[str, str]:
    with psycopg.connect(url) as conn:
        conn.execute("delete from chat_rate_limits")  # measure delivery, not the limiter
        row = conn.execute(
            """
            with r as (
              insert into client_requests (client_whatsapp_phone, client_phone_sealed,
                client_phone_index, client_name, freelancer_id, service_description, status)
              select s.display, s.phone, s.idx, 'أحمد محمد', %s, s.description, 'accepted'
              from unnest(%s::text[], %s::text[], %s::text[], %s::text[])
                   as s (display, phone, idx, description)
              returning id, client_whatsapp_phone, freelancer_id)
            insert into private_chats (request_id, client_whatsapp_phone, freelancer_id,
              chat_url_token)
            select id, client_whatsapp_phone, freelancer_id, md5(random()::text) || md5(id::text)
            from r returning id
            """,
            (freelancer_id(KEY), *sealed_requests(["+966501234567"],
                                                  ["إعلان لساعة ذكية"]).values()),
        ).fetchone()
        assert row is not None
        # The client session's subject lives in a service-only table.
        sub = conn.execute(
            "select client_session_sub from private_chat_secrets where chat_id = %s", (row[0],)
        ).fetchone()
    assert sub is not None
    return str(row[0]), str(sub[0])


async def join(base: str, topic: str, token: str) -> Any:
    settings = get_settings()
    ws = await websockets.connect(base.replace("http", "ws") + (
        f"/realtime/v1/websocket?apikey={settings.supabase_anon_key}&vsn=2.0.0"))
    await ws.send(json.dumps(["1", "1", f"realtime:{topic}", "phx_join", {
        "config": {"private": True, "broadcast": {"self": False}}, "access_token": token}]))
    reply = json.loads(await ws.recv())
    assert reply[4]["status"] == "ok", reply
    return ws


async def arrival(ws: Any, message_id: str) -> float:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        body = frame[4] if frame[3] == "broadcast" else {}
        if body.get("event") == "message" and body.get("payload", {}).get("id") == message_id:
            return time.perf_counter()


async def measure(url: str, base: str, count: int) -> dict[str, object]:
    settings = served_from(get_settings(), base)  # tokens carry the server's issuer
    chat_id, client_sub = make_chat(url)
    tokens = {
        "client": mint_chat_session_token(settings, chat_id, client_sub),
        "freelancer": mint_freelancer_token(settings, user_id(KEY), f"{KEY}@demo.khadum.app"),
    }
    sockets = {side: await join(base, f"chat:{chat_id}", token) for side, token in tokens.items()}
    latencies: list[float] = []
    reads: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        for n in range(count):
            sender = "client" if n % 2 == 0 else "freelancer"
            receiver = "freelancer" if sender == "client" else "client"
            started = time.perf_counter()
            res = await http.post(f"/functions/v1/chat/{chat_id}/messages",
                                  json={"text": f"رسالة رقم {n}"},
                                  headers={"Authorization": f"Bearer {tokens[sender]}"})
            res.raise_for_status()
            arrived = await arrival(sockets[receiver], res.json()["id"])
            latencies.append((arrived - started) * 1000)
            # what the page does on a live event: fetch the newest page of messages
            page = await http.get(f"/functions/v1/chat/{chat_id}/messages?limit=50",
                                  headers={"Authorization": f"Bearer {tokens[receiver]}"})
            page.raise_for_status()
            reads.append((time.perf_counter() - arrived) * 1000)
    for ws in sockets.values():
        await ws.close()
    return {
        "benchmark": "chat message sent by one party -> broadcast on the other's socket",
        "messages": count,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": round(max(latencies), 2),
        "read_page_p50_ms": percentile(reads, 50),
        "read_page_p95_ms": percentile(reads, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    with database() as url, server(url) as base:
        result = asyncio.run(measure(url, base, args.messages))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
