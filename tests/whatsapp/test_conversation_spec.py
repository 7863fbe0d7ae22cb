"""The spec's own example, end to end through the webhook function: أحمد محمد asks
for a smart-watch ad, picks محمد, answers each question, confirms; the request
and the freelancer's notification carry exactly the spec card's fields."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from khadum.seed.load import freelancer_id
from tests.factories import MOHAMMED, opened_row, phone_index
from tests.whatsapp.meta import (
    WhatsAppUser,
    bot_settings,
    buttons_of,
    rows_of,
    text_of,
    webhook_client,
)

SPEC_REASON = "اخترتك بسبب خبرتك في الإعلانات التسويقية وتقييمك العالي 4.8/5"
SPEC_EXTRAS = "الشحن مجاني، ضمان سنتين، جمهور شبابي"


async def test_the_spec_conversation_in_arabic(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, "+966501234567", "أحمد")
        reply = await ahmed.say("السلام عليكم")
        assert "خدوم" in text_of(reply[0]) and "أهلاً أحمد" in text_of(reply[0])
        assert "وش الخدمة" in text_of(reply[1])

        reply = await ahmed.say("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
        assert len(reply) == 1 and reply[0]["interactive"]["type"] == "list"
        rows = rows_of(reply[0])
        freelancers = [r for r in rows if r["id"].startswith("pick:")]
        assert 3 <= len(freelancers) <= 5 and len(rows) <= 10
        assert {"more", "redescribe"} <= {r["id"] for r in rows}
        assert freelancers[0]["id"] == f"pick:{freelancer_id(MOHAMMED)}"
        assert freelancers[0]["title"] == "محمد الغامدي"
        assert freelancers[0]["description"].startswith("⭐ 4.8")
        assert all(len(r["title"]) <= 24 and len(r["description"]) <= 72 for r in rows)

        reply = await ahmed.tap(freelancers[0]["id"], "محمد الغامدي", "list_reply")
        assert "محمد الغامدي" in text_of(reply[0]) and "4.8/5" in text_of(reply[0])
        assert buttons_of(reply[0]) == ["confirm_choice", "choose_other"]

        reply = await ahmed.tap("confirm_choice", "✅ نعم، أكمل")
        assert "اسمك" in text_of(reply[0])
        reply = await ahmed.say("أحمد محمد")
        assert "بريدك" in text_of(reply[0])
        reply = await ahmed.say("ahmed@example.com")
        assert "تفاصيل" in text_of(reply[0])
        reply = await ahmed.say(SPEC_EXTRAS)
        assert "ميزانيتك" in text_of(reply[0])
        reply = await ahmed.say("300 ريال")
        assert SPEC_REASON in text_of(reply[0])
        assert buttons_of(reply[0]) == ["use_suggested"]
        reply = await ahmed.tap("use_suggested", "👍 استخدم المقترح")
        summary = text_of(reply[0])
        for part in (
            "أحمد محمد",
            "ahmed@example.com",
            "محمد الغامدي",
            "300 ريال",
            SPEC_REASON,
            SPEC_EXTRAS,
            "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة",
        ):
            assert part in summary
        assert buttons_of(reply[0]) == ["submit", "edit", "cancel"]

        reply = await ahmed.tap("submit", "✅ إرسال الطلب")
        assert "24 ساعة" in text_of(reply[0]) and "محمد الغامدي" in text_of(reply[0])

    with psycopg.connect(clean_db, row_factory=dict_row) as conn:
        request = opened_row(conn.execute("select * from client_requests").fetchone())
        assert request is not None
        assert request["client_whatsapp_phone"] == "+966501234567"
        assert request["client_name"] == "أحمد محمد"
        assert request["client_email"] == "ahmed@example.com"
        assert request["freelancer_id"] == freelancer_id(MOHAMMED)
        assert request["service_description"] == "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"
        assert request["service_category"] == "marketing_ads"
        assert request["budget_range"] == "300 ريال"
        assert request["reason_for_choice"] == SPEC_REASON
        assert request["project_details"]["extras"] == SPEC_EXTRAS
        assert request["project_details"]["audience"] == "شباب 18-30 سنة"
        assert request["project_details"]["budget"] == {"min": 300, "max": 300, "currency": "SAR"}
        assert request["status"] == "pending" and request["client_language"] == "ar"
        notification = conn.execute(
            "select * from notifications where request_id = %s", (request["id"],)
        ).fetchone()
        assert notification is not None
        assert notification["freelancer_id"] == freelancer_id(MOHAMMED)
        assert notification["title"] == "🔔 طلب جديد من عميل"
        assert "أحمد محمد" in notification["message"] and "300 ريال" in notification["message"]
        events = conn.execute(
            "select event_type, actor from request_events where request_id = %s", (request["id"],)
        ).fetchall()
        assert events == [{"event_type": "created", "actor": "client"}]
        log = conn.execute(
            "select action, actor_id from activity_log where subject_id = %s", (str(request["id"]),)
        ).fetchall()
        # The client as an actor: a pseudonym from the blind index, never the number.
        actor = conn.execute("select public.client_actor_id(%s) as id",
                             (phone_index("+966501234567"),)).fetchone()
        assert actor is not None and "501234567" not in actor["id"]
        assert log == [{"action": "request.created", "actor_id": actor["id"]}]
        unprocessed = conn.execute(
            "select count(*) as n from whatsapp_inbound where processed_at is null"
        ).fetchone()
        assert unprocessed == {"n": 0}
        sent = conn.execute(
            "select count(*) filter (where status = 'sent') as sent, count(*) as n "
            "from whatsapp_outbox"
        ).fetchone()
        assert sent == {"sent": 11, "n": 11}
