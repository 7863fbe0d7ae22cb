"""Issue 16: the client's answer to a freelancer's question is stored sealed
(request_events.message, notifications.message, the web push's copy) and the
freelancer's dashboard shows it — notifications, catch-up, one notification, the
request thread, in Arabic and English; another freelancer sees nothing (RLS)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from khadum.crypto import CIPHERTEXT
from khadum.requests import sealed
from tests.factories import MOHAMMED, NOURA, keys, make_request
from tests.http import bearer, local_client

API = "/functions/v1/dashboard_api"
PHONE = "+966501234567"
ANSWER = "التسليم خلال أسبوع وميزانيتي مرنة قليلاً"


async def _answer(url: str, request_id: object, answer: str = ANSWER) -> None:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        await sealed.answer_details(conn, keys(), request_id, PHONE, answer)


async def test_the_answer_is_sealed_and_its_freelancer_reads_it(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
    since = datetime.now(UTC) - timedelta(seconds=1)
    await _answer(clean_db, request_id)
    with psycopg.connect(clean_db) as conn:
        event = conn.execute("select message from request_events where request_id = %s "
                             "and event_type = 'details_answered'", (request_id,)).fetchone()
        notice = conn.execute("select title, message from notifications where request_id = %s "
                              "and type = 'details_answered'", (request_id,)).fetchone()
        everywhere = " ".join(str(v) for (v,) in conn.execute(
            "select message from request_events union all select message from notifications "
            "union all select payload::text from push_outbox "
            "union all select payload::text from realtime.messages "
            "union all select details::text from activity_log"))
    assert event is not None and CIPHERTEXT.match(event[0])
    assert notice is not None and notice[0] == "💬 رد العميل على سؤالك"
    assert CIPHERTEXT.match(notice[1])
    assert "ميزانيتي" not in everywhere

    async with local_client(clean_db, workers=False) as client:
        mine = (await client.get(f"{API}/notifications", headers=bearer(MOHAMMED))).json()
        english = (await client.get(f"{API}/notifications", params={"lang": "en"},
                                    headers=bearer(MOHAMMED))).json()
        changed = (await client.get(f"{API}/changes", params={"since": since.isoformat()},
                                    headers=bearer(MOHAMMED))).json()
        item = next(i for i in mine["items"] if i["type"] == "details_answered")
        one = (await client.get(f"{API}/notifications/{item['id']}",
                                headers=bearer(MOHAMMED))).json()
        thread = (await client.get(f"{API}/requests/{request_id}",
                                   headers=bearer(MOHAMMED))).json()
        theirs = (await client.get(f"{API}/notifications", headers=bearer(NOURA))).json()
        stranger = await client.get(f"{API}/requests/{request_id}", headers=bearer(NOURA))
    expected = f"أحمد محمد: {ANSWER}"
    assert item["message"] == expected
    assert next(i for i in english["items"] if i["type"] == "details_answered")[
        "message"] == expected
    assert next(n for n in changed["notifications"] if n["type"] == "details_answered")[
        "message"] == expected
    assert one["notification"]["message"] == expected
    assert [(e["event_type"], e["message"]) for e in thread["events"]
            if e["event_type"] == "details_answered"] == [("details_answered", ANSWER)]
    assert theirs["items"] == [] and stranger.status_code == 404


async def test_refusals_stand_and_nothing_is_stored(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
        other = make_request(conn, phone="+966500000009")
    with pytest.raises(psycopg.Error) as blank:
        await _answer(clean_db, request_id, "   ")
    assert blank.value.sqlstate == "KH422"
    with pytest.raises(psycopg.Error) as not_theirs:
        await _answer(clean_db, other)  # another client's request: not found
    assert not_theirs.value.sqlstate == "KH404"
    with psycopg.connect(clean_db) as conn:
        # The function refuses a plain value where the sealed one belongs.
        with pytest.raises(psycopg.Error) as plain:
            conn.execute("select public.answer_request_details(%s, %s, 'نعم', 'نعم', 'نعم')",
                         (request_id, sealed.phone_index(keys(), PHONE)))
        assert plain.value.sqlstate == "KH422"
        conn.rollback()
        assert conn.execute("select count(*) from request_events where event_type = "
                            "'details_answered'").fetchone() == (0,)
