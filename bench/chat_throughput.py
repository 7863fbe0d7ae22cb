"""Sustained chat messages per second across 1,000 chats, through the chat
function over HTTP (ASGI) on real PostgreSQL (moderation, RLS, triggers and
broadcasts included). Prints one JSON document.

    .venv/bin/python -m bench.chat_throughput [--chats 1000] [--messages 5000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import time

import httpx
import psycopg

from bench._stack import database, percentile
from bench.common import sealed_requests
from khadum.auth import mint_chat_session_token, mint_freelancer_token, register_jwks_transport
from khadum.devstack.app import create_app
from khadum.settings import Settings


def make_chats(url: str, count: int) -> list[tuple[str, str, str, str]]:
    """(chat_id, client_sub, freelancer user id, freelancer email) for `count` chats."""
    with psycopg.connect(url) as conn:
        conn.execute("delete from chat_rate_limits")  # measure the pipeline, not the limiter
        rows = conn.execute(
            """
            with f as (
              select id, user_id, email, row_number() over (order by id) - 1 as n,
                     count(*) over () as total from freelancers where user_id is not null),
            r as (
              insert into client_requests (client_whatsapp_phone, client_phone_sealed,
                client_phone_index, client_name, freelancer_id, service_description, status)
              select s.display, s.phone, s.idx, 'عميل ' || s.g, f.id, s.description, 'accepted'
              from unnest(%s::text[], %s::text[], %s::text[], %s::text[]) with ordinality
                   as s (display, phone, idx, description, g)
              join f on f.n = s.g %% f.total
              returning id, client_whatsapp_phone, freelancer_id)
            insert into private_chats (request_id, client_whatsapp_phone, freelancer_id,
              chat_url_token)
            select r.id, r.client_whatsapp_phone, r.freelancer_id,
                   md5(random()::text) || md5(r.id::text) from r
            returning id, freelancer_id
            """,
            tuple(sealed_requests([f"+9665{g:08d}" for g in range(1, count + 1)],
                                  [f"طلب تجريبي رقم {g}" for g in range(1, count + 1)]).values()),
        ).fetchall()
        # The client session's subject lives in a service-only table.
        subs = dict(conn.execute(
            "select chat_id, client_session_sub from private_chat_secrets where chat_id = any(%s)",
            ([c for c, _ in rows],),
        ).fetchall())
        users = dict(conn.execute("select id, (user_id::text, email) from freelancers").fetchall())
    return [(str(c), str(subs[c]), *users[f]) for c, f in rows]


async def run(url: str, chats: int, messages: int, concurrency: int) -> dict[str, object]:
    settings = Settings()
    prepared = make_chats(url, chats)
    headers = {}
    for chat_id, sub, user_id, email in prepared:
        headers[(chat_id, "client")] = {
            "Authorization": f"Bearer {mint_chat_session_token(settings, chat_id, sub)}"}
        headers[(chat_id, "freelancer")] = {
            "Authorization": f"Bearer {mint_freelancer_token(settings, user_id, email)}"}
    app = create_app(url, settings=settings, run_expiry=False, run_workers=False)
    latencies: list[float] = []
    failures = 0
    rng = random.Random(7)
    jobs = [(prepared[i % chats][0], rng.choice(("client", "freelancer"))) for i in range(messages)]
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        # The functions fetch the JWKS from SUPABASE_URL: here, the app's own stand-in.
        register_jwks_transport(settings.supabase_url, transport)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def worker() -> None:
                nonlocal failures
                while not queue.empty():
                    chat_id, side = queue.get_nowait()
                    started = time.perf_counter()
                    res = await client.post(
                        f"/functions/v1/chat/{chat_id}/messages",
                        json={"text": f"رسالة اختبار {secrets.token_hex(4)}"},
                        headers=headers[(chat_id, side)])
                    latencies.append((time.perf_counter() - started) * 1000)
                    failures += res.status_code != 201

            began = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - began
    with psycopg.connect(url) as conn:
        stored = conn.execute("select count(*) from chat_messages where message_type = 'text'"
                              ).fetchone()
    return {"benchmark": "chat_throughput", "chats": chats, "messages": messages,
            "concurrency": concurrency, "seconds": round(elapsed, 2),
            "messages_per_second": round(messages / elapsed, 1), "failed": failures,
            "stored": stored[0] if stored else 0,
            "send_p50_ms": percentile(latencies, 50), "send_p95_ms": percentile(latencies, 95),
            "send_p99_ms": percentile(latencies, 99)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with database() as url:
        result = asyncio.run(run(url, args.chats, args.messages, args.concurrency))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
