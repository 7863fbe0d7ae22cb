"""Issue 13 items 1 and 2 at the API and the database: the dashboard's catch-up
after a (re)join (`GET dashboard_api/changes?since=`) returns, through RLS, what
changed after the cursor — new notifications, notifications read, the requests
whose card changed (new, answered, a thread entry, an email's state, expired) —
and nothing of another freelancer's; and every such change is broadcast on the
freelancer's private topic as it happens (thread entries, email states)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from khadum.dashboard import queries
from khadum.requests import sealed
from khadum.seed.load import freelancer_id
from tests.factories import MOHAMMED, NOURA, insert_email, keys, make_request
from tests.http import bearer, local_client

API = "/functions/v1/dashboard_api"


def backdate(conn: psycopg.Connection, request_id: uuid.UUID, by: str = "1 hour") -> None:
    """Everything about a request happened a while ago (before the page's cursor)."""
    for table, column in (("client_requests", "id"), ("notifications", "request_id"),
                          ("request_events", "request_id"), ("email_outbox", "request_id")):
        stamp = "created_at"
        conn.execute(f"update {table} set {stamp} = {stamp} - %s::interval "
                     f"where {column} = %s", (by, request_id))
    conn.execute("update email_outbox set updated_at = updated_at - %s::interval "
                 "where request_id = %s", (by, request_id))
    conn.execute("update client_requests set responded_at = responded_at - %s::interval "
                 "where id = %s", (by, request_id))


async def test_changes_since_a_cursor_through_rls(clean_db: str) -> None:
    with psycopg.connect(clean_db, autocommit=True) as conn:
        quiet = make_request(conn, phone="+966500000001")
        answered = make_request(conn, phone="+966500000002")
        emailed = make_request(conn, phone="+966500000003")
        expiring = make_request(conn, phone="+966500000004", expires_in=timedelta(minutes=30))
        theirs = make_request(conn, NOURA, phone="+966500000005")
        insert_email(conn, key="k1", to="a@example.com", request_id=emailed)
        for rid in (quiet, answered, emailed, expiring, theirs):
            backdate(conn, rid)
        conn.execute("update client_requests set expires_at = now() - interval '1 second' "
                     "where id = %s", (expiring,))
        read_one = conn.execute("select id from notifications where request_id = %s",
                                (quiet,)).fetchone()
    cursor = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    with psycopg.connect(clean_db, autocommit=True) as conn:
        fresh = make_request(conn, phone="+966500000006")
        conn.execute("insert into request_events (request_id, event_type, actor, message) "
                     "values (%s, 'details_answered', 'client', %s)",
                     (answered, keys().encrypt("خلال أسبوع", sealed.ANSWER)))
        conn.execute("update email_outbox set status = 'delivered' where request_id = %s",
                     (emailed,))
        conn.execute("update notifications set is_read = true, read_at = now() where id = %s",
                     (read_one[0],))
        make_request(conn, NOURA, phone="+966500000007")  # another freelancer's: never seen
    async with local_client(clean_db) as client:
        res = await client.get(f"{API}/changes", params={"since": cursor},
                               headers=bearer(MOHAMMED))
        assert res.status_code == 200, res.text
        body = res.json()
        later = await client.get(f"{API}/changes", params={"since": body["cursor"]},
                                 headers=bearer(MOHAMMED))
        bad = await client.get(f"{API}/changes", params={"since": "yesterday"},
                               headers=bearer(MOHAMMED))
        missing = await client.get(f"{API}/changes", headers=bearer(MOHAMMED))
        ancient = await client.get(f"{API}/changes", params={"since": "0001-01-01T00:00:00Z"},
                                   headers=bearer(MOHAMMED))
        anonymous = await client.get(f"{API}/changes", params={"since": cursor})
        listed = (await client.get(f"{API}/notifications", headers=bearer(MOHAMMED))).json()
    assert sorted(body["request_ids"]) == sorted(map(str, (fresh, answered, emailed, expiring)))
    notes = {(n["request_id"], n["is_read"]) for n in body["notifications"]}
    assert notes == {(str(fresh), False), (str(quiet), True)}
    assert body["complete"] is True and body["unread"] == 4
    assert datetime.fromisoformat(body["cursor"]) > datetime.fromisoformat(cursor)
    # From the new cursor, only the overlap comes back (the page merges by id).
    assert set(later.json()["request_ids"]) <= set(body["request_ids"])
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    assert missing.status_code == 422
    assert ancient.status_code == 200 and len(ancient.json()["notifications"]) == 5
    assert anonymous.status_code == 401
    assert "cursor" in listed


async def test_a_crowded_window_answers_the_most_recent_changes(
        clean_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """More changes than one answer holds: the answer is the most recent ones (the
    top of the list), oldest first, marked incomplete so the page rereads."""
    monkeypatch.setattr(queries, "CHANGES_LIMIT", 3)
    cursor = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    with psycopg.connect(clean_db, autocommit=True) as conn:
        made = [make_request(conn, phone=f"+96650000010{i}") for i in range(5)]
        for age, rid in enumerate(reversed(made)):  # made[0] oldest, made[4] newest
            conn.execute("update notifications set created_at = now() - %s::interval "
                         "where request_id = %s", (f"{age + 1} minutes", rid))
        # The oldest is read just now: a change more recent than every creation.
        conn.execute("update notifications set is_read = true, read_at = now() "
                     "where request_id = %s", (made[0],))
    async with local_client(clean_db) as client:
        res = await client.get(f"{API}/changes", params={"since": cursor},
                               headers=bearer(MOHAMMED))
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["complete"] is False
    assert [n["request_id"] for n in body["notifications"]] == [
        str(made[3]), str(made[4]), str(made[0])]


def broadcasts(conn: psycopg.Connection, topic: str, event: str) -> list[dict]:
    return [row[0] for row in conn.execute(
        "select payload from realtime.messages where topic = %s and event = %s "
        "order by inserted_at, id", (topic, event)).fetchall()]


def test_thread_entries_and_email_states_are_broadcast(conn: psycopg.Connection) -> None:
    topic = f"freelancer:{freelancer_id(MOHAMMED)}"
    request_id = make_request(conn)
    conn.execute("insert into request_events (request_id, event_type, actor, message) "
                 "values (%s, 'details_answered', 'client', %s)",
                 (request_id, keys().encrypt("سرّي لا يُذاع", sealed.ANSWER)))
    events = broadcasts(conn, topic, "request_event")
    assert [(e["request_id"], e["event_type"]) for e in events] == [
        (str(request_id), "details_answered")]
    assert "سرّي" not in str(events)  # a hint: the page reads the text back through RLS
    insert_email(conn, key="k2", to="a@example.com", request_id=request_id)
    before = conn.execute("select updated_at from email_outbox where idempotency_key = 'k2'"
                          ).fetchone()
    conn.execute("update email_outbox set attempts = attempts + 1 where idempotency_key = 'k2'")
    conn.execute("update email_outbox set status = 'sent' where idempotency_key = 'k2'")
    conn.execute("update email_outbox set status = 'delivered' where idempotency_key = 'k2'")
    after = conn.execute("select updated_at from email_outbox where idempotency_key = 'k2'"
                         ).fetchone()
    emails = broadcasts(conn, topic, "request_email")
    # One per state (one transaction here: the same inserted_at, so no order).
    assert sorted(e["status"] for e in emails) == ["delivered", "queued", "sent"]
    # Ids and states only (realtime.send adds its own message `id`).
    assert all(set(e) - {"id"} == {"request_id", "status"} for e in emails)
    assert all(e["request_id"] == str(request_id) for e in emails)
    assert before is not None and after is not None and after[0] >= before[0]
    # Another freelancer's topic hears nothing of it.
    assert broadcasts(conn, f"freelancer:{freelancer_id(NOURA)}", "request_email") == []
