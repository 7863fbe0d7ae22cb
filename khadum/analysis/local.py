"""The local analyser: Arabic-aware rules, no network. Good on Gulf dialect,
MSA and English; used when no OpenAI key is set and whenever OpenAI fails."""

from __future__ import annotations

import re
from functools import lru_cache

from khadum.analysis.budget import parse_budget
from khadum.analysis.models import Analysis
from khadum.analysis.text import detect_language, normalize
from khadum.analysis.vocabulary import AUDIENCES, CATEGORY_WORDS, OPENERS

_AR_PREFIX = r"(?:^|[^\w])(?:و|ف|ب|ل|ك)?(?:ال|لل)?"
_AGE_RANGE = re.compile(
    r"(aged?|ages|عمر|اعمار)?\s*(\d{1,2})\s*(?:-|–|الي|to|و|and)\s*(\d{1,2})\s*(سنه|سنوات|عام|years?|yrs?)?"
)
_SUMMARY_MAX = 120


@lru_cache(maxsize=512)
def _pattern(stem: str) -> re.Pattern[str]:
    if re.search("[\u0600-\u06ff]", stem):
        return re.compile(_AR_PREFIX + re.escape(stem))
    if len(stem) <= 4:
        return re.compile(r"\b" + re.escape(stem) + r"s?\b")
    return re.compile(r"\b" + re.escape(stem))


class LocalAnalyser:
    name = "local"

    async def analyse(self, text: str) -> Analysis:
        return analyse_locally(text)


def category_scores(normalized: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    for slug, entries in CATEGORY_WORDS.items():
        total = sum(weight for stem, weight, _, _ in entries if _pattern(stem).search(normalized))
        if total:
            scores[slug] = total
    return scores


def analyse_locally(text: str) -> Analysis:
    language = detect_language(text)
    normalized = normalize(text)
    scores = category_scores(normalized)
    category = max(scores, key=lambda slug: scores[slug]) if scores else None
    skills: list[str] = []
    for slug in sorted(scores, key=lambda s: -scores[s]):
        for stem, _, label_ar, label_en in CATEGORY_WORDS[slug]:
            label = label_ar if language == "ar" else label_en
            if label and label not in skills and _pattern(stem).search(normalized):
                skills.append(label)
    return Analysis(
        category=category,  # type: ignore[arg-type]
        skills=skills[:6],
        budget=parse_budget(text),
        audience=_audience(normalized, language),
        summary=_summary(text),
        language=language,  # type: ignore[arg-type]
    )


def _audience(normalized: str, language: str) -> str | None:
    group = next(
        (
            ar if language == "ar" else en
            for stem, ar, en in AUDIENCES
            if _pattern(stem).search(normalized)
        ),
        None,
    )
    ages = _AGE_RANGE.search(normalized)
    age_text = None
    if ages and (ages.group(1) or ages.group(4)):
        unit = "سنة" if language == "ar" else "years"
        age_text = f"{ages.group(2)}-{ages.group(3)} {unit}"
    if group and age_text:
        return f"{group} {age_text}"
    return group or age_text


def _summary(text: str) -> str:
    cleaned = re.sub(r"\s+", " ", text).strip()
    lowered = normalize(cleaned)
    for opener in sorted(OPENERS, key=len, reverse=True):
        if lowered.startswith(opener + " "):
            cleaned = cleaned[len(opener) + 1 :].lstrip(" ،,:")
            break
    first = re.split(r"(?<=[.!؟?\n])\s", cleaned, maxsplit=1)[0]
    if len(first) > _SUMMARY_MAX:
        first = first[: _SUMMARY_MAX - 1].rsplit(" ", 1)[0] + "…"
    return first
