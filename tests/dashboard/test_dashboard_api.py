"""/functions/v1/dashboard_api through real HTTP: every read runs as the caller,
so RLS decides; marking read; status counts, search, pagination; the thread."""

from __future__ import annotations

import uuid
from datetime import timedelta

import psycopg

from khadum.db import act_as
from khadum.requests import sealed
from tests.factories import MOHAMMED, NOURA, freelancer_claims, keys, make_chat, make_request
from tests.http import bearer, local_client

API = "/functions/v1/dashboard_api"


async def test_each_freelancer_sees_only_their_own(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        mine = make_request(conn)
        make_chat(conn, mine)
    async with local_client(clean_db) as client:
        me = (await client.get(f"{API}/me", headers=bearer(MOHAMMED))).json()
        assert me["topic"] == f"freelancer:{me['freelancer']['id']}"
        for path in ("/notifications", "/requests", "/chats"):
            ours = (await client.get(API + path, headers=bearer(MOHAMMED))).json()
            theirs = (await client.get(API + path, headers=bearer(NOURA))).json()
            assert len(ours["items"]) == 1 and theirs["items"] == []
        detail = await client.get(f"{API}/requests/{mine}", headers=bearer(NOURA))
        assert detail.status_code == 404
        anonymous = await client.get(f"{API}/requests")
        assert anonymous.status_code == 401


async def test_marking_notifications_read(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        for i in range(3):
            make_request(conn, phone=f"+96650000000{i}")
    async with local_client(clean_db) as client:
        listed = (await client.get(f"{API}/notifications", headers=bearer(MOHAMMED))).json()
        assert listed["unread"] == 3
        first = listed["items"][0]["id"]
        one = await client.post(f"{API}/notifications/read", headers=bearer(MOHAMMED),
                                json={"ids": [first]})
        assert one.json() == {"updated": [first], "unread": 2}
        stranger = await client.post(f"{API}/notifications/read", headers=bearer(NOURA),
                                     json={"all": True})
        assert stranger.json() == {"updated": [], "unread": 0}
        rest = await client.post(f"{API}/notifications/read", headers=bearer(MOHAMMED),
                                 json={"all": True})
        assert len(rest.json()["updated"]) == 2 and rest.json()["unread"] == 0
        bad = await client.post(f"{API}/notifications/read", headers=bearer(MOHAMMED),
                                json={"ids": ["nope"]})
        assert bad.status_code == 422


async def test_requests_by_status_search_and_pages(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        for i in range(25):
            make_request(conn, name=f"عميل {i}", phone=f"+9665000001{i:02d}")
        make_request(conn, name="سارة العتيبي", expires_in=timedelta(seconds=-1))
        make_request(conn, name="خالد", status="rejected")
    async with local_client(clean_db) as client:
        page1 = (await client.get(f"{API}/requests?status=pending&page_size=10",
                                  headers=bearer(MOHAMMED))).json()
        assert page1["counts"] == {"pending": 25, "accepted": 0, "rejected": 1, "expired": 1,
                                   "all": 27}
        assert page1["total"] == 25 and len(page1["items"]) == 10
        stamps = [r["created_at"] for r in page1["items"]]
        assert stamps == sorted(stamps, reverse=True)
        page3 = (await client.get(f"{API}/requests?status=pending&page_size=10&page=3",
                                  headers=bearer(MOHAMMED))).json()
        assert len(page3["items"]) == 5
        expired = (await client.get(f"{API}/requests?status=expired",
                                    headers=bearer(MOHAMMED))).json()
        assert [(r["client_name"], r["effective_status"], r["actionable"])
                for r in expired["items"]] == [("سارة العتيبي", "expired", False)]
        # Arabic-aware search: hamza/taa marbuta variants still match.
        found = (await client.get(f"{API}/requests", params={"q": "ساره"},
                                  headers=bearer(MOHAMMED))).json()
        assert [r["client_name"] for r in found["items"]] == ["سارة العتيبي"]
        odd = (await client.get(f"{API}/requests", params={"q": "100%_"},
                                headers=bearer(MOHAMMED))).json()
        assert odd["items"] == [] and odd["total"] == 0
        invalid = await client.get(f"{API}/requests?status=lost", headers=bearer(MOHAMMED))
        assert invalid.status_code == 422


async def test_request_detail_has_its_thread_and_chat(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
    async with local_client(clean_db) as client:
        await client.post("/functions/v1/respond_request", headers=bearer(MOHAMMED), json={
            "request_id": str(request_id), "action": "request_details", "message": "متى؟"})
        with psycopg.connect(clean_db) as conn:
            conn.execute("insert into request_events (request_id, event_type, actor, message) "
                         "values (%s, 'details_answered', 'client', %s)",
                         (request_id, keys().encrypt("خلال أسبوع", sealed.ANSWER)))
        await client.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                          json={"request_id": str(request_id), "action": "accept"})
        detail = (await client.get(f"{API}/requests/{request_id}",
                                   headers=bearer(MOHAMMED))).json()
        missing = await client.get(f"{API}/chats/{uuid.uuid4()}", headers=bearer(MOHAMMED))
        chats = (await client.get(f"{API}/chats", headers=bearer(MOHAMMED))).json()
    assert [(e["event_type"], e["message"]) for e in detail["events"]] == [
        ("details_requested", "متى؟"), ("details_answered", "خلال أسبوع"), ("accepted", None)]
    assert detail["request"]["effective_status"] == "accepted"
    assert detail["chat"]["id"] == chats["items"][0]["id"]
    assert "chat_url_token" not in chats["items"][0]
    assert missing.status_code == 404


async def test_request_detail_shows_email_delivery_and_failures(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
    # No worker: the emails stay queued (with one, they leave at once on NOTIFY).
    async with local_client(clean_db, workers=False) as client:
        await client.post("/functions/v1/respond_request", headers=bearer(MOHAMMED),
                          json={"request_id": str(request_id), "action": "accept"})
        first = (await client.get(f"{API}/requests/{request_id}", headers=bearer(MOHAMMED))).json()
        with psycopg.connect(clean_db) as conn:
            conn.execute("update email_outbox set status = 'failed', attempts = 8, "
                         "last_error = 'resend 422: invalid to address' "
                         "where request_id = %s and template = 'client_request_accepted'",
                         (request_id,))
        later = (await client.get(f"{API}/requests/{request_id}", headers=bearer(MOHAMMED))).json()
    assert sorted((e["recipient"], e["status"]) for e in first["emails"]) == [
        ("client", "queued"), ("freelancer", "queued")]
    failed = next(e for e in later["emails"] if e["recipient"] == "client")
    assert (failed["status"], failed["last_error"]) == ("failed", "resend 422: invalid to address")
    with psycopg.connect(clean_db) as conn:
        act_as(conn, freelancer_claims(NOURA))  # another freelancer sees none of them
        rows = conn.execute("select * from public.request_emails(%s)", (request_id,)).fetchall()
    assert rows == []
