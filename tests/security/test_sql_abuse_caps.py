"""M4 and M5 replayed (issue 15): contact details outside the chat (30 questions
in a row carrying «اتصل 0501234567», a phone or wa.me link in a name or
headline) and no caps (one phone holding 3 pending requests to the same
freelancer; 15 phones putting 15 requests on one freelancer in 28 s). Real
PostgreSQL through the real functions; the bot over signed webhooks."""

from __future__ import annotations

import json
import threading
import uuid

import psycopg
import pytest

from khadum.bot.catalogue import t
from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from khadum.seed.load import freelancer_id
from tests.bot.flows import complete_request
from tests.factories import MOHAMMED, make_request, outbox_bodies, phone_index, submit_request
from tests.http import bearer, local_client
from tests.whatsapp.meta import WhatsAppUser, bot_settings, text_of, webhook_client

RESPOND = "/functions/v1/respond_request"
CONTACT = "اتصل 0501234567 أو واتس wa.me/966501234567"


def submit(conn: psycopg.Connection, phone: str, freelancer: uuid.UUID) -> uuid.UUID:
    return submit_request(conn, phone, freelancer, email="ahmed@example.com",
                          description="أبي إعلان تسويقي")


def refusal(conn: psycopg.Connection, phone: str, freelancer: uuid.UUID) -> str:
    with pytest.raises(psycopg.DatabaseError) as info, conn.transaction():
        submit(conn, phone, freelancer)
    assert info.value.sqlstate == "KH429"
    return str(info.value.diag.message_primary)


def freelancers(conn: psycopg.Connection, n: int) -> list[uuid.UUID]:
    return [r[0] for r in conn.execute(
        "select id from freelancers order by id limit %s", (n,)).fetchall()]


async def bot_writes_the_notices(url: str, phone: str) -> None:
    """What a worker does with the client's waiting events: the bot's messages."""
    db = Database(url, max_size=2)
    await db.open()
    try:
        await InboundProcessor(db, bot_settings(url)).process_phone(phone)
    finally:
        await db.close()


# -- M4: what a freelancer sends a client is masked ------------------------------------

async def test_thirty_questions_send_three_and_none_carries_a_phone(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn, MOHAMMED, phone="+966500001001")
    statuses = []
    async with local_client(clean_db, workers=False) as client:
        for _ in range(30):
            res = await client.post(RESPOND, headers=bearer(MOHAMMED), json={
                "request_id": str(request_id), "action": "request_details",
                "message": CONTACT})
            statuses.append(res.status_code)
            if res.status_code == 429:
                assert res.json()["error"]["code"] == "too_many_questions"
    assert statuses == [200] * 3 + [429] * 27
    await bot_writes_the_notices(clean_db, "+966500001001")
    with psycopg.connect(clean_db) as conn:
        queued = [json.dumps(b, ensure_ascii=False)
                  for b in outbox_bodies(conn, request_id=request_id)]
        thread = [r[0] for r in conn.execute(
            "select message from request_events where request_id = %s "
            "and event_type = 'details_requested'", (request_id,)).fetchall()]
    assert len(queued) == 3 and len(thread) == 3
    for text in queued + thread:
        assert "0501234567" not in text and "wa.me" not in text and "[🔒]" in text


async def test_a_reject_reason_is_masked_before_it_is_kept_or_queued(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn, MOHAMMED, phone="+966500001002")
    async with local_client(clean_db, workers=False) as client:
        res = await client.post(RESPOND, headers=bearer(MOHAMMED), json={
            "request_id": str(request_id), "action": "reject",
            "message": f"مشغول، {CONTACT}"})
    assert res.status_code == 200
    await bot_writes_the_notices(clean_db, "+966500001002")
    with psycopg.connect(clean_db) as conn:
        kept = conn.execute("select response_message from client_requests where id = %s",
                            (request_id,)).fetchone()
        queued = [" ".join(json.dumps(b, ensure_ascii=False)
                           for b in outbox_bodies(conn, request_id=request_id))]
    assert kept is not None and queued[0]
    assert "مشغول" in queued[0]  # the reason reaches the client…
    for text in (kept[0], queued[0], res.json()["request"]["response_message"]):
        assert "0501234567" not in text and "wa.me" not in text  # …masked
    assert kept[0].startswith("مشغول")


