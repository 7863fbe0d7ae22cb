"""/functions/v1/admin_api through real HTTP: staff read the KPIs and the queues and
act on them; a freelancer, a client chat session and anon are refused."""

from __future__ import annotations

import csv
import io
import uuid

import psycopg

from khadum.auth import local_auth_signing_key, mint_token
from khadum.seed.load import user_id
from khadum.settings import get_settings
from tests.factories import (
    MOHAMMED,
    NOURA,
    add_message,
    insert_email,
    insert_inbound,
    make_chat,
    make_request,
)
from tests.http import bearer, local_client

API = "/functions/v1/admin_api"


def staff_bearer() -> dict[str, str]:
    claims = {
        "sub": str(user_id(NOURA)),
        "email": f"{NOURA}@demo.khadum.app",
        "app_metadata": {"provider": "email", "khadum_role": "staff"},
    }
    settings = get_settings()
    token = mint_token(settings, claims, 600, key=local_auth_signing_key(settings))
    return {"Authorization": f"Bearer {token}"}


async def test_staff_read_the_kpis_and_others_are_refused(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request = make_request(conn, phone="+966500000301")
        conn.execute(
            "update client_requests set status = 'accepted', responded_at = now() where id = %s",
            (request,),
        )
        conn.execute(
            "insert into request_events (request_id, event_type, actor) "
            "values (%s, 'accepted', 'freelancer')",
            (request,),
        )
        make_request(conn, phone="+966500000302")
    async with local_client(clean_db) as client:
        me = await client.get(f"{API}/me", headers=staff_bearer())
        assert me.status_code == 200 and me.json()["staff"] is True
        kpis = (await client.get(f"{API}/kpis", headers=staff_bearer())).json()
        assert kpis["summary"]["counts"]["requests"] == 2
        assert kpis["summary"]["acceptance_rate"] == 1.0
        assert kpis["funnel"]["requests"] == 2
        assert kpis["previous"]["counts"]["requests"] == 0
        series = (await client.get(f"{API}/series?bucket=month", headers=staff_bearer())).json()
        assert sum(row["requests"] for row in series["items"]) == 2
        people = (await client.get(f"{API}/freelancers", headers=staff_bearer())).json()
        assert [row["requests"] for row in people["items"]] == [2]

        for headers in (bearer(MOHAMMED), {}):
            for path in ("/me", "/kpis", "/activity", "/dead-letters", "/emails/failed"):
                refused = await client.get(API + path, headers=headers)
                assert refused.status_code in (401, 403), path
                assert refused.json()["error"]["code"] in ("staff_only", "missing_token")


async def test_bad_periods_and_pages_are_4xx(clean_db: str) -> None:
    async with local_client(clean_db) as client:
        for query in (
            "/kpis?from=2025-10-31&to=2025-10-01",
            "/kpis?from=2020-01-01&to=2025-10-01",
            "/kpis?from=yesterday",
            "/series?bucket=year",
            "/activity?limit=100000",
            "/activity?action=DROP%20TABLE",
            "/activity?request_id=not-a-uuid",
        ):
            answer = await client.get(API + query, headers=staff_bearer())
            assert answer.status_code == 422, query
            assert "error" in answer.json()


async def test_activity_log_filters_and_csv(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request = make_request(conn, phone="+966500000303")
        conn.execute(
            "select public.log_activity('freelancer', 'f1', 'request.rejected', 'request', %s, "
            "'{\"reason\": \"مشغول هذا الأسبوع\"}')",
            (str(request),),
        )
    async with local_client(clean_db) as client:
        page = (
            await client.get(
                f"{API}/activity", params={"request_id": str(request)}, headers=staff_bearer()
            )
        ).json()
        assert page["total"] >= 1
        assert {item["subject_id"] for item in page["items"]} == {str(request)}
        exported = await client.get(
            f"{API}/activity.csv", params={"action": "request.rejected"}, headers=staff_bearer()
        )
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
        assert rows[0][:3] == ["id", "created_at", "actor_type"]
        assert any("مشغول هذا الأسبوع" in row[-1] for row in rows[1:])


async def test_retry_a_dead_letter_and_resend_an_email(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        dead = (insert_inbound(conn, "wamid.api-dead", "+966500000304", "text", {},
                               attempts=5, last_error="boom"),)
        email = (insert_email(conn, key="api:bounce", subject="s", html="<p>h</p>", text="t",
                              status="failed", last_error="refused"),)
        chat = make_chat(conn, make_request(conn, phone="+966500000305"))
        add_message(conn, chat, "واتسابي 0501234567")
    assert dead is not None and email is not None
    async with local_client(clean_db) as client:
        listed = (await client.get(f"{API}/dead-letters", headers=staff_bearer())).json()
        assert [item["id"] for item in listed["items"]] == [str(dead[0])]
        retried = await client.post(f"{API}/dead-letters/{dead[0]}/retry", headers=staff_bearer())
        assert retried.status_code == 200
        again = await client.post(f"{API}/dead-letters/{dead[0]}/retry", headers=staff_bearer())
        assert again.status_code == 409
        missing = await client.post(
            f"{API}/dead-letters/{uuid.uuid4()}/retry", headers=staff_bearer()
        )
        assert missing.status_code == 404
        stranger = await client.post(
            f"{API}/emails/{email[0]}/resend", headers=bearer(MOHAMMED)
        )
        assert stranger.status_code == 403
        resent = await client.post(f"{API}/emails/{email[0]}/resend", headers=staff_bearer())
        assert resent.status_code == 200 and resent.json()["status"] == "queued"
        masked = (await client.get(f"{API}/masked", headers=staff_bearer())).json()
        assert masked["total"] == 1 and "0501234567" not in masked["items"][0]["message_content"]
        assert masked["items"][0]["message_content"].startswith("واتسابي")  # opened for staff
    with psycopg.connect(clean_db) as conn:
        actions = {
            row[0]
            for row in conn.execute(
                "select action from activity_log where actor_type = 'operator'"
            ).fetchall()
        }
    # The staff actions, and the console's read of a sealed message (issue 16).
    assert actions == {"staff.dead_letter_retried", "staff.email_resent", "audit.staff_read"}


async def test_each_staff_read_of_plaintext_is_logged_by_id(clean_db: str) -> None:
    """Issue 16 item 3: the console opens sealed messages and email subjects for
    staff, and writes who read which rows to activity_log (ids, never the text);
    a refused caller reads nothing and leaves no read in the log."""
    with psycopg.connect(clean_db) as conn:
        chat = make_chat(conn, make_request(conn, phone="+966500000311"))
        masked = add_message(conn, chat, "رقمي 0501234567 كلمني")
        flagged = add_message(conn, chat, "كلمني على الواتس لو سمحت")
        conn.execute("insert into chat_message_flags (chat_id, message_id, sender_type, reason) "
                     "values (%s, %s, 'client', 'contact_request')", (chat, flagged))
        email = insert_email(conn, to="huda.private@example.com", subject="موضوع سري للاختبار",
                             status="bounced", last_error="mailbox full")
    staff = str(user_id(NOURA))
    async with local_client(clean_db) as client:
        for path in ("/masked", "/flagged", "/emails/failed"):
            assert (await client.get(API + path, headers=bearer(MOHAMMED))).status_code == 403
        with psycopg.connect(clean_db) as conn:
            assert conn.execute("select count(*) from activity_log "
                                "where action = 'audit.staff_read'").fetchone() == (0,)
        masked_page = (await client.get(f"{API}/masked", headers=staff_bearer())).json()
        flagged_page = (await client.get(f"{API}/flagged", headers=staff_bearer())).json()
        emails = (await client.get(f"{API}/emails/failed", headers=staff_bearer())).json()
    # Staff see the text they review, opened; an email's recipient only by its display form.
    assert [i["id"] for i in masked_page["items"]] == [str(masked)]
    assert masked_page["items"][0]["message_content"].startswith("رقمي")
    assert flagged_page["items"][0]["message_content"] == "كلمني على الواتس لو سمحت"
    (item,) = emails["items"]
    assert (item["id"], item["to_email"], item["subject"]) == (
        str(email), "h•••@example.com", "موضوع سري للاختبار")
    with psycopg.connect(clean_db) as conn:
        reads = conn.execute(
            "select actor_type, actor_id, subject_type, subject_id, details from activity_log "
            "where action = 'audit.staff_read' order by id").fetchall()
        everything = " ".join(str(r) for r in conn.execute(
            "select details::text, subject_id from activity_log").fetchall())
    assert reads == [
        ("operator", staff, "chat_message", str(masked), {"ids": [str(masked)]}),
        ("operator", staff, "chat_message", str(flagged), {"ids": [str(flagged)]}),
        ("operator", staff, "email", str(email), {"ids": [str(email)]}),
    ]
    for text in ("رقمي", "كلمني", "موضوع سري", "huda.private"):
        assert text not in everything
