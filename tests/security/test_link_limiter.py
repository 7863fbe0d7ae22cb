"""M2: the chat-link limiter counts per client address, taken from the socket
peer (or, behind TRUSTED_PROXY_HOPS proxies, the address the outermost trusted
proxy saw), never from what the client writes in X-Forwarded-For; one counter
per address and window, and only malformed or unknown links count."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import psycopg

from khadum.devstack.app import create_app
from khadum.settings import Settings
from tests.factories import MOHAMMED, make_chat, make_request

SESSION = "/functions/v1/chat/session"


@asynccontextmanager
async def server(url: str, settings: Settings) -> AsyncIterator[
        dict[str, httpx.AsyncClient]]:
    app = create_app(url, settings=settings, run_expiry=False, run_workers=False)
    async with app.router.lifespan_context(app):
        clients = {}
        for name, peer in (("attacker", "203.0.113.66"), ("victim", "198.51.100.7"),
                           ("proxy", "10.0.0.2")):
            clients[name] = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app, client=(peer, 5555)),
                base_url="http://chat.test")
        try:
            yield clients
        finally:
            for client in clients.values():
                await client.aclose()


def a_chat(url: str) -> str:
    with psycopg.connect(url) as conn:
        chat_id = make_chat(conn, make_request(conn, MOHAMMED, phone="+966500000777"))
        row = conn.execute("select chat_url_token from private_chats where id = %s",
                           (chat_id,)).fetchone()
    assert row is not None
    return str(row[0])


def counters(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as conn:
        return [(r[0], r[1]) for r in conn.execute(
            "select source, failures from chat_link_failure_windows order by source").fetchall()]


async def test_spoofed_forwarded_for_neither_escapes_nor_locks_out(clean_db: str) -> None:
    token = a_chat(clean_db)
    async with server(clean_db, Settings()) as c:
        codes = []
        for i in range(300):
            res = await c["attacker"].post(SESSION, json={"token": f"guess{i:020d}"},
                                           headers={"X-Forwarded-For": f"192.0.2.{i % 250}, "
                                                                       "198.51.100.7"})
            codes.append(res.status_code)
        assert codes[:20] == [404] * 20 and set(codes[20:]) == {429}  # 280 refused
        # The victim (whose address the attacker wrote in the header) is not locked out.
        opened = await c["victim"].post(SESSION, json={"token": token})
        assert opened.status_code == 200
    # One counter for the attacker's real address, no row per guess.
    assert counters(clean_db) == [("203.0.113.66", 20)]


async def test_a_valid_link_does_not_count(clean_db: str) -> None:
    token = a_chat(clean_db)
    async with server(clean_db, Settings()) as c:
        for _ in range(30):
            assert (await c["victim"].post(SESSION, json={"token": token})).status_code == 200
    assert counters(clean_db) == []


async def test_behind_a_trusted_proxy_the_proxy_s_entry_is_used(clean_db: str) -> None:
    token = a_chat(clean_db)
    async with server(clean_db, Settings(trusted_proxy_hops=1)) as c:
        # The proxy appends the address it saw; what the client wrote stays on the left.
        for i in range(25):
            await c["proxy"].post(SESSION, json={"token": "B" * 43}, headers={
                "X-Forwarded-For": f"198.51.100.7, 203.0.113.{i}"})
        assert counters(clean_db) == [(f"203.0.113.{i}", 1) for i in sorted(range(25), key=str)]
        # Twenty failures from one address lock that address only.
        for _ in range(20):
            await c["proxy"].post(SESSION, json={"token": "C" * 43},
                                  headers={"X-Forwarded-For": "203.0.113.200"})
        locked = await c["proxy"].post(SESSION, json={"token": token},
                                       headers={"X-Forwarded-For": "203.0.113.200"})
        assert locked.status_code == 429
        victim = await c["proxy"].post(SESSION, json={"token": token}, headers={
            "X-Forwarded-For": "203.0.113.200, 198.51.100.7"})
        assert victim.status_code == 200
