"""Answers under contention: concurrent accepts give exactly one chat; an accept
racing expire_requests() ends in exactly one consistent outcome."""

from __future__ import annotations

import asyncio
import threading
import uuid

import psycopg

from tests.factories import MOHAMMED, make_request
from tests.http import bearer, local_client

URL = "/functions/v1/respond_request"


def _counts(url: str, request_id: uuid.UUID) -> dict[str, object]:
    with psycopg.connect(url) as conn:
        def one(sql: str) -> object:
            row = conn.execute(sql, (request_id,)).fetchone()
            assert row is not None
            return row[0]
        return {
            "status": one("select status from client_requests where id = %s"),
            "chats": one("select count(*) from private_chats where request_id = %s"),
            # The client's WhatsApp notices: events the bot turns into messages.
            "whatsapp": one("select count(*) from request_events where request_id = %s "
                            "and client_notice_kind('request', event_type) is not null"),
            "emails": one("select count(*) from email_outbox where request_id = %s"),
            "events": one("select string_agg(event_type, ',' order by id) from request_events "
                          "where request_id = %s"),
        }


async def test_concurrent_accepts_create_exactly_one_chat(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
    body = {"request_id": str(request_id), "action": "accept"}
    async with local_client(clean_db) as client:
        responses = await asyncio.gather(
            *(client.post(URL, headers=bearer(MOHAMMED), json=body) for _ in range(8)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 7
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "request_already_accepted"}
    assert _counts(clean_db, request_id) == {
        "status": "accepted", "chats": 1, "whatsapp": 1, "emails": 2, "events": "accepted"}


def test_accept_racing_the_expiry_job_has_one_outcome(clean_db: str) -> None:
    """Both run for real at the same moment, many times over; whichever takes the
    row lock first wins and the other sees its result (expire skips locked rows,
    accept re-checks status and expiry under the lock)."""
    with psycopg.connect(clean_db) as conn:
        ids = [make_request(conn, phone=f"+9665000000{i:02d}") for i in range(16)]
    from khadum.seed.load import user_id

    outcomes: dict[uuid.UUID, str] = {}

    def accept(request_id: uuid.UUID, go: threading.Barrier) -> None:
        with psycopg.connect(clean_db) as conn:
            go.wait()
            try:
                conn.execute("select public.accept_request(%s, %s, %s, %s, '[]')",
                             (request_id, user_id(MOHAMMED), uuid.uuid4(),
                              uuid.uuid4().hex + "abcdefgh"))
                conn.commit()
                outcomes[request_id] = "accepted"
            except psycopg.Error as exc:
                outcomes[request_id] = exc.diag.message_primary or "error"

    def expire(go: threading.Barrier) -> None:
        with psycopg.connect(clean_db, autocommit=True) as conn:
            go.wait()
            # A clock an hour ahead: every pending request is overdue to this job.
            conn.execute("select public.expire_requests(now() + interval '1 hour')")

    for request_id in ids:
        go = threading.Barrier(2)
        threads = [threading.Thread(target=accept, args=(request_id, go)),
                   threading.Thread(target=expire, args=(go,))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)

    for request_id in ids:
        counts = _counts(clean_db, request_id)
        if outcomes[request_id] == "accepted":
            assert counts == {"status": "accepted", "chats": 1, "whatsapp": 1, "emails": 0,
                              "events": "accepted"}
        else:
            assert outcomes[request_id] == "request_already_expired"
            assert counts == {"status": "expired", "chats": 0, "whatsapp": 1, "emails": 0,
                              "events": "expired"}
    with psycopg.connect(clean_db) as conn:
        keys = conn.execute("select request_id, client_notice_kind('request', event_type) "
                            "from request_events where event_type <> 'created'").fetchall()
    assert all((outcomes[r] == "accepted") == (k == "request_accepted") for r, k in keys)
