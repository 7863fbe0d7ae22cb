"""Budgets in SAR from free text: Arabic-Indic or Western digits, ranges, "ألف"/k,
"ريال"/"SAR"/"ر.س", upper bounds ("حتى 500", "up to 500"). Age ranges such as
"18-30 سنة" are not budgets."""

from __future__ import annotations

import re

from khadum.analysis.models import Budget
from khadum.analysis.text import normalize

_THOUSAND_WORDS = r"(?:الف|الاف|k|thousand)"
_CURRENCY = re.compile(r"(ريال|ر\.?\s?س|﷼|\bsar\b|\bsr\b|riyal|rial)")
_BUDGET_WORDS = re.compile(
    r"(ميزانيه|ميزانيتي|ميزانيتنا|budget|بحدود|في حدود|تكلفه|cost|سعر|price)"
)
_AGE_AFTER = re.compile(r"^\s*(سنه|سنوات|سنين|عام|years?|yrs?|y/o|year-old)")
_AGE_BEFORE = re.compile(r"(عمر|اعمار|اعمارهم|aged?|ages)\s*(من|between|from)?\s*$")
_UPPER = re.compile(
    r"(حتي|لا يتجاوز|ما يتجاوز|ما يزيد عن|لا يزيد عن|اقل من|اقصي|up to|max(imum)?|under|"
    r"less than|below|no more than|at most)\s*$"
)
_OPEN = re.compile(
    r"(مفتوحه|مرنه|مو محدد|غير محدد|ما ادري|مدري|لا اعرف|ما اعرف|open|flexible|not sure|"
    r"don'?t know|negotiable|قابل للتفاوض)"
)
_RANGE = re.compile(r"(?:من|بين|between|from)?\s*(\d+)\s*(?:-|–|—|الي|لين|to|و|and|~)\s*(\d+)")
_SINGLE = re.compile(r"(\d+)")


def _prepare(text: str) -> str:
    t = normalize(text)
    t = re.sub(r"(\d),(\d{3})\b", r"\1\2", t)
    t = re.sub(r"(?<![\w])(?:ب|و)?الفين(?![\w])", " 2000 ", t)
    t = re.sub(
        r"(\d+(?:\.\d+)?)\s*" + _THOUSAND_WORDS + r"(?![\w])",
        lambda m: f" {round(float(m.group(1)) * 1000)} ",
        t,
    )
    t = re.sub(r"(?<![\w])(?:ب|و)?الف(?![\w])", " 1000 ", t)
    return re.sub(r"\s+", " ", t)


def _context_ok(text: str, start: int, end: int, *, lenient: bool) -> bool:
    before, after = text[max(0, start - 30) : start], text[end : end + 25]
    if _AGE_AFTER.search(after) or _AGE_BEFORE.search(before):
        return False
    if lenient:
        return True
    return bool(
        _CURRENCY.search(after) or _CURRENCY.search(before[-12:]) or _BUDGET_WORDS.search(before)
    )


def is_open_budget(text: str) -> bool:
    """The client says the budget is open / they do not know."""
    return bool(_OPEN.search(normalize(text)))


def parse_budget(text: str, *, lenient: bool = False) -> Budget | None:
    """The first budget in `text`. Without `lenient`, a number counts only next to
    a currency or a budget word (so "18-30" in a description is not a budget)."""
    prepared = _prepare(text)
    rejected: list[range] = []
    for match in _RANGE.finditer(prepared):
        low, high = int(match.group(1)), int(match.group(2))
        if low < high and _context_ok(prepared, match.start(1), match.end(2), lenient=lenient):
            return Budget(min=low, max=high)
        rejected.append(range(match.start(1), match.end(2)))
    for match in _SINGLE.finditer(prepared):
        amount = int(match.group(1))
        if amount <= 0 or any(match.start() in span for span in rejected):
            continue
        if not _context_ok(prepared, match.start(), match.end(), lenient=lenient):
            continue
        if _UPPER.search(prepared[max(0, match.start() - 20) : match.start()]):
            return Budget(min=None, max=amount)
        return Budget(min=amount, max=amount)
    return None


_CLAUSE = re.compile(r"\s*[،,.\n؛;]\s*")


def without_budget(description: str) -> str:
    """The description with the clauses that state a budget taken out (when the
    budget is edited, its own field carries it); unchanged if nothing else is left."""
    kept = [c for c in _CLAUSE.split(description) if c and parse_budget(c) is None]
    return "، ".join(kept) if kept else description
