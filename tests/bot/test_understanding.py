"""Issue 10, item 1: each defect a new client met, replayed through the signed
webhook, with the fixed behaviour asserted on what Meta receives and on the
stored conversation and request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from khadum.analysis.pleasantries import peel
from khadum.analysis.text import clear_language
from khadum.bot.inbox import InboundProcessor
from khadum.db import Database
from khadum.whatsapp.sender import drain_whatsapp
from tests.bot.flows import PICK_MOHAMMED, complete_request, pick_ids
from tests.factories import bot_conversation, opened_row, phone_index
from tests.whatsapp.meta import WhatsAppUser, bot_settings, rows_of, text_of, webhook_client

PHONE = "+966507778899"


def state(url: str) -> str:
    with psycopg.connect(url) as conn:
        conversation = bot_conversation(conn, PHONE)
        row = None if conversation is None else (conversation["state"],)
    return str(row[0]) if row else "new"


def conversation_language(url: str) -> str:
    with psycopg.connect(url) as conn:
        conversation = bot_conversation(conn, PHONE)
        row = None if conversation is None else (conversation["language"],)
    assert row is not None
    return str(row[0])


@pytest.fixture
async def db(clean_db: str) -> AsyncIterator[Database]:
    database = Database(clean_db, max_size=4)
    await database.open()
    yield database
    await database.close()


@pytest.mark.parametrize(
    ("text", "kinds", "rest"),
    [
        ("السلام عليكم ورحمة الله وبركاته", {"salam"}, ""),
        ("السلام عليكم ورحمة الله وبركاته، أبي شعار لمقهاي", {"salam"}, "أبي شعار لمقهاي"),
        ("هلا والله، شلونك؟", {"greeting", "how_are_you"}, ""),
        ("مساء الخير ابي مصمم لوقو الله يعطيك العافية", {"greeting", "thanks"}, "ابي مصمم لوقو"),
        ("Hi there! I need a logo for my coffee shop, thanks", {"greeting", "thanks"},
         "I need a logo for my coffee shop"),
        ("salam alaikum, abi logo", {"salam"}, "abi logo"),
        ("شكراً", {"thanks"}, ""),
        ("😂😂😂", {"laughter"}, ""),
        ("ههههههه", {"laughter"}, ""),
        ("👍", {"emoji"}, ""),
        ("أبي إعلان لساعة ذكية", set(), "أبي إعلان لساعة ذكية"),
    ],
)
def test_pleasantries_are_peeled_off_the_edges(text: str, kinds: set[str], rest: str) -> None:
    peeled = peel(text)
    assert set(peeled.kinds) == kinds and peeled.rest == rest


def test_only_a_clearly_written_message_names_a_language() -> None:
    assert clear_language("ok") is None and clear_language("Logo") is None
    assert clear_language("abi 7ad ysawi logo lmat3ami") is None  # Arabizi
    assert clear_language("I need a logo for my coffee shop") == "en"
    assert clear_language("أبي شعار لمقهاي") == "ar"


async def test_a_full_salam_is_answered_and_never_becomes_the_request(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        reply = await user.say("السلام عليكم ورحمة الله وبركاته")
        assert len(reply) == 2 and reply[0]["type"] == "text"
        assert text_of(reply[0]).startswith("وعليكم السلام ورحمة الله وبركاته")
        assert "وش الخدمة" in text_of(reply[1]) and state(clean_db) == "describing"
        reply = await user.say("السلام عليكم ورحمة الله وبركاته")  # again, mid-step
        assert text_of(reply[0]).startswith("وعليكم السلام") and "وش الخدمة" in text_of(reply[0])
        reply = await user.say("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
        assert reply[0]["type"] == "interactive" and PICK_MOHAMMED in pick_ids(reply[0])
        await user.tap(PICK_MOHAMMED, "محمد الغامدي", "list_reply")
        await user.tap("confirm_choice")
        await user.say("أحمد")
        await user.say("ahmed@example.com")
        await user.say("الشحن مجاني، ضمان سنتين، وشكراً")
        await user.say("300 ريال")
        await user.tap("use_suggested")
        await user.tap("submit")
    with psycopg.connect(clean_db, row_factory=dict_row) as conn:
        request = opened_row(conn.execute(
            "select service_description, project_details from client_requests "
            "where client_phone_index = %s",
            (phone_index(PHONE),),
        ).fetchone())
    row = (request["service_description"], request["project_details"]["extras"])
    assert row == ("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة", "الشحن مجاني، ضمان سنتين")


async def test_a_greeting_in_front_of_the_need_is_answered_and_left_out(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        reply = await user.say("السلام عليكم ورحمة الله وبركاته، أبي تصميم شعار لمتجري")
        assert text_of(reply[0]).startswith("وعليكم السلام") and "أهلاً أحمد" in text_of(reply[0])
        assert reply[1]["type"] == "interactive" and "ورحمة" not in text_of(reply[1])
    with psycopg.connect(clean_db) as conn:
        conversation = bot_conversation(conn, PHONE)
        assert conversation is not None
        data = (conversation["data"].get("description"),)
    assert data == ("أبي تصميم شعار لمتجري",)


async def test_a_typed_name_ordinal_or_number_picks_from_the_list(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        listing = (await user.say("أبي إعلان تسويقي لساعة ذكية للشباب"))[1]
        rows = [r for r in rows_of(listing) if r["id"].startswith("pick:")]
        for typed, index in (("الأول", 0), ("الخيار الثاني", 1), ("٣", 2), ("رقم 2", 1)):
            reply = await user.say(typed)
            assert rows[index]["title"] in text_of(reply[0]), typed
            assert "تبي ترسل طلبك" in text_of(reply[0]) and state(clean_db) == "confirming_choice"
            await user.tap("choose_other")
        first_name = rows[0]["title"].split()[0]
        matching = [r for r in rows if r["title"].split()[0] == first_name]
        reply = await user.say(first_name)
        if len(matching) == 1:
            assert rows[0]["title"] in text_of(reply[0])
        else:
            assert "اكتب رقمه" in text_of(reply[0])
        await user.tap("choose_other")
        reply = await user.say(rows[1]["title"])  # the whole name
        assert rows[1]["title"] in text_of(reply[0]) and state(clean_db) == "confirming_choice"
        await user.tap("choose_other")
        reply = await user.say("محمد؟؟ ممم")  # not a choice, not a need: a hint, nothing appended
        assert "اكتب رقمه" in text_of(reply[0]) and state(clean_db) == "choosing"
    with psycopg.connect(clean_db) as conn:
        conversation = bot_conversation(conn, PHONE)
        assert conversation is not None
        data = (conversation["data"].get("description"),)
    assert data == ("أبي إعلان تسويقي لساعة ذكية للشباب",)


async def test_the_language_is_sticky(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        assert "ما قدرت أحدد" in text_of((await user.say("ساعدني لو سمحت"))[1])
        reply = await user.say("Logo")
        assert "لقيت لك" in text_of(reply[0]) and conversation_language(clean_db) == "ar"
        reply = await user.say("ok")
        assert "اختر المستقل" in text_of(reply[0]) and conversation_language(clean_db) == "ar"
        await user.tap("redescribe", "أعد وصف طلبي", "list_reply")
        reply = await user.say("I need a logo for my coffee shop in Riyadh")
        assert "Here are freelancers" in text_of(reply[0])
        assert conversation_language(clean_db) == "en"


@pytest.mark.parametrize("first", ["😂😂😂", "هههههه", "👍"])
async def test_laughter_and_emoji_are_not_a_request(clean_db: str, first: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        reply = await user.say(first)
        assert "أهلاً أحمد" in text_of(reply[0]) and "وش الخدمة" in text_of(reply[1])
        reply = await user.say(first)
        assert "ما لقيت" not in text_of(reply[0]) and "وش الخدمة" in text_of(reply[0])
        assert state(clean_db) == "describing"


async def test_yes_words_greetings_and_thanks_at_the_detail_steps(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        await user.say("أبي إعلان تسويقي لساعة ذكية للشباب")
        await user.tap(PICK_MOHAMMED, "محمد الغامدي", "list_reply")
        await user.tap("confirm_choice")
        reply = await user.say("اي")  # «اي» is "yes", not a name
        assert "تشرفنا" not in text_of(reply[0]) and "اسمك" in text_of(reply[0])
        assert state(clean_db) == "ask_name"
        reply = await user.say("اسمي سارة")
        assert "تشرفنا يا سارة" in text_of(reply[0])
        reply = await user.say("السلام عليكم")
        assert "غير صحيح" not in text_of(reply[0])
        assert text_of(reply[0]).startswith("وعليكم السلام") and "بريدك" in text_of(reply[0])
        assert state(clean_db) == "ask_email"
        reply = await user.say("مساعدة")  # help mid-draft: the commands, then the same question
        assert "طلب جديد" in text_of(reply[0]) and "بريدك" in text_of(reply[-1])
        reply = await user.say("حالة")  # status mid-draft knows about the draft
        assert "ما عندك طلبات" in text_of(reply[0])
        assert "قيد الإعداد" in text_of(reply[1]) and "بريدك" in text_of(reply[-1])
        assert state(clean_db) == "ask_email"
        await user.say("sara@example.com")
        reply = await user.say("تمام")
        assert "تفاصيل إضافية" in text_of(reply[0]) and state(clean_db) == "ask_details"


async def test_thanks_after_acceptance_is_answered_in_kind(clean_db: str, db: Database) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(user, clean_db)
        with psycopg.connect(clean_db) as conn:
            # What accept_request appends: the chat, and the event the bot consumes.
            conn.execute(
                "insert into private_chats (request_id, client_whatsapp_phone, freelancer_id, "
                "chat_url_token) select id, client_whatsapp_phone, freelancer_id, %s "
                "from client_requests where id = %s",
                ("t" * 43, request_id),
            )
            conn.execute(
                "insert into request_events (request_id, event_type, actor) "
                "values (%s, 'accepted', 'freelancer')",
                (request_id,),
            )
        await InboundProcessor(db, bot_settings(clean_db)).process_phone(PHONE)
        await drain_whatsapp(db, bot_settings(clean_db))
        accepted: list[dict[str, Any]] = await user._new()
        assert "تم قبول طلبك" in text_of(accepted[0]) and state(clean_db) == "idle"
        reply = await user.say("شكراً")
        assert len(reply) == 1 and text_of(reply[0]).startswith("العفو")
        assert "ما قدرت أحدد" not in text_of(reply[0]) and state(clean_db) == "idle"
        reply = await user.say("😂😂😂")
        assert text_of(reply[0]).startswith("😄") and state(clean_db) == "idle"


async def test_status_dates_are_riyadh_time_in_words(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        user = WhatsAppUser(http, meta, PHONE, "أحمد")
        request_id = await complete_request(user, clean_db)
        with psycopg.connect(clean_db) as conn:  # late evening UTC: already tomorrow in Riyadh
            conn.execute(
                "update client_requests set created_at = '2026-11-30 22:30:00+00', "
                "expires_at = now() + interval '1 hour' where id = %s",
                (request_id,),
            )
        reply = await user.say("حالة")
        assert "1 ديسمبر 2026 - 1:30 صباحاً" in text_of(reply[0])
        assert "2026-11-30" not in text_of(reply[0])
        await user.say("English")
        reply = await user.say("status")
        assert "1 December 2026 - 1:30 AM" in text_of(reply[0])
