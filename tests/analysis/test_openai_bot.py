"""Issue 10 through the OpenAI path: the webhook's bot with OPENAI_API_KEY set,
talking to a local HTTP server that replays recorded structured outputs
(tests/fixtures/openai/). OpenAI sees only the client's need (greetings peeled,
small talk never sent), and its short service title is stored with the request."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI, Request

from tests.analysis.test_openai import completion
from tests.bot.flows import complete_request
from tests.factories import bot_conversation, opened
from tests.live import serve
from tests.whatsapp.meta import WhatsAppUser, bot_settings, text_of, webhook_client

RECORDED = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "openai" / "structured_outputs.json")
    .read_text()
)


class FakeOpenAI:
    def __init__(self) -> None:
        self.asked: list[str] = []
        self.app = FastAPI()
        self.app.post("/v1/chat/completions")(self.chat)
        self.app.post("/v1/embeddings")(self.embeddings)

    async def chat(self, request: Request) -> dict[str, Any]:
        body = await request.json()
        assert request.headers["authorization"] == "Bearer sk-test-key"
        assert body["response_format"]["json_schema"]["strict"] is True
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        self.asked.append(user)
        parsed = next(r["parsed"] for r in RECORDED if r["user"] == user)
        return completion(parsed)

    async def embeddings(self, request: Request) -> dict[str, Any]:
        body = await request.json()
        return {
            "object": "list",
            "model": body["model"],
            "data": [{"object": "embedding", "index": 0, "embedding": [0.01] * 1536}],
            "usage": {"prompt_tokens": 9, "total_tokens": 9},
        }


@pytest.fixture
def openai() -> Iterator[tuple[FakeOpenAI, str]]:
    fake = FakeOpenAI()
    with serve(fake.app) as url:
        yield fake, url + "/v1"


def settings(url: str, base: str) -> Any:
    return bot_settings(url, openai_api_key="sk-test-key", openai_base_url=base)


async def test_openai_gets_the_need_without_the_greeting_and_titles_the_request(
    clean_db: str, openai: tuple[FakeOpenAI, str]
) -> None:
    fake, base = openai
    async with webhook_client(settings(clean_db, base)) as (http, meta):
        user = WhatsAppUser(http, meta, "+966501234567", "أحمد")
        reply = await user.say("السلام عليكم ورحمة الله وبركاته")
        assert text_of(reply[0]).startswith("وعليكم السلام") and fake.asked == []
        reply = await user.say("😂😂😂")
        assert "وش الخدمة" in text_of(reply[0]) and fake.asked == []
        request_id = await complete_request(user, clean_db)
    assert fake.asked == ["أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"]
    with psycopg.connect(clean_db) as conn:
        request = opened(conn, uuid.UUID(request_id))
    row = (request["service_title"], request["service_description"],
           request["project_details"]["audience"])
    assert row == (
        "إعلان تسويقي لساعة ذكية",
        "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة",
        "شباب 18-30 سنة",
    )


async def test_an_empty_title_from_openai_falls_back_to_the_local_one(
    clean_db: str, openai: tuple[FakeOpenAI, str]
) -> None:
    fake, base = openai
    async with webhook_client(settings(clean_db, base)) as (http, meta):
        user = WhatsAppUser(http, meta, "+966501234567", "أحمد")
        reply = await user.say("هلا والله، محتاج مترجم لعقد من الإنجليزي للعربي")
        assert reply[1]["type"] == "interactive"
        assert fake.asked == ["محتاج مترجم لعقد من الإنجليزي للعربي"]
        english = WhatsAppUser(http, meta, "+966501234568", "John")
        reply = await english.say("Hi! I need a logo for my coffee shop")
        assert "Here are freelancers" in text_of(reply[1])
    with psycopg.connect(clean_db) as conn:
        rows = {}
        for phone in ("+966501234567", "+966501234568"):
            conversation = bot_conversation(conn, phone)
            assert conversation is not None
            rows[phone] = conversation["data"]["analysis"]["title"]
    assert rows == {"+966501234567": "ترجمة عقد", "+966501234568": "Logo for a coffee shop"}
