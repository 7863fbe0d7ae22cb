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
        title=service_title(text),
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


_TITLE_WORDS = 6
_TITLE_MAX = 60
# A title stops where the audience, the budget, the deadline or a new clause begins.
_TITLE_STOP = re.compile(
    r"^(?:[وفبلك]?(?:ال|لل)?(?:ميزاني|سعر|تكلف|موعد|مده|خلال|بحدود|يكون|تكون|عمر|اعمار)"
    r"|من|بين|حتي|قبل|خلال|بس|عشان|لان|مع|budget|price|cost|within|by|before|aged?|ages"
    r"|targeting|target|around|about|under|up|so|because|with|and|but|asap|urgent|please)$"
)
_DANGLING = {"ل", "لل", "في", "من", "الي", "علي", "و", "for", "to", "in", "of", "the", "a",
             "an", "and", "with", "on", "at", "my", "our"}
_LEAD = re.compile(
    r"^(?:(?:i |we )?(?:need|want|would like)\s+)?(?:(?:someone|somebody|a freelancer|a person)"
    r"(?: who can| to)?\s+)?(?:(?:make|design|create|build|write|do|edit|translate|shoot|develop)"
    r"(?: me| us)?\s+)?(?:an?|some|the)\s+"
    r"|^(?:احد|حد|شخص|مين|واحد)\s+(?:يسوي|يسويلي|يصمم|يكتب|يترجم|يعمل|يسولي|يصور|يبرمج)"
    r"(?:\s+(?:لي|لنا))?\s+"
    r"|^(?:يسوي|يصمم|يكتب|يعمل)\s+(?:لي|لنا)\s+",
    re.I,
)
# The person asked for, named as the service: «مترجم» → «ترجمة».
_SERVICE_OF_PERSON = {
    "مترجم": "ترجمة", "مصمم": "تصميم", "مصور": "تصوير", "مبرمج": "برمجة", "كاتب": "كتابة",
    "مسوق": "تسويق", "مطور": "تطوير", "معلق": "تعليق", "مونتير": "مونتاج", "محرر": "تحرير",
    "مدقق": "تدقيق", "مستشار": "استشارة",
}


def _is_audience(word: str) -> bool:
    return any(_pattern(stem).fullmatch(word) or (_pattern(stem).match(word) and
               len(word) - len(stem) <= 3) for stem, _, _ in AUDIENCES)


def service_title(text: str) -> str:
    """A short name for the service, from the client's own words: the need
    without the opener, and cut before the audience, budget or next clause.
    «أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة» → «إعلان تسويقي لساعة ذكية»."""
    need = _summary(text).rstrip("…")
    need = re.split(r"[،,.;؛:!?؟\n(]", need, maxsplit=1)[0].strip()
    need = _LEAD.sub("", _LEAD.sub("", need))
    kept: list[str] = []
    for word in need.split():
        folded = normalize(word)
        if kept and (_TITLE_STOP.match(folded) or re.search(r"\d", folded) or _is_audience(folded)):
            break
        kept.append(word)
        if len(kept) == _TITLE_WORDS:
            break
    while len(kept) > 1 and normalize(kept[-1]) in _DANGLING:
        kept.pop()
    if kept and normalize(kept[0]) in _SERVICE_OF_PERSON:
        kept[0] = _SERVICE_OF_PERSON[normalize(kept[0])]
        if len(kept) > 1 and kept[1].startswith("ل") and not kept[1].startswith("لل"):
            kept[1] = kept[1][1:]
    title = " ".join(kept)
    if len(title) > _TITLE_MAX:
        title = title[:_TITLE_MAX].rsplit(" ", 1)[0]
    return title[:1].upper() + title[1:] if title.isascii() else title
