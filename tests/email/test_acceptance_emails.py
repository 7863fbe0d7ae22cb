"""The spec's two emails, rendered at queue time from the templates, queued once."""

from __future__ import annotations

import uuid

import psycopg
from psycopg.rows import dict_row

from khadum.crypto import CIPHERTEXT
from khadum.email.sealed import open_row
from khadum.requests.links import client_chat_link, client_chat_token, client_chat_url
from khadum.settings import get_settings
from tests.factories import MOHAMMED, keys, make_request, opened, opened_email
from tests.http import bearer, local_client

URL = "/functions/v1/respond_request"


async def test_accepting_queues_both_spec_emails_once(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn)
    async with local_client(clean_db) as client:
        res = await client.post(URL, headers=bearer(MOHAMMED),
                                json={"request_id": str(request_id), "action": "accept"})
        again = await client.post(URL, headers=bearer(MOHAMMED),
                                  json={"request_id": str(request_id), "action": "accept"})
    assert res.status_code == 200 and again.status_code == 409
    # The client's link is never stored (issue 15, H1): the queued email holds a
    # placeholder the sender replaces with the link as it hands the email over.
    chat_url, dashboard_url = client_chat_link(res.json()["chat_id"]), res.json()["chat_url"]
    real_link = client_chat_url(get_settings(),
                                client_chat_token(get_settings(), res.json()["chat_id"]))
    with psycopg.connect(clean_db, row_factory=dict_row) as conn:
        stored = conn.execute(
            "select * from email_outbox where request_id = %s", (request_id,)).fetchall()
    # Stored sealed (issue 16): the address, subject, bodies and params are ciphertext.
    for r in stored:
        assert all(CIPHERTEXT.match(r[c]) for c in ("to_email", "subject", "html_body",
                                                     "text_body", "params"))
    rows = {r["template"]: open_row(keys(), r) for r in stored}
    assert set(rows) == {"client_request_accepted", "freelancer_new_client"}
    assert rows["client_request_accepted"]["to_display"] == "a•••@example.com"
    assert rows["client_request_accepted"]["params"]["client_name"] == "أحمد محمد"

    client = rows["client_request_accepted"]
    assert client["idempotency_key"] == f"{request_id}:client_request_accepted"
    assert client["to_email"] == "ahmed@example.com" and client["status"] == "queued"
    assert client["subject"] == "تم قبول طلبك من المستقل محمد الغامدي ✅ - منصة خدوم"
    for part in (client["html_body"], client["text_body"]):
        assert "مرحباً أحمد محمد،" in part
        assert "تم قبوله من المستقل محمد الغامدي" in part
        assert "المستقل: محمد الغامدي (تقييم 4.8/5)" in part
        assert "الميزانية المتفق عليها: 300 ريال" in part
        assert "نوع الخدمة: تسويق وإعلانات" in part
        assert chat_url in part and "/chats/" not in part and real_link not in part
        assert "ملاحظة: جميع المحادثات آمنة ومشفرة داخل منصة خدوم." in part
        assert "مع تحيات فريق خدوم 💙" in part
    assert '<html lang="ar" dir="rtl">' in client["html_body"]
    assert f'href="{chat_url}"' in client["html_body"]

    freelancer = rows["freelancer_new_client"]
    assert freelancer["to_email"] == "mohammed-alghamdi@demo.khadum.app"
    assert freelancer["subject"] == "عميل جديد ينتظرك في المحادثة 🎉 - منصة خدوم"
    assert dashboard_url.startswith(get_settings().public_base_url + "/chats/")
    for part in (freelancer["html_body"], freelancer["text_body"]):
        assert "تهانينا! لديك عميل جديد يريد خدماتك." in part
        assert "الاسم: أحمد محمد" in part and "الميزانية: 300 ريال" in part
        assert "الجمهور المستهدف: شباب 18-30 سنة" in part
        assert dashboard_url in part and chat_url not in part and real_link not in part
        assert "5️⃣ ابدأ العمل وسلم النتائج" in part and "✨ قدم عمل عالي الجودة" in part
        assert "مع تحيات فريق خدوم 🚀" in part


async def test_an_english_speaking_client_gets_the_english_email(clean_db: str) -> None:
    with psycopg.connect(clean_db) as conn:
        request_id = make_request(conn, name="John Smith")
        conn.execute("update client_requests set client_language = 'en', client_email = null, "
                     "client_email_sealed = null where id = %s", (request_id,))
        other = make_request(conn, name="Sara", phone="+966500000001")
        conn.execute("update client_requests set client_language = 'en' where id = %s", (other,))
    async with local_client(clean_db) as client:
        for rid in (request_id, other):
            res = await client.post(URL, headers=bearer(MOHAMMED),
                                    json={"request_id": str(rid), "action": "accept"})
            assert res.status_code == 200
    with psycopg.connect(clean_db) as conn:
        no_address = conn.execute("select template from email_outbox where request_id = %s",
                                  (request_id,)).fetchall()
        english = conn.execute(
            "select id from email_outbox where request_id = %s "
            "and template = 'client_request_accepted'", (other,)).fetchone()
        assert english is not None
        found = opened_email(conn, english[0])
    assert no_address == [("freelancer_new_client",)]  # no client address: only the freelancer's
    subject, html, locale = found["subject"], found["html_body"], found["locale"]
    assert locale == "en" and subject.startswith("Your request was accepted by")
    assert 'dir="ltr"' in html and "Hello Sara," in html


async def test_both_emails_name_the_service_by_the_bots_short_title(clean_db: str) -> None:
    """Issue 10 item 3: the request made on WhatsApp carries a short title; the
    client's email says «لخدمة "إعلان تسويقي لساعة ذكية"» and the freelancer's
    «نوع المشروع» is that title, not the raw, cut-off description."""
    from tests.bot.flows import complete_request
    from tests.whatsapp.meta import WhatsAppUser, bot_settings, webhook_client

    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, "+966501234567", "أحمد")
        request_id = await complete_request(user, clean_db)
    with psycopg.connect(clean_db) as conn:
        request = opened(conn, uuid.UUID(request_id))
    stored = (request["service_title"], request["service_description"])
    assert stored == ("إعلان تسويقي لساعة ذكية", "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
    async with local_client(clean_db) as client:
        res = await client.post(URL, headers=bearer(MOHAMMED),
                                json={"request_id": request_id, "action": "accept"})
    assert res.status_code == 200
    with psycopg.connect(clean_db, row_factory=dict_row) as conn:
        rows = {r["template"]: open_row(keys(), r) for r in conn.execute(
            "select * from email_outbox where request_id = %s", (request_id,)).fetchall()}
    for part in (rows["client_request_accepted"]["html_body"],
                 rows["client_request_accepted"]["text_body"]):
        assert "طلبك لخدمة &#34;إعلان تسويقي لساعة ذكية&#34;" in part or \
            'طلبك لخدمة "إعلان تسويقي لساعة ذكية"' in part
        assert "أبي إعلان" not in part
    for part in (rows["freelancer_new_client"]["html_body"],
                 rows["freelancer_new_client"]["text_body"]):
        assert "نوع المشروع: إعلان تسويقي لساعة ذكية" in part and "أبي إعلان" not in part
