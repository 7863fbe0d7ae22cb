"""One Arabic normaliser: SQL `public.normalize_arabic()` is the rule and Python's
`normalize()` must give the same answer for every input below (a drift in either
fails here)."""

from __future__ import annotations

import psycopg

from khadum.analysis.text import normalize

TRICKY = [
    "",
    "   ",
    "أبي شعار لمتجري",
    "إعلان آخر ٱلخط",
    "مدرسة مستشفى ذكرى",
    "مؤسسة هيئة رئيس",
    "مُصَمِّمٌ جـــرافيك",  # diacritics, tatweel
    "الميزانية ٥٠٠٠ ريال، أو ۳۰۰۰؟",  # Arabic-Indic and Persian digits, Arabic punctuation
    "٣٫٥ ألف ٬ ١٢٬٠٠٠ ؛ تمام",
    "Logo DESIGN for My Shop",
    "Café ÉLAN Ünïcode ÀÇÑ",
    "ΟΔΟΣ Σ",  # Greek: one character at a time, no final-sigma context
    "İstanbul ǅ ß",  # one-to-many lower() mappings stay as they are
    "tab\there\nnew line\r\nand  double",
    "no\u00a0break\u202fnarrow\u2007figure",
    "em\u2003space\u3000ideographic\u2028line\u2029para",
    "\u001cfile\u001dgroup\u001erecord\u001funit\u0085next",
    "zero\u200bwidth\u200cnon\u200djoiner\u200frtl\ufeffbom",
    "\u00a0 leading and trailing \u2003",
    "emoji 😀 تصميم 🎨",
    "ﻻ ﷲ ﻷ",  # presentation forms are left as they are
    "ARABIZI abi 7ad ysawi LOGO",
]


def test_python_and_sql_fold_alike(conn: psycopg.Connection) -> None:
    drifted = {}
    for text in TRICKY:
        row = conn.execute("select public.normalize_arabic(%s)", (text,)).fetchone()
        assert row is not None
        if row[0] != normalize(text):
            drifted[text] = (row[0], normalize(text))
    assert drifted == {}


def test_arabic_punctuation_folds() -> None:
    assert normalize("كم؟ ٣٫٥، تمام؛") == "كم? 3.5, تمام;"
