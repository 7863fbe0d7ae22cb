"""Arabic-aware text folding, the Python twin of SQL `public.normalize_arabic()`."""

from __future__ import annotations

import re

_DIACRITICS = re.compile("[\u064b-\u0652\u0670\u0640]")
_FOLD = str.maketrans(
    "أإآٱةىؤئ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬،؛؟",
    "ااااهيوي01234567890123456789.,,;?",
)
_SPACES = re.compile(r"\s+")
_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_LATIN_LETTER = re.compile("[A-Za-z]")


def western_digits(text: str) -> str:
    """Arabic-Indic and Persian digits (and separators) as Western ones."""
    return text.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,"))


def normalize(text: str) -> str:
    """Fold spelling variants (alef, taa marbuta, alef maqsura, hamza carriers,
    diacritics, tatweel, digits), lower-case and squeeze spaces."""
    folded = _DIACRITICS.sub("", text or "").translate(_FOLD).lower()
    return _SPACES.sub(" ", folded).strip()


def detect_language(text: str) -> str:
    """'ar' when Arabic letters are at least as many as Latin ones (Arabic first)."""
    arabic = len(_ARABIC_LETTER.findall(text or ""))
    latin = len(_LATIN_LETTER.findall(text or ""))
    return "en" if latin > arabic else "ar"
