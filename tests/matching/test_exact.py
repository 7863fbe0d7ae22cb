"""Issue 10 item 6: the fast path (postings of freelancer_terms, bounded trigram)
returns the same page as the exhaustive scoring of every row with the same formula.
Checked over the relevance table on a few thousand generated freelancers (so the
bounds prune), with pages, exclusions and a request whose words nobody has."""

from __future__ import annotations

import psycopg
import pytest

from bench.matching import GENERATE, GENERATE_DIVERSE
from khadum.analysis.local import analyse_locally
from khadum.analysis.vocabulary import matching_skills
from khadum.matching.relevance import CASES
from khadum.seed.load import freelancer_id
from tests.matching.conftest import Profiles, exhaustive_page

CALL = (
    "select freelancer_id::text, score from public.match_freelancers("
    "%s, %s, %s, %s, %s::uuid[], %s, %s, null, %s)"
)


def page(conn: psycopg.Connection, text: str, *, exhaustive: bool, limit: int = 5,
         offset: int = 0, exclude: list[str] | None = None,
         category: str | None = "", budget: int | None = None) -> list[tuple[str, float]]:
    analysis = analyse_locally(text)
    args = (text, analysis.category if category == "" else category,
            matching_skills(analysis.skills), budget, exclude or [], limit, offset, exhaustive)

    def run() -> list[tuple[str, float]]:
        return [(r[0], r[1]) for r in conn.execute(CALL, args).fetchall()]

    # The exhaustive page is the costly one: computed once per run for the same
    # arguments on the same unchanged generated profiles (tests/matching/conftest.py).
    return exhaustive_page(conn, args, run) if exhaustive else run()


def generate(conn: psycopg.Connection, count: int, diverse: bool = False) -> None:
    """`count` profiles recombined from the demo ones (bench.matching's generator),
    in the connection's transaction; `diverse`: each also takes words of two other
    profiles (nearly every text differs). The tests here read the same profiles
    generated once per run (the `profiles` fixture, tests/matching/conftest.py)."""
    conn.execute("create temporary table demo on commit drop as "
                 "select row_number() over () as n, f.* from public.freelancers f")
    conn.execute(GENERATE_DIVERSE if diverse else GENERATE, (1, count))
    conn.execute("analyze public.freelancer_terms")
    conn.execute("analyze public.freelancers")


# The reads: through text groups (migration 20251204000400, chosen when the request's
# terms have few group postings, as all have at this size), and of the category's
# postings (migration 20251203000400): in impact order (chosen for requests whose
# terms have many postings) and the quality bands (few postings); the same page
# whichever.
READS = ("groups", "impact", "bands")


def choose_read(conn: psycopg.Connection, read: str) -> None:
    conn.execute("select set_config('khadum.matching_read', %s, true)", (read,))


@pytest.mark.parametrize("read", READS)
def test_fast_equals_exhaustive_over_the_relevance_table(profiles: Profiles,
                                                         read: str) -> None:
    conn = profiles(1500)
    choose_read(conn, read)
    total = conn.execute("select count(*) from public.freelancers").fetchone()
    assert total is not None and total[0] > 1500
    differ = []
    for case in CASES:
        fast = page(conn, case.text, exhaustive=False)
        full = page(conn, case.text, exhaustive=True)
        assert len(fast) == 5
        if [i for i, _ in fast] != [i for i, _ in full]:
            differ.append(case.text)
        else:  # the same scores, not just the same people
            assert [s for _, s in fast] == [s for _, s in full]
    assert differ == []


@pytest.mark.parametrize("read", READS)
def test_pages_exclusions_and_requests_without_known_words(profiles: Profiles,
                                                           read: str) -> None:
    conn = profiles(1000)
    choose_read(conn, read)
    text = "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة"
    for offset in (0, 5, 20):
        assert page(conn, text, exhaustive=False, offset=offset) == page(
            conn, text, exhaustive=True, offset=offset)
    first = [i for i, _ in page(conn, text, exhaustive=False)]
    excluded = page(conn, text, exhaustive=False, exclude=first[:3], budget=300)
    assert not set(first[:3]) & {i for i, _ in excluded}
    assert excluded == page(conn, text, exhaustive=True, exclude=first[:3], budget=300)
    # Words nobody has, a category: its best-rated, through the category index.
    odd = "zzqx qqzv"
    fast = page(conn, odd, exhaustive=False, category="translation", limit=7)
    assert len(fast) == 7
    assert fast == page(conn, odd, exhaustive=True, category="translation", limit=7)
    # Neither words nor category: nobody.
    assert page(conn, odd, exhaustive=False, category=None) == []
    assert page(conn, odd, exhaustive=True, category=None) == []


