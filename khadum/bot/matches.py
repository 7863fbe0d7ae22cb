"""How the bot words a ranked freelancer (khadum.matching.search.Match is data only):
the name and headline in the client's language, and the reason for the ranking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from khadum.analysis.models import Analysis
from khadum.bot.catalogue import t
from khadum.matching.search import Match
from khadum.names import display_name


def match_name(match: Match, language: str) -> str:
    return display_name(match.display_name, match.display_name_en, language)


def match_title(match: Match, language: str) -> str:
    """The headline in the client's language: an English reader never gets an
    Arabic headline (their main specialty stands in when there is no English one)."""
    return headline_in(language, match.headline, match.headline_en, match.categories)


def headline_in(
    language: str, headline: str, headline_en: str | None, categories: Sequence[str]
) -> str:
    if language != "en":
        return headline
    if headline_en:
        return headline_en
    if categories:
        expertise = t(f"expertise.{categories[0]}", "en")
        return t("headline_fallback", "en", expertise=expertise)
    return headline


def match_reason(match: Match, analysis: Analysis) -> str:
    lang = analysis.language
    parts = []
    if match.category_fit > 0 and analysis.category:
        parts.append(
            t("reason.category", lang, expertise=t(f"expertise.{analysis.category}", lang))
        )
    if match.matched_skills:
        parts.append(t("reason.skills", lang, skills=", ".join(match.matched_skills[:3])))
    parts.append(t("reason.rating", lang, rating=f"{match.rating:.1f}", count=match.rating_count))
    return t("reason.joiner", lang).join(parts)


def match_public(match: Match, analysis: Analysis) -> dict[str, Any]:
    """One match as `khadum match --json` prints it."""
    return {
        "freelancer_id": match.freelancer_id,
        "display_name": match.display_name,
        "rating": match.rating,
        "categories": match.categories,
        "score": round(match.score, 4),
        "reason": match_reason(match, analysis),
    }
