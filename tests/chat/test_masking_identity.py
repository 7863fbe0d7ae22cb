"""Issue 11: the migrations that make masking faster must not change what it
does. For each of them, the definitions of the masking functions as they stood
before it (taken from the migration files, latest first wins) are loaded into
a scratch schema, and both pipelines scan the whole table of cases, the
benchmark's messages and random mixes of them: every output of
mask_contact_scan (masked text, kinds, suspects, loose digits, with and
without masking loose digits) must be the same."""

from __future__ import annotations

import random
from pathlib import Path

import psycopg
import pytest

from bench.masking import MESSAGES, previous_definitions
from tests.chat.masking_cases import BENIGN, EVASIONS

MIGRATIONS = Path(__file__).resolve().parents[2] / "supabase" / "migrations"
# the migrations that change how masking works, not what it finds
FAST = ["20251201000700_contact_masking_cached.sql",
        "20251202000200_contact_masking_prefilter.sql",
        "20251203000300_contact_masking_lean.sql",
        "20251204000300_contact_masking_cache.sql",
        "20251205000100_contact_masking_runs.sql",
        "20251206000300_contact_masking_joined.sql",
        "20251207000200_contact_masking_pieces.sql",
        "20251208000100_contact_masking_screened_words.sql"]
SEPARATORS = [" ", "\n", "، ", ". ", " و ", " - ", "", " 🙏 "]
# texts at the edges of the shortcuts the faster migrations take: prefixes
# before a number (cases, '#', spaces the trim may not know, long gaps), a
# phrase of one number word, «و» and a word, doubles, hundreds
EDGES = [
    "order #0551234567", "Order No. 0551234567", "ORDER 0551234567 and SAR 0551234567",
    "invoice:\u0085 0551234567", "ref\u00a0\u00a00551234567", "sku##: 0551234567",
    "order" + " " * 45 + "no 0551234567", "طلب رقم: 0551234567", "الفاتورة  #  0551234567",
    "abc # 0551234567", "ريال 0551234567", "version 10.2.3 ثم 0551234567", "v2.3.1 0551234567",
    "$ 0551234567", "£0551234567", "€ 0551234567", "no 0551234567", "number 0551234567",
    "رقمي 0551234567", "ticket\u3000 0551234567", "ref\u2028 0551234567",
    "واحد", "وواحد", "و5", "دبل خمسة", "five hundred", "hundred", "كل واحد منهم",
    "اتصل على صفر خمسة خمسة واحد اثنين ثلاثة أربعة خمسة ستة سبعة",
    "وعشرين", "تريبل", "x2", "ten", "TEN 055 123 4567", "Ｏｒｄｅｒ ０５５１２３４５６７",
    "ﻃﻠﺐ 0551234567", "tes3a khamsa 055 1234567",
    "صفر خمسة خمسة واحد اثنين", "zero five five one two three", "خمسة  خمسة واحد", "واحد واحد",
    "خمسة عشرين", "ثلاثة وعشرين", "five hundred five", "دبل خمسة واحد", "khamsa sab3a",
    "one oh five",
    # 20251204000300: '@' found by strpos (windows side by side, at the ends,
    # many), prefixes screened by strpos, phone and "contact me" words by
    # strpos (cases, a dotted capital I), look-alike letters read in the
    # pieces between digit groups (chr(6) in the text), digits of other
    # scripts bracketed (chr(4)/chr(5) in the text), the at/dot screen of a
    # text without Latin letters
    "a@b@c", "@", "@@ ahmed @ gmail . com @", "x" * 79 + "@" + "y" * 80 + "@a.com",
    "mail: ahmed @gmail.com" + " " * 78 + "sara@ hotmail. com", "ahmed . design@gmail.com",
    "ORDER 0551234567", "İ ORDER 0551234567", "SKU#0551234567", "Ref: 0551234567",
    "PHONE 55123456", "Mobile: 55123456", "MOBİLE 55123456", "CALL me 551234567",
    "tel:551234567", "رقمي ٥٥١٢٣٤٥٦", "جوالي 55123456", "كلّمني 551234567",
    "snap ADD ME", "سناب أضفني", "سناب اضفني ahmed", "insta DM ME pls", "سناب تواصل معي",
    "O55l234567", "055 l234567", "5ا5ه5 0551234567", "05\x06o51234567", "123o", "I23456789",
    "0 5 5 l 2 3 4 5 6 7", "o\x060551234567",
    "٠٥٥\x04١٢٣٤٥٦٧", "٠٥٥١٢٣٤٥٦٧ ٫ ٬ ٠٥٥\x05١", "٠٥٥١٢٣٤٥٦٧",
    "احمد آت جيميل دوت كوم", "ايميلي (at) جيميل", "[dot] نقطة علامة", "رقمي (٠٥٥) ١٢٣ ٤٥٦٧",
    # 20251205000100: phrases cut without the expression (separators, «و»
    # alone, a piece that is not a number word, doubles, case, chr(4)),
    # phone shapes of every country code after '+', '00' or nothing, pads
    # and '+' around masks read in the pieces between groups, long runs of
    # groups, masks at both ends
    "sefr, khamsa - khamsa و wa7ed*etnen|talata/arba3a:khamsa", "SEFR KHAMSA khamsa wa7ed 1234567",
    "خمسة و ستة someone سبعة ثمانية تسعة صفر واحد اثنين", "دبل خمسة ١ ٢ ٣ ٤ ٥ ٦ ٧",
    "five\x04 five one two three four five six seven", "ستّة خمسة خمسة واحد اثنين ثلاثة اربعة",
    "و خمسة خمسة و واحد و 234 و5678", "five1two3four567 zero five", "x2 5 five 1 2 3 4 5",
    "+966 55 123 4567", "00966 55 123 4567", "+971 50 123 4567", "00965 5123 4567",
    "+974 3312 3456", "00973 3612 3456", "+968 9123 4567", "0020 10 1234 5678",
    "+20 10 1234 5678", "+44 20 7946 0958",
    "0011 234 567", "9200 12345", "800 123 4567", "011 234 5678", "01012345678", "966 112345678",
    "\x01\x01+\x01 055\x01123\x014567\x01\x01", "\x01+ \x01\x01055 123 4567", "+  ++ 0551234567+",
    "0551234567", "x 0551234567 y 0551234567", "1 2 3 4 5 6 7 8 9 1 2 3 4 5 6 7 8 9 1 2 3 4 5",
    "5-5-1-2-3-4-5-6-7-0-5-5-1-2-3-4-5-6-7", "ahmed@gmail.com 0551234567 snap: ahmed_99 ahmed.com",
    # 20251206000300: windows of the rewrites joined by chr(7) (matches and
    # lookarounds at the edges of windows far apart, chr(7) in the text,
    # windows at both ends of the text), number words by foreach
    "ahmed at gmail dot com" + " " * 90 + "sara (at) hotmail [dot] com" + " " * 90 + "x dot",
    "dot" + " " * 85 + "a" * 38 + " at gmail" + " " * 85 + "period com",
    "ahmed\x07 at gmail\x07dot\x07com", "\x07(at)\x07[dot]\x07",
    "a\x07b\x07c d e f" + " " * 60 + "g h i j",
    "ahmed @ gmail . com" + " " * 70 + "x" * 30 + "@ hotmail.  com" + " " * 70
    + "sara .  design@x.sa",
    "snap: ahmed_99 @sara.x www.a.com. t.me/x, ahmed@gmail.com. بيهانس ahmed.design2",
    "a" * 39 + "نقطة" + "b" * 39 + " " * 50 + "9نقطةz" + " " * 81 + "(دوت)",
    "خمسة" + " " * 90 + "five one two" + "\x07" + "واحد وعشرين",
    # 20251207000200: a phrase's pieces read one by one (one piece no number
    # word, at the start, the end, between others, holding chr(4), «و»
    # alone, separators of every kind); the lean lists of top-level domains
    # (domains on neither list, in capitals, after pads, cut by a window's
    # end, before the first '@', after "www" and spaces)
    "five1two3four567 zero five five one two three four five six seven",
    "صفر خمسة خمسة x1y واحد اثنين ثلاثة اربعة خمسة ستة سبعة",
    "zero five five one two three four five six seven abc",
    "khamsa—sab3a;wa7ed|etnen/talata:arba3a(khamsa)sitta+sab3a~tamanya x9",
    "five\x04x one two three four five six seven eight", "و five2 و six ستة و واحد",
    "ahmed@gmail.museum", "ahmed@x.design", "ahmed@studio.DESIGN", "a@b.COM", "a@b.Com1",
    "a@b.comx", "a.design@b.com", "a@b.sa.design", "a@b.\x01\x01MUSEUM", "a@b.co.uk",
    "a@" + "x" * 73 + ".museumz", "a@" + "x" * 74 + ".museumz", "x.museum a@b.com",
    "ahmed.design", "site.museum/x", "www.ahmed.museum", "WWW ahmed museum", "www ahmed . travel",
    "bit.ly/abc", "x.com.ly", "ahmed.ai", "a.b.C\x01O\x01M", "linktr.ee/ahmed",
    "see " + "y" * 150 + ".museum", "ahmed.info" + " " * 170 + "b.museum",
    "ahmed-portfolio.com ahmeddesign.net/x ahmed.studio wa.me/9665 t.me/x",
    # 20251208000100: number words read from the Arabic screen's matches
    # (words right after a match, at the text's start and end, «و» and a
    # word, «ستّة» and its shadda, runs of 9 and 10 letters after a match,
    # Latin letters with and without a Latin number word, dotted capital I,
    # Kelvin sign and long s next to the words, chr(4)/chr(5) in the text)
    "كل واحد", "واحد", "واحد اثنين ثلاثة", "واحد،اثنين-ثلاثة", "واحد 5 اثنين و ثلاثة",
    "خمسة خمسة واحد اثنين ثلاثة اربعة خمسة ستة", "ستّة خمسة", "خمسة ستّة", "وستّة", "ستّةواحد",
    "الواحد واحد", "ووواحد اثنين", "واحد" + "ب" * 9, "واحد " + "ب" * 8, "واحد " + "و" + "ب" * 8,
    "واحد " + "ب" * 10, "واحد وعشرين", "مية وخمسة", "ثلاثمية و خمسين",
    "1080x1080 كل واحد منهم", "five واحد اثنين", "v2 واحد five1two", "İواحد Kاثنين ſثلاثة",
    "واحدİ اثنينK", "واحد\x04اثنين\x05ثلاثة", "\x05واحد\x04", "رقمي صفر خمسة خمسة 1234567",
    "تسعة" + " " * 60 + "ثمانية" + "x" * 30 + "سبعة ستة", "ﻭﺍﺣﺪ ﺍﺛﻨﻴﻦ",
]


