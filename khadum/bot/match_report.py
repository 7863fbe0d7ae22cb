"""`khadum match`: the analysis and the ranked freelancers, as one JSON-able dict."""

from __future__ import annotations

from typing import Any

import psycopg

from khadum.analysis import get_analyser
from khadum.bot.matches import match_public
from khadum.matching.search import find_matches
from khadum.settings import Settings


async def match_report(
    url: str, settings: Settings, text: str, *, limit: int = 5
) -> dict[str, Any]:
    analyser = get_analyser(settings)
    analysis = await analyser.analyse(text)
    embed = getattr(analyser, "embed", None)
    embedding = await embed(text) if embed else None
    async with await psycopg.AsyncConnection.connect(url) as conn:
        matches = await find_matches(
            conn, text, analysis, limit=max(1, min(limit, 50)), embedding=embedding
        )
    return {"analysis": analysis.public(), "matches": [match_public(m, analysis) for m in matches]}
