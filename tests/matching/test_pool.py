"""Issue 10 item 6: the bounded "pool" read (migration 20251205000200), chosen when
the text groups do not apply (profiles that mostly differ). It reads a bounded part
of the postings and is not exact by construction: these tests check, on diverse
generated profiles, that its pages agree with the exhaustive scoring's for at least
95 % of the relevance table (budgets, exclusions, pages), that every score it returns
is the freelancer's exact score, and that it hands over to the exact reads when it
cannot see who could place (a k-th best within reach of those who have none of the
words)."""

from __future__ import annotations

import psycopg

from khadum.matching.relevance import CASES
from khadum.matching.search import read_said
from khadum.seed.load import freelancer_id
from tests.matching.conftest import Profiles
from tests.matching.test_exact import choose_read, page


def reads_of(conn: psycopg.Connection, call: object) -> list[str]:
    """The reads match_freelancers reports (at debug level) while `call` runs."""
    said: list[str] = []

    def hear(d: psycopg.errors.Diagnostic) -> None:
        read = read_said(d.message_primary)
        if read is not None:
            said.append(read)

    conn.add_notice_handler(hear)
    conn.execute("set local client_min_messages = debug1")
    try:
        assert callable(call)
        call()
    finally:
        conn.execute("set local client_min_messages = notice")
        conn.remove_notice_handler(hear)
    return said


def test_pool_agrees_with_the_exhaustive_scoring(profiles: Profiles) -> None:
    conn = profiles(2500, diverse=True)
    choose_read(conn, "pool")
    groups = conn.execute("select count(*) from public.freelancer_text_groups").fetchone()
    assert groups is not None and groups[0] > 2000  # nearly every profile differs
    agree = 0
    compared = 0
    pooled = 0
    for n, case in enumerate(CASES):
        budget = (None, 300, 2000)[n % 3]
        exclude = [str(freelancer_id(case.top))] if n % 2 else []
        offset = 5 if n % 5 == 4 else 0
        fast: list[tuple[str, float]] = []

        def run(budget: int | None = budget, exclude: list[str] = exclude,
                offset: int = offset, text: str = case.text,
                into: list[tuple[str, float]] = fast) -> None:
            into.extend(page(conn, text, exhaustive=False, budget=budget, exclude=exclude,
                             offset=offset))

        said = reads_of(conn, run)
        pooled += said == ["pool"]
        # the exhaustive ranking's first 50 (its order is total: score, rating, number
        # of ratings, id), read once: the page at the offset, and every score
        ranking = page(conn, case.text, exhaustive=True, budget=budget, exclude=exclude,
                       limit=50)
        full = ranking[offset:offset + 5]
        assert len(fast) == len(full) == 5
        assert not set(exclude) & {i for i, _ in fast}
        compared += 1
        agree += fast == full
        # whatever it returns, with the freelancer's exact score, in the page's order
        wider = dict(ranking)
        for i, score in fast:
            if i in wider:
                assert wider[i] == score
        assert [s for _, s in fast] == sorted((s for _, s in fast), reverse=True)
    print(f"\npool read: top 5 equal to the exhaustive scoring's in {agree}/{compared}; "
          f"{pooled} read by the pool")
    assert pooled >= compared * 0.9
    assert agree >= 0.95 * compared


def test_pool_hands_over_when_it_cannot_see_who_could_place(profiles: Profiles) -> None:
    """Words nobody has and a page longer than the category's members: the k-th best
    is someone with the category as another of theirs (not read by the pool); the
    exact reads answer."""
    conn = profiles(600, diverse=True)
    choose_read(conn, "pool")
    fast: list[tuple[str, float]] = []

    def run() -> None:
        fast.extend(page(conn, "zzqx qqzv", exhaustive=False, category="translation", limit=50))

    said = reads_of(conn, run)
    assert said[:1] == ["pool"] and "pool-fallback" in said and said[-1] != "pool-fallback"
    members = conn.execute("select count(*) from public.freelancers"
                           " where categories[1] = 'translation'").fetchone()
    assert members is not None and members[0] < 50
    assert len(fast) == 50
    assert fast == page(conn, "zzqx qqzv", exhaustive=True, category="translation", limit=50)


def test_default_read_at_small_sizes_stays_exact(profiles: Profiles) -> None:
    """Without a forced read, few group postings choose the text groups (exact): the
    pool is for profiles that mostly differ at scale."""
    conn = profiles(300, diverse=True)
    text = CASES[0].text
    fast: list[tuple[str, float]] = []
    said = reads_of(conn, lambda: fast.extend(page(conn, text, exhaustive=False)))
    assert said == ["groups"]
    assert fast == page(conn, text, exhaustive=True)
