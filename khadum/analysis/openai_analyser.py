"""OpenAI structured outputs into the `Analysis` model, plus query embeddings.

Any failure (network, HTTP error, refusal, invalid output) falls back to the
local analyser; the failure is logged and never shown to the client.
"""

from __future__ import annotations

import logging
from typing import Any

from openai import AsyncOpenAI

from khadum.analysis.local import LocalAnalyser
from khadum.analysis.models import CATEGORY_SLUGS, Analysis
from khadum.settings import Settings

log = logging.getLogger("khadum.analysis")

SYSTEM_PROMPT = (
    "You analyse requests that clients of Khadum, a Saudi freelance marketplace, send on "
    "WhatsApp in Arabic (Gulf dialect or MSA) or English. Return the service category (one of: "
    + ", ".join(CATEGORY_SLUGS)
    + "), the skills needed (short labels in the client's language), the budget in SAR if "
    "stated (Arabic-Indic digits, ranges, 'ألف' = 1000; ages such as 18-30 are not budgets), "
    "the target audience in the client's language, a one-sentence summary in the client's "
    "language, a short service title (2 to 6 words in the client's language naming the work and "
    "its subject, e.g. 'إعلان تسويقي لساعة ذكية' or 'Logo for a coffee shop'; never a greeting, "
    "budget, audience or deadline), and the language ('ar' or 'en'). Greetings, thanks and "
    "small talk are not part of the need."
)


class OpenAIAnalyser:
    name = "openai"

    def __init__(self, settings: Settings, *, http_client: Any = None) -> None:
        self.settings = settings
        self.client = AsyncOpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            max_retries=1,
            timeout=15.0,
            http_client=http_client,
        )

    async def analyse(self, text: str) -> Analysis:
        completion = await self.client.chat.completions.parse(
            model=self.settings.openai_model,
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": text},
            ],
            response_format=Analysis,
            temperature=0,
        )
        message = completion.choices[0].message
        if message.parsed is None:
            raise ValueError(f"no structured output (refusal: {message.refusal!r})")
        return message.parsed

    async def embed(self, text: str) -> list[float] | None:
        response = await self.client.embeddings.create(
            model=self.settings.openai_embedding_model, input=text
        )
        return list(response.data[0].embedding)


class FallbackAnalyser:
    """OpenAI first; the local analyser whenever OpenAI fails."""

    def __init__(self, primary: OpenAIAnalyser, fallback: LocalAnalyser) -> None:
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    async def analyse(self, text: str) -> Analysis:
        try:
            return await self.primary.analyse(text)
        except Exception as exc:  # any provider failure: fall back, logged
            log.warning(
                "OpenAI analysis failed (%s: %s); using the local analyser", type(exc).__name__, exc
            )
            return await self.fallback.analyse(text)

    async def embed(self, text: str) -> list[float] | None:
        try:
            return await self.primary.embed(text)
        except Exception as exc:  # matching works without an embedding
            log.warning(
                "OpenAI embedding failed (%s: %s); matching without it", type(exc).__name__, exc
            )
            return None
