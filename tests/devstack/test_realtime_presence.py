"""Realtime Presence in the stand-in, with the real `realtime` Python client: the
two parties of a chat see each other (`presence_state` after a join,
`presence_diff` on track and on leave); tracking is allowed by the `presence`
extension's INSERT policy (chat topics only) and seeing it by its SELECT policy,
so a freelancer's own topic carries no presence and a stranger joins nothing."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from realtime import AsyncRealtimeClient

from khadum.auth import mint_chat_session_token
from khadum.seed.load import freelancer_id
from khadum.settings import get_settings
from tests.devstack.test_realtime import base  # noqa: F401
from tests.factories import MOHAMMED, NOURA, make_chat, make_request
from tests.http import token_for


async def until(probe: Callable[[], bool], seconds: float = 5) -> bool:
    for _ in range(int(seconds * 20)):
        if probe():
            return True
        await asyncio.sleep(0.05)
    return probe()


async def party(url: str, topic: str, token: str, key: str) -> tuple[AsyncRealtimeClient, Any]:
    rt = AsyncRealtimeClient(f"{url}/realtime/v1", token=get_settings().supabase_anon_key,
                             auto_reconnect=False)
    await rt.connect()
    await rt.set_auth(token)
    channel = rt.channel(topic, {"config": {"private": True, "presence": {"key": key}}})
    channel.on_presence_sync(lambda: None)
    joined: list[str] = []
    await channel.subscribe(lambda state, _: joined.append(str(state)))
    assert await until(lambda: bool(joined)), "no answer to the join"
    return rt, (channel, joined)


async def test_chat_parties_see_each_other_and_leaving_is_seen(
        base: str, clean_db: str) -> None:  # noqa: F811
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
        chat_id = make_chat(conn, request_id)
    client_token = mint_chat_session_token(get_settings(), chat_id, uuid.uuid4())
    topic = f"chat:{chat_id}"
    rt_f, (freelancer, _) = await party(base, topic, token_for(MOHAMMED), "freelancer")
    await freelancer.track({"side": "freelancer"})
    rt_c, (client, _) = await party(base, topic, client_token, "client")
    assert await until(lambda: "freelancer" in client.presence_state())  # presence_state
    await client.track({"side": "client"})
    assert await until(lambda: "client" in freelancer.presence_state())  # presence_diff
    assert freelancer.presence_state()["client"][0]["side"] == "client"

    # A stranger is refused the join, so sees no one.
    rt_s, (_, stranger_states) = await party(base, topic, token_for(NOURA), "freelancer")
    assert any("CHANNEL_ERROR" in s for s in stranger_states), stranger_states

    await rt_c.close()  # the client leaves
    assert await until(lambda: "client" not in freelancer.presence_state())
    for rt in (rt_f, rt_s):
        await rt.close()


async def test_no_presence_is_tracked_on_a_freelancers_own_topic(
        base: str, clean_db: str) -> None:  # noqa: F811
    topic = f"freelancer:{freelancer_id(MOHAMMED)}"
    rt_a, (first, _) = await party(base, topic, token_for(MOHAMMED), "tab-1")
    rt_b, (second, _) = await party(base, topic, token_for(MOHAMMED), "tab-2")
    await first.track({"tab": 1})  # no INSERT policy for presence on this topic
    await asyncio.sleep(0.5)
    assert "tab-1" not in second.presence_state()
    for rt in (rt_a, rt_b):
        await rt.close()
