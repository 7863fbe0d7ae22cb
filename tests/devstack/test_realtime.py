"""The Realtime stand-in with the real `realtime` Python client (vsn 1.0.0): joins
allowed and refused by the RLS policies on realtime.messages, delivery of
realtime.send() rows, heartbeat, token refresh and expiry, client broadcasts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import psycopg
import pytest
from realtime import AsyncRealtimeClient, RealtimeSubscribeStates
from realtime.message import Message

from khadum.devstack.app import create_app
from khadum.seed.load import freelancer_id
from khadum.settings import get_settings
from tests.factories import MOHAMMED, NOURA, make_chat, make_request
from tests.http import token_for
from tests.live import serve


@pytest.fixture(scope="module")
def base(database_url: str) -> Iterator[str]:
    with serve(create_app(database_url, run_expiry=False)) as url:
        yield url


@pytest.fixture
async def client(base: str) -> AsyncIterator[AsyncRealtimeClient]:
    rt = AsyncRealtimeClient(f"{base}/realtime/v1", token=get_settings().supabase_anon_key,
                             auto_reconnect=False)
    await rt.connect()
    yield rt
    await rt.close()


class Joined:
    """A private channel, its subscribe states, and what it received."""

    def __init__(self) -> None:
        self.states: list[tuple[RealtimeSubscribeStates, str]] = []
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def on_state(self, state: RealtimeSubscribeStates, error: Exception | None) -> None:
        self.states.append((state, str(error or "")))


async def join(rt: AsyncRealtimeClient, topic: str, token: str | None,
               events: tuple[str, ...] = ("notification",)) -> tuple[Any, Joined]:
    if token:
        await rt.set_auth(token)
    joined = Joined()
    channel = rt.channel(topic, {"config": {"private": True, "broadcast": {"self": False}}})
    for event in events:
        channel.on_broadcast(event, joined.received.put_nowait)
    await channel.subscribe(joined.on_state)
    return channel, joined


def mohammed_topic() -> str:
    return f"freelancer:{freelancer_id(MOHAMMED)}"


def insert_request(url: str, key: str = MOHAMMED) -> str:
    with psycopg.connect(url) as conn:
        return str(make_request(conn, key))


async def test_join_is_allowed_for_the_owner_and_refused_to_others(base: str,
                                                                  database_url: str) -> None:
    owner = AsyncRealtimeClient(f"{base}/realtime/v1", token=get_settings().supabase_anon_key)
    _, allowed = await join(owner, mohammed_topic(), token_for(MOHAMMED))
    assert allowed.states == [(RealtimeSubscribeStates.SUBSCRIBED, "")]
    for token in (token_for(NOURA), None):
        other = AsyncRealtimeClient(f"{base}/realtime/v1", token=get_settings().supabase_anon_key,
                                    auto_reconnect=False)
        _, refused = await join(other, mohammed_topic(), token)
        assert refused.states[0][0] == RealtimeSubscribeStates.CHANNEL_ERROR
        assert "You do not have permissions to read from this Channel topic" in refused.states[0][1]
        await other.close()
    await owner.close()


async def test_delivery_of_realtime_send_rows_to_the_right_freelancer(
        client: AsyncRealtimeClient, base: str, clean_db: str) -> None:
    _, mine = await join(client, mohammed_topic(), token_for(MOHAMMED))
    noura = AsyncRealtimeClient(f"{base}/realtime/v1", token=get_settings().supabase_anon_key)
    _, hers = await join(noura, f"freelancer:{freelancer_id(NOURA)}", token_for(NOURA))
    request_id = await asyncio.to_thread(insert_request, clean_db)
    message = await asyncio.wait_for(mine.received.get(), 5)
    assert message["event"] == "notification"
    assert message["payload"]["request_id"] == request_id
    assert message["payload"]["title"] == "🔔 طلب جديد من عميل"
    await asyncio.sleep(0.3)
    assert hers.received.empty()
    await noura.close()


async def test_heartbeat_is_answered(client: AsyncRealtimeClient) -> None:
    replies: asyncio.Queue[Any] = asyncio.Queue()

    class Phoenix:
        def _handle_message(self, message: Any) -> None:
            replies.put_nowait(message)

    # The client routes frames by topic; listen on "phoenix" for the replies.
    client.channels["phoenix"] = Phoenix()  # type: ignore[assignment]
    try:
        await client.send(Message(topic="phoenix", event="heartbeat", payload={}, ref="hb-7"))
        reply = await asyncio.wait_for(replies.get(), 5)
        while reply.ref != "hb-7":  # the client's own heartbeat (ref null) may come first
            reply = await asyncio.wait_for(replies.get(), 5)
    finally:
        del client.channels["phoenix"]
    assert reply.event == "phx_reply" and reply.payload.status == "ok"


async def test_a_refreshed_token_keeps_the_channel_and_an_expired_one_closes_it(
        client: AsyncRealtimeClient, base: str, clean_db: str) -> None:
    channel, joined = await join(client, mohammed_topic(), token_for(MOHAMMED, ttl=2))
    await client.set_auth(token_for(MOHAMMED, ttl=3600))  # the access_token event
    lapsing = AsyncRealtimeClient(f"{base}/realtime/v1", token=get_settings().supabase_anon_key,
                                  auto_reconnect=False)
    _, lapsed = await join(lapsing, mohammed_topic(), token_for(MOHAMMED, ttl=2))
    await asyncio.sleep(2.5)
    assert lapsed.states[-1][0] in (RealtimeSubscribeStates.CHANNEL_ERROR,
                                    RealtimeSubscribeStates.CLOSED)
    assert any("Token has expired" in text for _, text in lapsed.states)
    await asyncio.to_thread(insert_request, clean_db)
    message = await asyncio.wait_for(joined.received.get(), 5)
    assert message["event"] == "notification"
    assert channel.is_joined
    await lapsing.close()


async def test_a_token_for_someone_else_closes_the_channel(client: AsyncRealtimeClient) -> None:
    channel, joined = await join(client, mohammed_topic(), token_for(MOHAMMED))
    await client.set_auth(token_for(NOURA))
    for _ in range(50):
        if not channel.is_joined:
            break
        await asyncio.sleep(0.05)
    assert not channel.is_joined
    assert any("may not read" in text for _, text in joined.states)


async def test_client_broadcasts_need_the_insert_policy(base: str, clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        chat_id = make_chat(conn, make_request(conn))
    key = get_settings().supabase_anon_key
    sender, listener = (AsyncRealtimeClient(f"{base}/realtime/v1", token=key) for _ in range(2))
    chat_topic = f"chat:{chat_id}"
    send_chat, _ = await join(sender, chat_topic, token_for(MOHAMMED), ())
    _, heard = await join(listener, chat_topic, token_for(MOHAMMED), ("typing",))
    await send_chat.send_broadcast("typing", {"who": "freelancer"})
    typing = await asyncio.wait_for(heard.received.get(), 5)
    assert typing["payload"] == {"who": "freelancer"}

    # The freelancer topic has no INSERT policy: browsers cannot broadcast there.
    send_own, _ = await join(sender, mohammed_topic(), None, ())
    _, own = await join(listener, mohammed_topic(), None, ("fake",))
    await send_own.send_broadcast("fake", {"spoof": True})
    await asyncio.sleep(0.4)
    assert own.received.empty()
    await sender.close()
    await listener.close()
