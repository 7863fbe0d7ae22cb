"""Web Push end to end below the browser: a freelancer's browser subscribes through
dashboard_api (as the caller: their own rows only), a new request's notification
becomes one push per subscription (SQL), the worker's drain encrypts and signs it
for the push service stand-in (which checks VAPID and records it), the browser's
keys decrypt it; 404/410 removes the subscription; errors retry by the shared rule."""

from __future__ import annotations

import uuid

import httpx
import psycopg
import pytest
from fastapi import FastAPI

from khadum.crypto import CIPHERTEXT
from khadum.db import Database, act_as
from khadum.devstack import push_standin
from khadum.devstack.keys import with_local_vapid
from khadum.push.sender import drain_push
from khadum.requests import sealed
from khadum.seed.load import freelancer_id
from khadum.settings import get_settings
from tests.factories import ANON, MOHAMMED, NOURA, freelancer_claims, make_request
from tests.factories import keys as data_keys
from tests.http import bearer, local_client
from tests.push.keys import BrowserKeys

API = "/functions/v1/dashboard_api/push"
PUSH_HOST = "http://push.test"


def push_service() -> tuple[push_standin.PushRecorder, httpx.AsyncClient]:
    recorder = push_standin.PushRecorder()
    app = FastAPI()
    app.include_router(push_standin.router(recorder))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUSH_HOST)
    return recorder, client


async def register(client: httpx.AsyncClient, server_key: str) -> str:
    answer = await client.post("/dev/push/register", json={"applicationServerKey": server_key})
    assert answer.status_code == 201
    return str(answer.json()["endpoint"])


@pytest.fixture
def settings():  # the worker's settings with the local VAPID pair
    return with_local_vapid(get_settings())


async def test_subscribing_is_the_callers_own(clean_db: str) -> None:
    keys = BrowserKeys()
    sub = keys.subscription("https://push.example.net/send/abc123")
    async with local_client(clean_db, workers=False) as client:
        assert (await client.post(f"{API}/subscriptions", json=sub)).status_code == 401
        made = await client.post(f"{API}/subscriptions", json=sub, headers=bearer(MOHAMMED))
        assert made.status_code == 200, made.text
        mine = (await client.get(f"{API}/subscriptions", headers=bearer(MOHAMMED))).json()
        theirs = (await client.get(f"{API}/subscriptions", headers=bearer(NOURA))).json()
        assert [s["endpoint"] for s in mine["items"]] == [sub["endpoint"]]
        assert theirs["items"] == []
        # Noura cannot remove Mohammed's subscription …
        gone = await client.post(f"{API}/unsubscribe", json={"endpoint": sub["endpoint"]},
                                 headers=bearer(NOURA))
        assert gone.json() == {"removed": 0}
        # … bad bodies are 422 and lose nothing …
        for bad in ({"endpoint": "javascript:alert(1)", "keys": sub["keys"]},
                    {"endpoint": sub["endpoint"], "keys": {"p256dh": "short", "auth": "x"}},
                    {"endpoint": sub["endpoint"]}):
            refused = await client.post(f"{API}/subscriptions", json=bad,
                                        headers=bearer(MOHAMMED))
            assert refused.status_code == 422
            assert refused.json()["error"]["code"]
        # … the same browser signed in as Noura moves to her …
        moved = await client.post(f"{API}/subscriptions", json=sub, headers=bearer(NOURA))
        assert moved.status_code == 200
        mine = (await client.get(f"{API}/subscriptions", headers=bearer(MOHAMMED))).json()
        assert mine["items"] == []
        # … and she can leave it.
        left = await client.post(f"{API}/unsubscribe", json={"endpoint": sub["endpoint"]},
                                 headers=bearer(NOURA))
        assert left.json() == {"removed": 1}
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from push_subscriptions").fetchone() == (0,)
        logged = conn.execute("select count(*) from activity_log "
                              "where action = 'push.subscribed'").fetchone()
        assert logged == (2,)


def test_anon_and_direct_writes_are_refused(conn: psycopg.Connection) -> None:
    conn.execute("savepoint s")
    act_as(conn, ANON)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select public.push_subscribe('https://x.example/a', %s, %s)",
                     (BrowserKeys().p256dh, "a" * 22))
    conn.execute("rollback to savepoint s")
    act_as(conn, freelancer_claims(MOHAMMED))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # inserts go through the function
        conn.execute("insert into push_subscriptions (freelancer_id, endpoint, p256dh, auth) "
                     "values (%s, 'https://x.example/a', %s, %s)",
                     (freelancer_id(NOURA), BrowserKeys().p256dh, "a" * 22))
    conn.execute("rollback to savepoint s")
    act_as(conn, freelancer_claims(MOHAMMED))
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("select * from push_outbox")