def mixes(count: int, seed: int) -> list[str]:
    """Messages made of pieces of the table (evasions and business talk)."""
    rng = random.Random(seed)
    pieces = [t for _, t, _ in EVASIONS] + list(BENIGN)
    out = []
    for _ in range(count):
        chosen = rng.sample(pieces, rng.randint(2, 7))
        out.append(rng.choice(SEPARATORS).join(chosen))
    return out


@pytest.mark.parametrize("fast", FAST)
def test_the_faster_migration_masks_exactly_as_before(conn: psycopg.Connection,
                                                      fast: str) -> None:
    assert (MIGRATIONS / fast).exists()
    conn.execute("set local check_function_bodies = off")
    conn.execute("create schema mask_prev")
    conn.execute(previous_definitions("mask_prev", fast))
    texts = ([t for _, t, _ in EVASIONS] + list(BENIGN) + list(MESSAGES.values()) + EDGES
             + mixes(120, seed=11) + mixes(120, seed=int(fast[:14]) % 1000))
    differ = []
    for loose in (False, True):
        for text in texts:
            new, old = conn.execute(
                "select row(n.*)::text, row(o.*)::text"
                "  from public.mask_contact_scan(%(t)s, %(l)s) n,"
                "       mask_prev.mask_contact_scan(%(t)s, %(l)s) o", {"t": text, "l": loose},
            ).fetchone()
            if new != old:
                differ.append((loose, text, old, new))
    assert not differ, differ[:3]
    # the comparison can fail: the previous definitions really are the old ones
    assert conn.execute("select prosrc <> (select prosrc from pg_proc where oid ="
                        " 'public.mask_contact_scan(text, boolean)'::regprocedure)"
                        " from pg_proc where oid ="
                        " 'mask_prev.mask_contact_scan(text, boolean)'::regprocedure").fetchone()[0]


def test_number_words_keep_the_shape_the_screened_shortcut_relies_on(
        conn: psycopg.Connection) -> None:
    """20251208000100 reads the Arabic number words from the Arabic screen's
    matches when the Latin screen finds none: that holds while every Arabic
    number word starts and ends with a letter of the tokeniser's Arabic class
    and has at most 8 characters (the word after a match is read from 10),
    and every Latin one is Latin letters and digits only."""
    arabic = r"[\u0621-\u064A\u066E-\u06D3]"
    bad = conn.execute(
        "select array_agg(k) from jsonb_object_keys(public.mask_number_words()) k"
        " where (k !~ '[a-z0-9]' and (k !~ ('^' || %(a)s) or k !~ (%(a)s || '$') or length(k) > 8))"
        "    or (k ~ '[a-z0-9]' and k !~ '^[a-z0-9]+$')", {"a": arabic}).fetchone()[0]
    assert bad is None
    # the check can fail: a word of another shape is found
    assert conn.execute(
        "select 'ستّ' !~ (%(a)s || '$') and 'wa7ed١' !~ '^[a-z0-9]+$'", {"a": arabic}).fetchone()[0]
