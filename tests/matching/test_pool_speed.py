"""Issue 10 item 6 (speed): migration 20251207000100 folds each page freelancer's
skills with one call of public.normalize_arabic (joined by U+0001, split again)
instead of one per skill, and tests them against the analysis' skills with one
`like any`. These tests prove the pages unchanged, column for column (matched
skills included), against 20251206000200's match_freelancers loaded under another
name (bench.matching's baseline), on generated diverse profiles through every read,
and on freelancers whose skills are built to trip a joined fold: spaces of every
kind at the ends, diacritics, a final sigma, an empty, a blank and a null skill, a
lone empty skill, LIKE wildcards, and U+0001 itself (the skill-by-skill fold)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from bench.matching import BASELINE, baseline_statements
from khadum.analysis.local import analyse_locally
from khadum.analysis.vocabulary import matching_skills
from khadum.matching.relevance import CASES
from tests.matching.test_exact import choose_read, generate

PREVIOUS = (Path(__file__).resolve().parents[2] / "supabase" / "migrations"
            / "20251206000200_matching_pool_static.sql")

CALL = ("select * from public.{}(%s, %s, %s, %s, %s::uuid[], %s, %s, null, false)")


def load_previous(conn: psycopg.Connection) -> None:
    """20251206000200's definition as match_freelancers_baseline, in this transaction
    (rolled back with it)."""
    for statement in baseline_statements(PREVIOUS):
        conn.execute(statement.encode())


def both(conn: psycopg.Connection, *args: Any) -> tuple[list[Any], list[Any]]:
    """The whole page (every column) of the current and of the previous definition."""
    now = conn.execute(CALL.format("match_freelancers"), args).fetchall()
    before = conn.execute(CALL.format(BASELINE), args).fetchall()
    return now, before


@pytest.mark.parametrize("read", ("pool", "impact"))
def test_pages_equal_the_previous_definition(conn: psycopg.Connection, read: str) -> None:
    load_previous(conn)
    choose_read(conn, read)
    generate(conn, 1500, diverse=True)
    pages = matched = 0
    for n, case in enumerate(CASES):
        analysis = analyse_locally(case.text)
        budget = (None, 300, 2000)[n % 3]
        skills = matching_skills(analysis.skills)
        exclude: list[str] = []
        if n % 2:  # without the best of the plain page
            first = conn.execute(
                CALL.format("match_freelancers"),
                (case.text, analysis.category, skills, budget, [], 1, 0)).fetchone()
            assert first is not None
            exclude = [str(first[0])]
        offset, limit = ((0, 5), (5, 5), (0, 10))[n % 3]
        now, before = both(conn, case.text, analysis.category, skills, budget, exclude, limit,
                           offset)
        assert not {str(row[0]) for row in now} & set(exclude)
        assert len(now) == limit, case.text
        assert now == before, case.text
        pages += 1
        matched += sum(1 for row in now if row[14])
    # the skills were tested, and matched, on most pages (not a page of empty lists)
    assert pages == len(CASES)
    assert matched >= len(CASES)


TRICKY = [
    # spaces of every kind the fold squeezes, at the ends and inside; diacritics;
    # Arabic-Indic digits; a Greek final sigma (a context-sensitive lower())
    ["  تصميم   شعارات ", "Logo\u00a0Design\u2003", "\u3000مُونْتاج\t", "ΟΔΟΣ ΣΟΦΙΑ", "٣D رسم"],
    # an empty, a blank and a null skill among others; LIKE's wildcards
    ["", "  ", None, "100%_done", "تصميم"],
    # a lone empty skill (string_to_array('') has no piece) …
    [""],
    # … a lone null one, none at all
    [None],
    [],
    # U+0001 inside a skill: this freelancer's skills are folded one by one
    ["تصميم\x01شعارات", "logo design", " x\x01 "],
]


def test_matched_skills_fold_like_the_previous_definition(conn: psycopg.Connection) -> None:
    load_previous(conn)
    for n, skills in enumerate(TRICKY):
        conn.execute(
            "insert into public.freelancers (display_name, display_name_en, headline, "
            "headline_en, bio, bio_en, categories, skills, languages, city, min_budget_sar, "
            "rating, rating_count, completed_projects, availability) "
            "values (%s, %s, 'زخرفيزون تصميم شعارات', 'zukhrufizon logo design', '', '', "
            "'{graphic_design}', %s::text[], '{ar}', 'الرياض', 100, %s, 3, 1, 'available')",
            (f"خبير {n}", f"Expert {n}", skills, 4.0 + n / 10),
        )
    conn.execute("analyze public.freelancer_terms")
    query = ("زخرفيزون تصميم شعارات logo design οδος σοφια οδοσ σοφια مونتاج 3d رسم "
             "100%_done")
    calls = [
        (query, None, ["تصميم", "Logo Design", "done"]),  # postings read, the static page
        (query, "graphic_design", ["تصميم", "شعارات"]),
        (query, "graphic_design", []),
        # only they have the word: fewer than k found, so the exact reads also read the
        # category's others, and the page is the statement built for EXECUTE
        ("زخرفيزون", "graphic_design", []),
    ]
    seen: set[str] = set()
    for read in ("groups", "impact", "bands", "pool"):
        choose_read(conn, read)
        for text, category, skills in calls:
            now, before = both(conn, text, category, skills, None, [], 50, 0)
            assert now == before, (read, category)
            mine = [row for row in now if row[1].startswith("خبير ")]
            assert len(mine) == len(TRICKY), (read, category)
            for row in mine:
                seen.update(row[14])
            if text == "زخرفيزون" and read in ("impact", "bands"):
                # others of the category, none of the words: read by that statement
                assert any(row[12] == 0 and row[13] == 1 for row in now), read
    # the fold did match the awkward spellings (the comparison above is not of
    # empty lists), including the skill-by-skill fold of a skill holding U+0001
    assert {"  تصميم   شعارات ", "Logo\u00a0Design\u2003", "\u3000مُونْتاج\t", "ΟΔΟΣ ΣΟΦΙΑ",
            "٣D رسم", "100%_done", "تصميم", "logo design"} <= seen
