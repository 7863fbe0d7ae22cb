"""Bot turn latency with the local analyser: one stored message processed end
to end (lock, state, analysis, matching, replies queued, committed).

    .venv/bin/python -m bench.bot_turn [--clients 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import time
from typing import Any

from bench.common import percentiles, scratch_database
from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from khadum.seed.load import freelancer_id
from khadum.settings import Settings
from khadum.whatsapp.payloads import InboundMessage, WebhookBatch
from khadum.whatsapp.store import store_batch

SCRIPT: list[tuple[str, str, str]] = [  # (turn name, message type, text or reply id)
    ("greeting", "text", "السلام عليكم"),
    ("describe_and_match", "text", "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"),
    ("pick", "list_reply", f"pick:{freelancer_id('mohammed-alghamdi')}"),
    ("confirm", "button_reply", "confirm_choice"),
    ("name", "text", "أحمد محمد"),
    ("email", "text", "ahmed@example.com"),
    ("details", "text", "الشحن مجاني، ضمان سنتين"),
    ("budget", "text", "٣٠٠ ريال"),
    ("reason", "button_reply", "use_suggested"),
    ("submit", "button_reply", "submit"),
]


def message(phone: str, kind: str, value: str) -> InboundMessage:
    body: dict[str, Any] = {"from": phone.lstrip("+"), "id": "wamid.b" + secrets.token_hex(12),
                            "timestamp": str(int(time.time()))}
    if kind == "text":
        body.update(type="text", text={"body": value})
    else:
        reply = {"id": value, "title": ""}
        body.update(type="interactive", interactive={"type": kind, kind: reply})
    return InboundMessage(wamid=body["id"], phone=phone, message_type=body["type"], payload=body,
                          profile_name="أحمد", sent_at=None)


async def run(url: str, clients: int) -> dict[str, Any]:
    db = Database(url, max_size=4)
    await db.open()
    processor = InboundProcessor(db, Settings(database_url=url))
    samples: dict[str, list[float]] = {name: [] for name, _, _ in SCRIPT}
    try:
        for c in range(clients):
            phone = f"+9665{c:08d}"
            for name, kind, value in SCRIPT:
                await store_batch(db, WebhookBatch(messages=[message(phone, kind, value)]),
                                  processor.keys)
                began = time.perf_counter()
                assert await processor.process_phone(phone) == 1
                samples[name].append((time.perf_counter() - began) * 1000)
    finally:
        await db.close()
    every = [s for values in samples.values() for s in values]
    return {"analyser": "local", "clients": clients, "turns": len(every),
            "all_turns": percentiles(every),
            "by_turn": {name: percentiles(values) for name, values in samples.items()}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=30)
    args = parser.parse_args()
    with scratch_database("khadum_bench_bot") as url:
        print(json.dumps(asyncio.run(run(url, args.clients)), ensure_ascii=False))


if __name__ == "__main__":
    main()
