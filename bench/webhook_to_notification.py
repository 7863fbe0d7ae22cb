"""Time from the client's confirming WhatsApp message (the signed webhook POST
that submits the summary) to the notification arriving on the freelancer's
joined dashboard socket (supabase-js's vsn 2.0.0 frames, freelancer:{id}), through
the whole local stack: ack, background processing, the request insert, the
trigger, realtime.send, the Realtime stand-in. Prints JSON.

    .venv/bin/python -m bench.webhook_to_notification [--clients 40]
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
import websockets

from bench._stack import database, percentile, server
from bench.bot_turn import SCRIPT
from khadum.auth import mint_freelancer_token
from khadum.devstack.app import served_from
from khadum.seed.load import freelancer_id, user_id
from khadum.settings import get_settings
from khadum.whatsapp.signature import sign

KEY = "mohammed-alghamdi"
WEBHOOK = "/functions/v1/whatsapp_webhook"


def meta_post(phone: str, kind: str, value: str) -> tuple[str, bytes]:
    """A Meta-shaped webhook delivery carrying one message from `phone`."""
    wamid = "wamid.HBgM" + secrets.token_hex(16)
    message: dict[str, Any] = {"from": phone.lstrip("+"), "id": wamid,
                               "timestamp": str(int(time.time()))}
    if kind == "text":
        message.update(type="text", text={"body": value})
    else:
        message.update(type="interactive",
                       interactive={"type": kind, kind: {"id": value, "title": ""}})
    body = {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "966112345678",
                         "phone_number_id": "100000000000001"},
            "contacts": [{"profile": {"name": "أحمد محمد"}, "wa_id": phone.lstrip("+")}],
            "messages": [message]}}]}]}
    return wamid, json.dumps(body, ensure_ascii=False).encode()


async def processed(url: str, wamid: str) -> None:
    for _ in range(400):
        with psycopg.connect(url) as conn:
            row = conn.execute("select processed_at is not null from whatsapp_inbound "
                               "where wamid = %s", (wamid,)).fetchone()
        if row and row[0]:
            return
        await asyncio.sleep(0.01)
    raise TimeoutError(f"{wamid} was not processed")


async def measure(url: str, base: str, clients: int) -> dict[str, object]:
    settings = served_from(get_settings(), base)  # tokens carry the server's issuer
    token = mint_freelancer_token(settings, user_id(KEY), f"{KEY}@demo.khadum.app")
    ws = await websockets.connect(base.replace("http", "ws") + (
        f"/realtime/v1/websocket?apikey={settings.supabase_anon_key}&vsn=2.0.0"))
    await ws.send(json.dumps(["1", "1", f"realtime:freelancer:{freelancer_id(KEY)}", "phx_join",
                              {"config": {"private": True}, "access_token": token}]))
    assert json.loads(await ws.recv())[4]["status"] == "ok"
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:

        async def post(body: bytes) -> None:
            res = await http.post(WEBHOOK, content=body, headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": sign(body, settings.whatsapp_app_secret)})
            res.raise_for_status()

        for c in range(clients):
            phone = f"+9665{c + 10_000_000:08d}"
            for name, kind, value in SCRIPT:
                wamid, body = meta_post(phone, kind, value)
                if name != "submit":
                    await post(body)
                    await processed(url, wamid)
                    continue
                started = time.perf_counter()
                await post(body)
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if frame[3] == "broadcast" and frame[4].get("event") == "notification":
                        latencies.append((time.perf_counter() - started) * 1000)
                        break
    await ws.close()
    return {
        "benchmark": "confirming webhook POST -> notification on the freelancer's socket",
        "requests": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": round(max(latencies), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=40)
    args = parser.parse_args()
    with database() as url, server(url) as base:
        result = asyncio.run(measure(url, base, args.clients))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
