"""The stand-in speaks supabase-js's vsn 2.0.0: JSON array frames, and binary
kind-3 frames for broadcasts the browser sends (frames as realtime-js encodes them)."""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import websockets

from khadum.devstack.app import create_app
from khadum.settings import get_settings
from tests.factories import MOHAMMED, make_chat, make_request
from tests.http import token_for
from tests.live import serve


@pytest.fixture(scope="module")
def ws_url(database_url: str) -> Iterator[str]:
    with serve(create_app(database_url, run_expiry=False)) as base:
        key = get_settings().supabase_anon_key
        yield base.replace("http", "ws") + f"/realtime/v1/websocket?apikey={key}&vsn=2.0.0"


def kind3(join_ref: str, ref: str, topic: str, event: str, payload: Any) -> bytes:
    """A user broadcast push exactly as realtime-js's Serializer builds it."""
    body = json.dumps(payload).encode()
    head = struct.pack("7B", 3, len(join_ref), len(ref), len(topic), len(event), 0, 1)
    return head + (join_ref + ref + topic + event).encode() + body


async def recv(ws: Any) -> list[Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


async def test_array_frames_and_binary_broadcasts(ws_url: str, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        chat_id = make_chat(conn, make_request(conn))
    topic = f"realtime:chat:{chat_id}"
    join = {"config": {"broadcast": {"ack": False, "self": False}, "presence": {"key": "",
            "enabled": False}, "postgres_changes": [], "private": True},
            "access_token": token_for(MOHAMMED)}
    async with websockets.connect(ws_url) as a, websockets.connect(ws_url) as b:
        for ws in (a, b):
            await ws.send(json.dumps(["1", "1", topic, "phx_join", join]))
            assert await recv(ws) == ["1", "1", topic, "phx_reply",
                                      {"status": "ok", "response": {"postgres_changes": []}}]
        await a.send(json.dumps([None, "2", "phoenix", "heartbeat", {}]))
        assert await recv(a) == [None, "2", "phoenix", "phx_reply",
                                 {"status": "ok", "response": {}}]

        await a.send(kind3("1", "3", topic, "typing", {"who": "freelancer"}))
        assert await recv(b) == [None, None, topic, "broadcast",
                                 {"type": "broadcast", "event": "typing",
                                  "payload": {"who": "freelancer"}}]

        await b.send(json.dumps(["1", "4", topic, "phx_leave", {}]))
        assert await recv(b) == ["1", "4", topic, "phx_reply", {"status": "ok", "response": {}}]
        assert await recv(b) == ["1", None, topic, "phx_close", {}]
        await a.send(json.dumps(["1", "5", "realtime:chat:other", "broadcast", {}]))
        assert (await recv(a))[4] == {"status": "error", "response": {"reason": "unmatched topic"}}