@pytest.mark.parametrize(("field", "value"), [
    ("display_name", "محمد 0501234567"),
    ("display_name_en", "Mohammed wa.me/966501234567"),
    ("headline", "كاتب إعلانات، واتس ٠٥٠١٢٣٤٥٦٧"),
    ("headline_en", "Copywriter - mohammed@example.com"),
    ("headline_en", "Copywriter, DM @mohammed_ads"),
])
def test_names_and_headlines_cannot_carry_contact_details(
    conn: psycopg.Connection, field: str, value: str
) -> None:
    with pytest.raises(psycopg.DatabaseError) as info, conn.transaction():
        conn.execute(f"update freelancers set {field} = %s where id = %s",
                     (value, freelancer_id(MOHAMMED)))
    assert info.value.sqlstate == "KH422"
    assert info.value.diag.message_primary == "contact_details_not_allowed"


def test_naming_a_platform_is_a_skill_not_a_contact(conn: psycopg.Connection) -> None:
    conn.execute("update freelancers set headline_en = %s where id = %s",
                 ("Instagram and TikTok ads, 10 years", freelancer_id(MOHAMMED)))


# -- M5: caps ---------------------------------------------------------------------------

def test_one_pending_request_per_phone_and_freelancer(conn: psycopg.Connection) -> None:
    mohammed = freelancer_id(MOHAMMED)
    submit(conn, "+966500001101", mohammed)
    assert refusal(conn, "+966500001101", mohammed) == "already_pending_with_freelancer"
    assert conn.execute("select count(*) from client_requests where client_phone_index = %s",
                        (phone_index("+966500001101"),)).fetchone() == (1,)


def test_at_most_three_pending_requests_per_phone(conn: psycopg.Connection) -> None:
    first, *others = freelancers(conn, 4)
    for freelancer in (first, *others[:2]):
        submit(conn, "+966500001102", freelancer)
    assert refusal(conn, "+966500001102", others[2]) == "too_many_pending_requests"
    # An answered (or expired) request frees its place.
    conn.execute("update client_requests set status = 'rejected' where freelancer_id = %s "
                 "and client_phone_index = %s", (first, phone_index("+966500001102")))
    submit(conn, "+966500001102", others[2])


def test_at_most_ten_new_requests_per_freelancer_per_hour(conn: psycopg.Connection) -> None:
    mohammed = freelancer_id(MOHAMMED)
    for i in range(10):
        submit(conn, f"+9665000012{i:02d}", mohammed)
    assert refusal(conn, "+966500001299", mohammed) == "freelancer_busy"


def test_fifteen_phones_at_once_put_at_most_ten_requests_on_one_freelancer(
    clean_db: str,
) -> None:
    mohammed = freelancer_id(MOHAMMED)
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def one(phone: str) -> None:
        with psycopg.connect(clean_db) as conn:
            start.wait()
            try:
                submit(conn, phone, mohammed)
                conn.commit()
                outcomes.append("stored")
            except psycopg.DatabaseError as exc:
                outcomes.append(str(exc.diag.message_primary))

    # 15 phones, and 5 more attempts from the first phone, all at once.
    phones = [f"+9665000013{i:02d}" for i in range(15)] + ["+966500001300"] * 5
    threads = [threading.Thread(target=one, args=(p,)) for p in phones]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    with psycopg.connect(clean_db) as conn:
        stored = conn.execute("select count(*) from client_requests where freelancer_id = %s",
                              (mohammed,)).fetchone()
        most_per_phone = conn.execute(
            "select max(n) from (select count(*) as n from client_requests "
            "where freelancer_id = %s group by client_phone_index) per_phone",
            (mohammed,)).fetchone()
    assert stored == (10,) and outcomes.count("stored") == 10
    # Six attempts from one phone never make two requests. (Whether that phone got
    # one of the ten places depends on the race, so it is not asserted.)
    assert most_per_phone == (1,)
    assert set(outcomes) <= {"stored", "freelancer_busy", "already_pending_with_freelancer"}


async def test_the_bot_answers_a_cap_in_words_and_keeps_going(clean_db: str) -> None:
    phone = "+966500001401"
    with psycopg.connect(clean_db) as conn:
        make_request(conn, MOHAMMED, phone=phone)  # already waiting for محمد
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, phone, "أحمد")
        await complete_request(ahmed, clean_db)
        said = " ".join(text_of(m) for m in meta.to(phone)[-2:])
        expected = t("cap_already_pending_with_freelancer", "ar", freelancer="محمد الغامدي")
        assert expected in said
        # The bot is still there: the next message gets an ordinary answer.
        reply = await ahmed.say("مساعدة")
        assert reply and t("help", "ar") in " ".join(text_of(m) for m in reply)
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from client_requests where client_phone_index "
                            "= %s", (phone_index(phone),)).fetchone() == (1,)
        left = conn.execute("select count(*) from whatsapp_inbound where client_phone_index "
                            "= %s and (processed_at is null or last_error is not null)",
                            (phone_index(phone),)).fetchone()
    assert left == (0,)
