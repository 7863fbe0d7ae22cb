"""The same conversation in English: the bot answers in the client's language."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from khadum.seed.load import freelancer_id
from tests.bot.flows import PICK_MOHAMMED, pick_ids
from tests.factories import MOHAMMED, opened_row
from tests.whatsapp.meta import WhatsAppUser, bot_settings, buttons_of, text_of, webhook_client

DESCRIPTION = "I need a marketing ad for a smart watch for young people aged 18-30"
REASON = "I chose you for your experience in marketing ads and your high rating of 4.8/5"


async def test_the_spec_conversation_in_english(clean_db: str) -> None:
    async with webhook_client(bot_settings(clean_db)) as (http, meta):
        ahmed = WhatsAppUser(http, meta, "+966501234567", "Ahmed")
        reply = await ahmed.say(DESCRIPTION)
        assert text_of(reply[0]).startswith("Hello Ahmed 👋 I'm the *Khadum* assistant")
        assert reply[1]["interactive"]["action"]["button"] == "See freelancers"
        assert pick_ids(reply[1])[0] == PICK_MOHAMMED
        reply = await ahmed.tap(PICK_MOHAMMED, "Mohammed Alghamdi", "list_reply")
        assert "*Mohammed Alghamdi*" in text_of(reply[0])
        assert "Send your request to Mohammed Alghamdi?" in text_of(reply[0])
        assert "what is your name?" in text_of((await ahmed.tap("confirm_choice"))[0])
        assert "email" in text_of((await ahmed.say("Ahmed Mohammed"))[0])
        assert "extra project details" in text_of((await ahmed.say("Ahmed@Example.com"))[0])
        assert "budget" in text_of((await ahmed.say("Free shipping, two-year warranty"))[0])
        reply = await ahmed.say("between 250 and 400 SAR")
        assert REASON in text_of(reply[0])
        reply = await ahmed.say("Great portfolio of tech ads")
        summary = text_of(reply[0])
        assert "Budget: 250-400 SAR" in summary and "Service: Marketing & Ads" in summary
        assert buttons_of(reply[0]) == ["submit", "edit", "cancel"]
        reply = await ahmed.tap("submit")
        assert "They have 24 hours to answer" in text_of(reply[0])

    with psycopg.connect(clean_db, row_factory=dict_row) as conn:
        request = opened_row(conn.execute("select * from client_requests").fetchone())
        assert request is not None
        assert (request["client_name"], request["client_email"]) == (
            "Ahmed Mohammed",
            "ahmed@example.com",
        )
        assert request["freelancer_id"] == freelancer_id(MOHAMMED)
        assert request["service_description"] == DESCRIPTION
        assert request["budget_range"] == "250-400 SAR"
        assert request["reason_for_choice"] == "Great portfolio of tech ads"
        assert request["client_language"] == "en"
        assert request["project_details"]["audience"] == "young people 18-30 years"
        assert request["project_details"]["extras"] == "Free shipping, two-year warranty"
        notification = conn.execute(
            "select type from notifications where request_id = %s", (request["id"],)
        ).fetchone()
        assert notification == {"type": "client_request"}