async def test_a_request_is_pushed_encrypted_and_signed(clean_db: str, settings) -> None:
    recorder, service = push_service()
    keys = BrowserKeys()
    endpoint = await register(service, settings.vapid_public_key)
    with psycopg.connect(clean_db) as conn:
        act_as(conn, freelancer_claims(MOHAMMED))
        conn.execute("select public.push_subscribe(%s, %s, %s)",
                     (endpoint, keys.p256dh, keys.subscription(endpoint)["keys"]["auth"]))
        conn.execute("reset role")
        conn.commit()
        request_id = make_request(conn)
        make_request(conn, NOURA, phone="+966500000009")  # Noura has no browser: no push
        queued = conn.execute("select count(*) from push_outbox").fetchone()
    assert queued == (1,)
    db = Database(clean_db)
    await db.open()
    try:
        report = await drain_push(db, settings, client=service)
        assert (report.sent, report.failed) == (1, 0)
        assert (await drain_push(db, settings, client=service)).handled == 0  # sent once
    finally:
        await db.close()
    [message] = recorder.messages
    assert message["endpoint"] == endpoint and message["ttl"] == settings.push_ttl_seconds
    assert message["urgency"] == "high"
    payload = keys.decrypt(message["body"])
    assert payload["title"].endswith("طلب جديد من عميل")  # the notification's own words
    assert payload["url"] == f"/#/requests/{request_id}"
    assert "أحمد محمد" in payload["body"]
    with psycopg.connect(clean_db) as conn:
        row = conn.execute("select status, attempts from push_outbox").fetchone()
        assert row == ("sent", 1)


async def test_a_wrong_vapid_key_is_refused_by_the_push_service(clean_db: str, settings) -> None:
    recorder, service = push_service()
    other_key = with_local_vapid(get_settings().model_copy(
        update={"khadum_local_auth_dir": str(uuid.uuid4())[:8] + "-tmp-keys"}))
    try:
        endpoint = await register(service, other_key.vapid_public_key)
    finally:
        import shutil

        shutil.rmtree(other_key.khadum_local_auth_dir, ignore_errors=True)
    keys = BrowserKeys()
    with psycopg.connect(clean_db) as conn:
        act_as(conn, freelancer_claims(MOHAMMED))
        conn.execute("select public.push_subscribe(%s, %s, %s)",
                     (endpoint, keys.p256dh, keys.subscription(endpoint)["keys"]["auth"]))
        conn.execute("reset role")
        conn.commit()
        make_request(conn)
    db = Database(clean_db)
    await db.open()
    try:
        report = await drain_push(db, settings, client=service)
    finally:
        await db.close()
    assert report.failed == 1 and recorder.messages == []
    with psycopg.connect(clean_db) as conn:
        status, error = conn.execute("select status, last_error from push_outbox").fetchone()
    assert status == "failed" and "403" in error  # permanent: not retried


async def test_a_gone_subscription_is_removed(clean_db: str, settings) -> None:
    recorder, service = push_service()
    keys = BrowserKeys()
    endpoint = await register(service, settings.vapid_public_key)
    token = endpoint.rsplit("/", 1)[1]
    with psycopg.connect(clean_db) as conn:
        act_as(conn, freelancer_claims(MOHAMMED))
        conn.execute("select public.push_subscribe(%s, %s, %s)",
                     (endpoint, keys.p256dh, keys.subscription(endpoint)["keys"]["auth"]))
        conn.execute("reset role")
        conn.commit()
        make_request(conn, phone="+966500000001")
        make_request(conn, phone="+966500000002")
    assert (await service.post(f"/dev/push/gone/{token}")).json() == {"gone": True}
    db = Database(clean_db)
    await db.open()
    try:
        await drain_push(db, settings, client=service, limit=1)
    finally:
        await db.close()
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from push_subscriptions").fetchone() == (0,)
        statuses = sorted(r[0] for r in conn.execute("select status from push_outbox"))
        assert statuses == ["gone", "gone"]  # the one sent and the one still waiting
        logged = conn.execute("select details->>'status' from activity_log "
                              "where action = 'push.subscription_removed'").fetchall()
        assert logged == [("410",)]
        make_request(conn, phone="+966500000003")  # no subscription: nothing queued
        assert conn.execute("select count(*) from push_outbox").fetchone() == (2,)
    assert recorder.messages == []


