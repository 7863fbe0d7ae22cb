"""Calls `public.match_freelancers()`: the ranked freelancers as data. Matching knows
no user-facing text: the bot renders names, headlines and reasons (khadum.bot.matches)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import sql
from psycopg.rows import dict_row

from khadum.analysis.models import Analysis
from khadum.analysis.vocabulary import matching_skills


@dataclass(frozen=True)
class Match:
    freelancer_id: str
    display_name: str
    display_name_en: str | None
    headline: str
    headline_en: str | None
    rating: float
    rating_count: int
    categories: list[str]
    availability: str
    min_budget_sar: int
    score: float
    category_fit: float
    matched_skills: list[str]


READ_NOTICE = "khadum.matching_read="


def read_said(message: str | None) -> str | None:
    """The read match_freelancers says it took (`raise debug 'khadum.matching_read=…'`,
    sent when the client asks for debug messages): `groups`, `pool`, `pool-fallback`,
    `impact`, `bands`, `postings`; None for any other message."""
    if message is None or not message.startswith(READ_NOTICE):
        return None
    return message.removeprefix(READ_NOTICE)


def embedding_literal(embedding: Sequence[float] | None) -> str | None:
    return None if embedding is None else "[" + ",".join(f"{x:.7g}" for x in embedding) + "]"


async def find_matches(
    conn: Any,
    text: str,
    analysis: Analysis,
    *,
    exclude: Sequence[str] = (),
    limit: int = 5,
    offset: int = 0,
    embedding: Sequence[float] | None = None,
    exhaustive: bool = False,
    function: str = "match_freelancers",
) -> list[Match]:
    """The ranked freelancers; `exhaustive` scores the whole table (for measuring
    the fast path's agreement, never for serving). `function` names another
    definition with the same signature (bench.matching's baseline), never user input."""
    budget_max = None
    if analysis.budget is not None:
        budget_max = analysis.budget.max if analysis.budget.max is not None else analysis.budget.min
    async with conn.cursor(row_factory=dict_row) as cur:
        await cur.execute(
            sql.SQL("select * from public.{}(%s, %s, %s, %s, %s::uuid[], %s, %s, %s, %s)").format(
                sql.Identifier(function)),
            (
                text,
                analysis.category,
                matching_skills(analysis.skills),
                budget_max,
                list(exclude),
                limit,
                offset,
                embedding_literal(embedding),
                exhaustive,
            ),
        )
        rows = await cur.fetchall()
    return [
        Match(
            freelancer_id=str(r["freelancer_id"]),
            display_name=r["display_name"],
            display_name_en=r["display_name_en"],
            headline=r["headline"],
            headline_en=r["headline_en"],
            rating=float(r["rating"]),
            rating_count=r["rating_count"],
            categories=list(r["categories"]),
            availability=r["availability"],
            min_budget_sar=r["min_budget_sar"],
            score=float(r["score"]),
            category_fit=float(r["category_fit"]),
            matched_skills=list(r["matched_skills"]),
        )
        for r in rows
    ]