READ_INDEXES = ("freelancer_terms_category_idx", "freelancer_terms_impact_idx",
                "freelancer_terms_by_freelancer_idx", "freelancer_terms_pkey")


def read_counts(conn: psycopg.Connection) -> tuple[int, int]:
    """Index tuples returned by every index of freelancer_terms the ranking reads (the
    postings in quality order, a freelancer's own terms, the primary key) so far in
    this transaction, and how many probes of a freelancer's own terms there were."""
    row = conn.execute(
        "select (select sum(pg_stat_get_xact_tuples_returned(('public.' || i)::regclass))"
        "        from unnest(%s::text[]) i),"
        " pg_stat_get_xact_numscans('public.freelancer_terms_by_freelancer_idx'::regclass)"
        " + pg_stat_get_xact_numscans('public.freelancer_terms_pkey'::regclass)",
        (list(READ_INDEXES),),
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def postings(conn: psycopg.Connection, text: str) -> int:
    """How many postings the request's words and skills have in all (what a full
    aggregation reads)."""
    analysis = analyse_locally(text)
    row = conn.execute(
        "select coalesce(sum(s.freelancers), 0) from public.freelancer_term_stats s"
        " where s.term in (select w.term from public.match_word_terms(%s) w"
        "   union select w.term from unnest(%s::text[]) k"
        "   cross join lateral public.match_word_terms(public.normalize_arabic(k)) w)",
        (text, matching_skills(analysis.skills)),
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_early_stopping_reads_less_and_stays_exact(profiles: Profiles) -> None:
    """Issue 10 item 6: the category's quality bands and MaxScore over the rest read a
    part of the postings, probe the unread terms for the few who could still place,
    and return the exhaustive page, budgets and exclusions too (the read chosen for
    requests with few postings, as all are at this size, when the text groups are not
    read)."""
    conn = profiles(2000)
    # The counters below count index entries, dead ones too: earlier tests' rolled-back
    # freelancers would be counted as read. Vacuum them away first.
    with psycopg.connect(conn.info.dsn, autocommit=True) as maintenance:
        maintenance.execute("vacuum public.freelancer_terms, public.freelancers")
    choose_read(conn, "bands")  # (the text groups, chosen by default here, are checked apart)
    conn.execute("analyze public.freelancers")
    shares = []
    probed = 0
    differ = []
    for n, case in enumerate(CASES):
        budget = (None, 300, 2000)[n % 3]
        exclude = [str(freelancer_id(case.top))] if n % 2 else []
        full = page(conn, case.text, exhaustive=True, budget=budget, exclude=exclude)
        before, probes_before = read_counts(conn)
        fast = page(conn, case.text, exhaustive=False, budget=budget, exclude=exclude)
        after, probes_after = read_counts(conn)
        if fast != full:
            differ.append(case.text)
        probed += probes_after > probes_before
        shares.append((after - before) / max(postings(conn, case.text), 1))
    assert differ == []
    shares.sort()
    median = shares[len(shares) // 2]
    print(f"\nearly stopping: median share of postings read {median:.2f}, "
          f"requests with probes {probed}/{len(CASES)}")
    assert median < 0.7, shares
    assert probed >= 5


def test_impact_order_under_budgets_and_exclusions(profiles: Profiles) -> None:
    """Issue 10 item 6: the read in impact order (rarest terms first, each from the
    quality that can still place, ties broken as the page does) returns the
    exhaustive page for every request of the table, with budgets and exclusions,
    on generated profiles full of ties (recombined demo profiles)."""
    conn = profiles(2000)
    choose_read(conn, "impact")
    conn.execute("analyze public.freelancers")
    differ = []
    for n, case in enumerate(CASES):
        budget = (None, 300, 2000)[n % 3]
        exclude = [str(freelancer_id(case.top))] if n % 2 else []
        full = page(conn, case.text, exhaustive=True, budget=budget, exclude=exclude)
        fast = page(conn, case.text, exhaustive=False, budget=budget, exclude=exclude)
        if fast != full:
            differ.append(case.text)
    assert differ == []
