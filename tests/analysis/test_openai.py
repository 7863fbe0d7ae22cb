"""With OPENAI_API_KEY: structured outputs into the Analysis model and embeddings,
at the HTTP level (OpenAI's SDK uses httpx2, so its MockTransport plays OpenAI);
any failure falls back to the local analyser, logged, never shown."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx2
import pytest

from khadum.analysis import get_analyser
from khadum.analysis.local import LocalAnalyser
from khadum.settings import Settings

PARSED = {
    "category": "marketing_ads",
    "skills": ["كتابة إعلانات", "إعلانات سوشيال ميديا"],
    "budget": {"min": 300, "max": 300, "currency": "SAR"},
    "audience": "شباب 18-30 سنة",
    "summary": "إعلان تسويقي لساعة ذكية للشباب",
    "title": "إعلان تسويقي لساعة ذكية",
    "language": "ar",
}


def completion(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-C3x7ZQ2kV8d1",
        "object": "chat.completion",
        "created": 1755891000,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {
                    "role": "assistant",
                    "content": json.dumps(content, ensure_ascii=False),
                    "refusal": None,
                    "annotations": [],
                },
            }
        ],
        "usage": {"prompt_tokens": 212, "completion_tokens": 61, "total_tokens": 273},
        "system_fingerprint": "fp_560af6e559",
    }


def settings() -> Settings:
    return Settings(openai_api_key="sk-test-key", openai_base_url="https://api.openai.com/v1")


async def test_structured_outputs_and_embeddings() -> None:
    seen: list[dict[str, Any]] = []

    def openai(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        seen.append(
            {"path": request.url.path, "body": body, "auth": request.headers["authorization"]}
        )
        if request.url.path.endswith("/embeddings"):
            return httpx2.Response(
                200,
                json={
                    "object": "list",
                    "model": body["model"],
                    "data": [{"object": "embedding", "index": 0, "embedding": [0.01] * 1536}],
                    "usage": {"prompt_tokens": 9, "total_tokens": 9},
                },
            )
        return httpx2.Response(200, json=completion(PARSED))

    client = httpx2.AsyncClient(transport=httpx2.MockTransport(openai))
    analyser = get_analyser(settings(), http_client=client)
    analysis = await analyser.analyse("أبي إعلان لساعة ذكية للشباب وميزانيتي ٣٠٠ ريال")
    assert analysis.model_dump() == PARSED
    embedding = await analyser.embed("أبي إعلان")  # type: ignore[attr-defined]
    assert embedding is not None and len(embedding) == 1536
    request = seen[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer sk-test-key"
    schema = request["body"]["response_format"]["json_schema"]
    assert schema["strict"] is True and "category" in schema["schema"]["properties"]
    assert "title" in schema["schema"]["required"]
    assert seen[1]["body"]["model"] == "text-embedding-3-small"


@pytest.mark.parametrize("failure", ["server_error", "bad_output"])
async def test_failures_fall_back_to_the_local_analyser(
    failure: str, caplog: pytest.LogCaptureFixture
) -> None:
    def openai(request: httpx2.Request) -> httpx2.Response:
        if failure == "server_error":
            return httpx2.Response(
                500, json={"error": {"message": "The server had an error", "type": "server_error"}}
            )
        return httpx2.Response(200, json=completion({"category": "not-a-slug"}))

    client = httpx2.AsyncClient(transport=httpx2.MockTransport(openai))
    analyser = get_analyser(settings(), http_client=client)
    with caplog.at_level(logging.WARNING, logger="khadum.analysis"):
        analysis = await analyser.analyse("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
    local = await LocalAnalyser().analyse("أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة")
    assert analysis == local
    assert "OpenAI analysis failed" in caplog.text and "using the local analyser" in caplog.text


def test_without_a_key_the_local_analyser_is_used() -> None:
    assert get_analyser(Settings(openai_api_key=None)).name == "local"