async def test_push_service_errors_retry_by_the_shared_rule(clean_db: str, settings) -> None:
    calls: list[int] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, text="try later")

    client = httpx.AsyncClient(transport=httpx.MockTransport(unavailable))
    keys = BrowserKeys()
    with psycopg.connect(clean_db) as conn:
        act_as(conn, freelancer_claims(MOHAMMED))
        conn.execute("select public.push_subscribe(%s, %s, %s)",
                     ("https://fcm.example.net/send/x1", keys.p256dh,
                      keys.subscription("x")["keys"]["auth"]))
        conn.execute("reset role")
        conn.commit()
        make_request(conn)
        limit = conn.execute("select public.retry_attempt_limit()").fetchone()[0]
    db = Database(clean_db)
    await db.open()
    try:
        statuses = []
        for _ in range(limit):
            report = await drain_push(db, settings, client=client, delay_scale=0)
            statuses.append("retried" if report.retried else "failed" if report.failed else "-")
    finally:
        await db.close()
    assert statuses == ["retried"] * (limit - 1) + ["failed"]
    assert len(calls) == limit
    with psycopg.connect(clean_db) as conn:
        status, attempts, error = conn.execute(
            "select status, attempts, last_error from push_outbox").fetchone()
        assert (status, attempts) == ("failed", limit) and error.startswith("gave up after")
        assert conn.execute("select count(*) from activity_log "
                            "where action = 'push.failed'").fetchone() == (1,)
        # The subscription stays: a 503 says nothing about the browser.
        assert conn.execute("select count(*) from push_subscriptions").fetchone() == (1,)


@pytest.mark.parametrize(("endpoint", "production", "allowed"), [
    ("https://fcm.googleapis.com/fcm/send/abc:APA91b", True, True),
    ("https://updates.push.services.mozilla.com/wpush/v2/gAAA", True, True),
    ("https://web.push.apple.com/QGuQyavXutnMm", True, True),
    ("https://wns2-par02p.notify.windows.com/w/?token=x", True, True),
    ("http://fcm.googleapis.com/fcm/send/abc", True, False),  # not https
    ("https://fcm.googleapis.com:8443/fcm/send/abc", True, False),
    ("https://169.254.169.254/latest/meta-data", True, False),  # the worker is no proxy
    ("https://evil.example/fcm.googleapis.com", True, False),
    ("https://googleapis.com.evil.example/x", True, False),
    ("http://127.0.0.1:8000/dev/push/send/abc", True, False),
    ("http://127.0.0.1:8000/dev/push/send/abc", False, True),  # locally: the stand-in
    ("ftp://127.0.0.1/x", False, False),
])
def test_production_posts_only_to_browser_push_services(
        endpoint: str, production: bool, allowed: bool) -> None:
    from khadum.push.vapid import endpoint_allowed

    assert endpoint_allowed(endpoint, production) is allowed


async def test_an_answer_is_pushed_opened_and_stored_sealed(clean_db: str, settings) -> None:
    """Issue 16: the push outbox copies the answer notification's sealed body; the
    push sender opens it for the browser, which reads the client's words."""
    recorder, service = push_service()
    keys = BrowserKeys()
    endpoint = await register(service, settings.vapid_public_key)
    with psycopg.connect(clean_db) as conn:
        act_as(conn, freelancer_claims(MOHAMMED))
        conn.execute("select public.push_subscribe(%s, %s, %s)",
                     (endpoint, keys.p256dh, keys.subscription(endpoint)["keys"]["auth"]))
        conn.execute("reset role")
        conn.commit()
        request_id = make_request(conn)
    async with await psycopg.AsyncConnection.connect(clean_db) as aconn:
        await sealed.answer_details(aconn, data_keys(), request_id, "+966501234567",
                                    "نعم، التسليم خلال أسبوع")
    with psycopg.connect(clean_db) as conn:
        stored = conn.execute("select p.payload ->> 'body' from push_outbox p join "
                              "notifications n on n.id = p.notification_id "
                              "where n.type = 'details_answered'").fetchone()
    assert stored is not None and CIPHERTEXT.match(stored[0])
    db = Database(clean_db)
    await db.open()
    try:
        assert (await drain_push(db, settings, client=service)).sent == 2
    finally:
        await db.close()
    bodies = [keys.decrypt(m["body"]) for m in recorder.messages]
    answer = next(b for b in bodies if b["type"] == "details_answered")
    assert answer["body"] == "أحمد محمد: نعم، التسليم خلال أسبوع"
