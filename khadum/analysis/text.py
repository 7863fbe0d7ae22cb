"""Arabic-aware text folding. SQL `public.normalize_arabic()` is the source of the
rule; `normalize` mirrors it for the bot, which folds text without a database
round trip, and tests/analysis/test_normalize_parity.py holds the two equal."""

from __future__ import annotations

import re

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_FOLD = str.maketrans(
    "أإآٱةىؤئ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬،؛؟",
    "ااااهيوي01234567890123456789.,,;?",
)
# The same explicit set as SQL: Unicode White_Space plus the ASCII separators.
_SPACES = re.compile(
    "[\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a"
    "\u2028\u2029\u202f\u205f\u3000]+"
)
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN_LETTER = re.compile("[A-Za-z]")


def normalize(text: str) -> str:
    """Fold spelling variants (alef, taa marbuta, alef maqsura, hamza carriers,
    diacritics, tatweel, digits), lower-case and squeeze spaces."""
    folded = _lower(_DIACRITICS.sub("", text or "").translate(_FOLD))
    return _SPACES.sub(" ", folded).strip(" ")


def _lower(text: str) -> str:
    """Unicode's simple (one-to-one) lower-case mapping, as SQL's lower() applies it
    character by character. Python's lower() is the full mapping; it differs only
    for "İ" (→ "i̇", whose simple form is "i") and the context-dependent final
    sigma, so those take the character-by-character path."""
    if "İ" not in text and "Σ" not in text:
        return text.lower()
    return "".join(char.lower()[0] for char in text)


def detect_language(text: str) -> str:
    """'ar' when Arabic letters are at least as many as Latin ones (Arabic first)."""
    arabic = len(_ARABIC_LETTER.findall(text or ""))
    latin = len(_LATIN_LETTER.findall(text or ""))
    return "en" if latin > arabic else "ar"


_ARABIZI = re.compile(r"\b[a-z]*[a-z][2356789][a-z]*\b|\b[2356789][a-z]+\b")
_WORD = re.compile(r"\S+")


def clear_language(text: str) -> str | None:
    """The language `text` is clearly written in, or None when it is too short or
    mixed to say (an «ok», a brand name, Arabizi such as "abi 7ad ysawi logo")."""
    body = text or ""
    arabic = len(_ARABIC_LETTER.findall(body))
    latin = len(_LATIN_LETTER.findall(body))
    words = _WORD.findall(body)
    if arabic == 0 and latin >= 12 and len(words) >= 3 and not _ARABIZI.search(body.lower()):
        return "en"
    if latin == 0 and arabic >= 6 and len(words) >= 2:
        return "ar"
    return None


def light_stem(word: str) -> str:
    """A folded word without its article and a plural/feminine ending."""
    for prefix in ("وال", "بال", "لل", "ال"):
        if word.startswith(prefix) and len(word) - len(prefix) > 2:
            word = word[len(prefix) :]
            break
    return word[:-1] if word.endswith(("ه", "ات", "s")) and len(word) > 4 else word


def phrase_in(phrase: str, folded_text: str) -> bool:
    """`phrase` (a skill, a headline) occurs in already-folded text, word stems allowed."""
    folded = normalize(phrase)
    stems = [w for w in folded.split() if len(w) > 2]
    return folded in folded_text or (bool(stems) and all(
        light_stem(w) in folded_text for w in stems
    ))
