"""Things clients send that the bot does not expect: each gets a clear reply,
the conversation keeps its place, and nothing is lost."""

from __future__ import annotations

import psycopg
import pytest

from tests.bot.flows import PICK_MOHAMMED, pick_ids
from tests.factories import bot_conversation, phone_index
from tests.whatsapp.meta import WhatsAppUser, bot_settings, text_of, webhook_client

PHONE = "+966551112233"


def state(url: str) -> str:
    with psycopg.connect(url) as conn:
        conversation = bot_conversation(conn, PHONE)
        row = None if conversation is None else (conversation["state"],)
    return str(row[0]) if row else "new"


async def to_name_step(user: WhatsAppUser) -> None:
    await user.say("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
    await user.tap(PICK_MOHAMMED, "محمد الغامدي", "list_reply")
    await user.tap("confirm_choice")


async def test_bad_answers_are_re_asked_with_what_was_wrong(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        await to_name_step(user)
        assert "حروف فقط" in text_of((await user.say("12345"))[0])
        assert state(clean_db) == "ask_name"
        assert "بريدك" in text_of((await user.say("سارة العتيبي"))[0])
        reply = await user.say("sara@example")
        assert "«sara@example» غير صحيح" in text_of(reply[0]) and state(clean_db) == "ask_email"
        await user.say("sara@example.com")
        assert "طويلة جداً" in text_of((await user.say("ت" * 1600))[0])
        assert "ميزانيتك" in text_of((await user.say("لا يوجد"))[0])
        assert "ما فهمت الميزانية" in text_of((await user.say("رخيص"))[0])
        assert state(clean_db) == "ask_budget"
        reply = await user.say("٥ آلاف ريال")
        assert "سبب اختيارك" in text_of(reply[0])
        reply = await user.tap("use_suggested")
        assert "5000 ريال" in text_of(reply[0]) and "تفاصيل إضافية: لا يوجد" in text_of(reply[0])


@pytest.mark.parametrize(
    ("fixture_name", "expected"),
    [
        ("image", "وصلتني الصورة"),
        ("audio", "الرسائل الصوتية"),
        ("sticker", "ملصق"),
        ("location", "وصلني الموقع"),
        ("contacts", "جهة الاتصال"),
        ("unsupported", "ما قدرت أقرأ"),
    ],
)
async def test_media_gets_a_helpful_reply_and_the_step_is_repeated(
    clean_db: str, fixture_name: str, expected: str
) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        await to_name_step(user)
        reply = await user.send(fixture_name)
        assert expected in text_of(reply[0])
        assert "اسمك" in text_of(reply[1])  # the question it was waiting for, again
        assert state(clean_db) == "ask_name"
    with psycopg.connect(clean_db) as conn:
        assert conn.execute(
            "select count(*) from whatsapp_inbound where message_type = %s "
            "and processed_at is not null",
            (fixture_name if fixture_name != "unsupported" else "unsupported",),
        ).fetchone() == (1,)


async def test_a_voice_note_as_the_first_message(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        reply = await user.send("audio")
        assert "أهلاً سارة" in text_of(reply[0]) and "الرسائل الصوتية" in text_of(reply[1])
        assert state(clean_db) == "describing"


async def test_stale_taps_and_vague_requests(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        await user.say("مرحبا")
        assert "ما قدرت أحدد" in text_of((await user.say("ساعدني"))[0])
        reply = await user.tap("submit", "✅ إرسال الطلب")
        assert "لم يعد متاحاً" in text_of(reply[0])
        reply = await user.say("أبي تصميم شعار لمتجري")
        assert reply[0]["type"] == "interactive"
        reply = await user.tap("pick:00000000-0000-0000-0000-000000000000", "?", "list_reply")
        assert "لم يعد متاحاً" in text_of(reply[0]) and reply[1]["type"] == "interactive"
        reply = await user.say("2")  # typing the row number works too
        assert "تبي ترسل طلبك" in text_of(reply[0])


async def test_anytime_commands(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        await to_name_step(user)
        assert "طلب جديد" in text_of((await user.say("مساعدة"))[0])
        assert state(clean_db) == "ask_name"
        assert "ما عندك طلبات" in text_of((await user.say("حالة"))[0])
        reply = await user.say("English")
        assert text_of(reply[0]) == "Switched to English ✅" and "name" in text_of(reply[1])
        assert "cancelled" in text_of((await user.say("cancel"))[0])
        assert state(clean_db) == "idle"
        assert "no request in progress" in text_of((await user.say("cancel"))[0])
        reply = await user.say("عربي")
        assert text_of(reply[0]) == "تم التحويل للعربية ✅"
        reply = await user.say("طلب جديد")
        assert "وش الخدمة" in text_of(reply[0]) and state(clean_db) == "describing"
        reply = await user.say("محتاج مترجم لعقد من الإنجليزي للعربي")
        assert reply[0]["type"] == "interactive" and PICK_MOHAMMED not in pick_ids(reply[0])


async def test_per_phone_rate_limit_answers_politely_once(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        spammer = WhatsAppUser(http, meta, PHONE, "سبام")
        for i in range(20):
            await spammer.say(f"مرحبا {i}")
        before = len(meta.to(PHONE))
        replies = [await spammer.say("مرحبا مرة أخرى") for _ in range(3)]
        assert "انتظر دقيقة" in text_of(replies[0][0])
        assert replies[1] == [] and replies[2] == []
        assert len(meta.to(PHONE)) == before + 1
        other = WhatsAppUser(http, meta, "+966559998877", "غيره")
        assert other.phone != PHONE and len(await other.say("السلام عليكم")) == 2
    with psycopg.connect(clean_db) as conn:
        assert conn.execute(
            "select count(*), count(processed_at) from whatsapp_inbound "
            "where client_phone_index = %s", (phone_index(PHONE),),
        ).fetchone() == (23, 23)


async def test_describe_again_edit_from_the_summary_and_cancel(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "سارة")
        await user.say("أبي تصميم شعار")
        reply = await user.tap("redescribe", "أعد وصف طلبي", "list_reply")
        assert "وش الخدمة" in text_of(reply[0]) and state(clean_db) == "describing"
        await to_name_step(user)
        for answer in ("سارة العتيبي", "sara@example.com", "لا يوجد", "300"):
            await user.say(answer)
        await user.tap("use_suggested")
        reply = await user.tap("edit", "✏️ تعديل")
        edit_rows = [
            r["id"] for s in reply[0]["interactive"]["action"]["sections"] for r in s["rows"]
        ]
        assert "edit:email" in edit_rows and "edit:budget" in edit_rows
        reply = await user.tap("edit:email", "الإيميل", "list_reply")
        assert "بريدك" in text_of(reply[0])
        reply = await user.say("sara.o@example.org")
        assert "sara.o@example.org" in text_of(reply[0]) and state(clean_db) == "confirm_summary"
        reply = await user.tap("cancel", "❌ إلغاء")
        assert "تم إلغاء الطلب الحالي" in text_of(reply[0]) and state(clean_db) == "idle"
    with psycopg.connect(clean_db) as conn:
        assert conn.execute("select count(*) from client_requests").fetchone() == (0,)
