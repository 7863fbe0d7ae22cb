"""The floor for bench.webhook_ingest: a raw ASGI app doing only what an ack must
— read the body, check Meta's HMAC-SHA256 signature, one INSERT per message
through a psycopg pool of the same size as the function's — and nothing else.

    DATABASE_URL=… WHATSAPP_APP_SECRET=… uvicorn bench.ingest_floor:app
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

SECRET = os.environ.get("WHATSAPP_APP_SECRET", "").encode()
POOL = AsyncConnectionPool(os.environ.get("DATABASE_URL", ""), min_size=1, max_size=10,
                           open=False)
TABLE = """create table if not exists public.bench_floor_inbound (
  wamid text primary key, client_phone text not null, payload jsonb not null,
  received_at timestamptz not null default now())"""


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await POOL.open()
                async with POOL.connection() as conn:
                    await conn.execute(TABLE)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await POOL.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    given = dict(scope["headers"]).get(b"x-hub-signature-256", b"").decode()
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    status = 403
    if hmac.compare_digest(given, expected):
        status = 200
        value = json.loads(body)["entry"][0]["changes"][0]["value"]
        async with POOL.connection() as conn:
            for m in value.get("messages", []):
                await conn.execute(
                    "insert into public.bench_floor_inbound (wamid, client_phone, payload) "
                    "values (%s, %s, %s) on conflict (wamid) do nothing",
                    (m["id"], m["from"], Jsonb(m)))
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})
