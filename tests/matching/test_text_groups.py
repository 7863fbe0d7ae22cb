"""Issue 10 item 6: text groups (migration 20251204000400). Freelancers whose
headline and skills give the same words and who share categories share a group,
kept by triggers when a profile changes; the ranking reads the groups when the
request's group postings are few and returns the exhaustive scoring's page."""

from __future__ import annotations

import psycopg

from khadum.matching.relevance import CASES
from khadum.seed.load import freelancer_id
from tests.matching.conftest import Profiles
from tests.matching.test_exact import choose_read, page

PROFILE = (
    "insert into public.freelancers (display_name, display_name_en, headline, headline_en,"
    " categories, skills, min_budget_sar, rating, rating_count, availability)"
    " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning id"
)


def add(conn: psycopg.Connection, name: str, *, headline: str = "مصمم شعارات وهويات بصرية",
        skills: tuple[str, ...] = ("شعار", "Logo"),
        categories: tuple[str, ...] = ("graphic_design",), rating: float = 4.5) -> str:
    row = conn.execute(PROFILE, (name, None, headline, "Logo designer", list(categories),
                                 list(skills), 100, rating, 3, "available")).fetchone()
    assert row is not None
    return str(row[0])


def group_of(conn: psycopg.Connection, freelancer: str) -> int:
    row = conn.execute("select group_id from public.freelancer_group_members"
                       " where freelancer_id = %s", (freelancer,)).fetchone()
    assert row is not None
    return int(row[0])


def groups_exist(conn: psycopg.Connection, *groups: int) -> list[bool]:
    return [bool(conn.execute("select exists (select 1 from public.freelancer_text_groups"
                              " where id = %s)", (g,)).fetchone()[0])  # type: ignore[index]
            for g in groups]


def words_split(conn: psycopg.Connection, freelancer: str) -> tuple[set[str], set[str], set[str]]:
    """(their group's words, their names' own words, their freelancer_terms)."""
    group_terms = conn.execute(
        "select gt.term from public.freelancer_group_terms gt"
        " join public.freelancer_group_members m on m.group_id = gt.group_id"
        " where m.freelancer_id = %s", (freelancer,)).fetchall()
    name_terms = conn.execute("select term from public.freelancer_name_terms"
                              " where freelancer_id = %s", (freelancer,)).fetchall()
    terms = conn.execute("select term from public.freelancer_terms where freelancer_id = %s",
                         (freelancer,)).fetchall()
    return ({r[0] for r in group_terms}, {r[0] for r in name_terms}, {r[0] for r in terms})


def test_groups_follow_profiles(conn: psycopg.Connection) -> None:
    """Same words and categories: one group; names apart. Editing a headline moves
    the freelancer to another group (the old one stays while it has members, goes
    when empty); a rating change reaches the member row and the name postings;
    a deleted freelancer leaves no member, and their empty group goes."""
    a = add(conn, "سلمان الزهراني")
    b = add(conn, "ريم العتيبي", rating=3.0)
    assert group_of(conn, a) == group_of(conn, b)
    group_a, names_a, terms_a = words_split(conn, a)
    assert group_a and names_a  # «سلمان», «الزهراني» are the name's own
    assert group_a | names_a == terms_a and not group_a & names_a
    assert "الزهراني" in names_a and "الزهراني" not in group_a
    # Another category: another group, whatever the words.
    c = add(conn, "خالد", categories=("graphic_design", "marketing_ads"))
    assert group_of(conn, c) != group_of(conn, a)

    shared = group_of(conn, a)
    conn.execute("update public.freelancers set headline = 'رسام كاريكاتير' where id = %s", (a,))
    moved = group_of(conn, a)
    assert moved != shared and groups_exist(conn, shared, moved) == [True, True]
    group_a, names_a, terms_a = words_split(conn, a)
    assert group_a | names_a == terms_a and any(t.startswith("كاريكاتير") for t in group_a)
    # b leaves too: the shared group is left empty and goes (its postings with it).
    conn.execute("update public.freelancers set skills = '{كاريكاتير}' where id = %s", (b,))
    assert groups_exist(conn, shared) == [False]
    assert conn.execute("select count(*) from public.freelancer_group_terms where group_id = %s",
                        (shared,)).fetchone() == (0,)

    conn.execute("update public.freelancers set rating = 5, availability = 'limited'"
                 " where id = %s", (a,))
    quality = conn.execute("select public.freelancer_quality(5, 'limited')").fetchone()
    assert quality is not None
    assert conn.execute("select quality, rating from public.freelancer_group_members"
                        " where freelancer_id = %s", (a,)).fetchone() == (quality[0], 5)
    assert {r[0] for r in conn.execute(
        "select distinct quality from public.freelancer_name_terms where freelancer_id = %s",
        (a,)).fetchall()} == {quality[0]}

    alone = group_of(conn, c)
    conn.execute("delete from public.freelancers where id = %s", (c,))
    assert conn.execute("select count(*) from public.freelancer_group_members"
                        " where freelancer_id = %s", (c,)).fetchone() == (0,)
    assert groups_exist(conn, alone) == [False]


def test_every_freelancer_has_a_group_and_their_words(profiles: Profiles) -> None:
    """The backfill and the triggers agree with freelancer_terms for everyone."""
    conn = profiles(1000)
    missing = conn.execute(
        "select count(*) from public.freelancers f where not exists"
        " (select 1 from public.freelancer_group_members m where m.freelancer_id = f.id)"
    ).fetchone()
    assert missing == (0,)
    differ = conn.execute(
        "with g as (select m.freelancer_id, gt.term from public.freelancer_group_members m"
        "  join public.freelancer_group_terms gt on gt.group_id = m.group_id"
        "  union select n.freelancer_id, n.term from public.freelancer_name_terms n)"
        " select count(*) from ((select * from g except"
        "  select t.freelancer_id, t.term from public.freelancer_terms t)"
        " union all (select t.freelancer_id, t.term from public.freelancer_terms t"
        "  except select * from g)) d").fetchone()
    assert differ == (0,)
    # Generated profiles recombine a few headlines: far fewer groups than freelancers.
    counts = conn.execute("select (select count(*) from public.freelancer_text_groups),"
                          " (select count(*) from public.freelancers)").fetchone()
    assert counts is not None and counts[0] * 3 < counts[1]


def group_reads(conn: psycopg.Connection) -> tuple[int, int]:
    """Index entries returned so far in this transaction: the groups' member index,
    and the postings of freelancer_terms (the other reads)."""
    row = conn.execute(
        "select pg_stat_get_xact_tuples_returned("
        "  'public.freelancer_group_members_quality_idx'::regclass),"
        " pg_stat_get_xact_tuples_returned('public.freelancer_terms_category_idx'::regclass)"
        " + pg_stat_get_xact_tuples_returned('public.freelancer_terms_impact_idx'::regclass)"
        " + pg_stat_get_xact_tuples_returned('public.freelancer_terms_pkey'::regclass)").fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def test_default_read_is_the_groups_and_exact(profiles: Profiles) -> None:
    """At this size every request has few group postings: the groups are read (not
    freelancer_terms), and the page is the exhaustive one, with budgets, exclusions
    and a request naming a freelancer (words of a name are scored apart)."""
    conn = profiles(2000)
    conn.execute("analyze public.freelancer_group_members")
    differ = []
    for n, case in enumerate(CASES):
        budget = (None, 300, 2000)[n % 3]
        exclude = [str(freelancer_id(case.top))] if n % 2 else []
        full = page(conn, case.text, exhaustive=True, budget=budget, exclude=exclude)
        groups_before, terms_before = group_reads(conn)
        fast = page(conn, case.text, exhaustive=False, budget=budget, exclude=exclude)
        groups_after, terms_after = group_reads(conn)
        assert groups_after > groups_before and terms_after == terms_before, case.text
        if fast != full:
            differ.append(case.text)
    assert differ == []
    # A request that names someone: their name's words count for them alone.
    name = conn.execute("select display_name from public.freelancers"
                        " where display_name like '%% %%' order by id limit 1").fetchone()
    assert name is not None
    text = f"تصميم شعار {name[0]}"
    for category in ("", None):
        full = page(conn, text, exhaustive=True, category=category, limit=10)
        assert full and page(conn, text, exhaustive=False, category=category, limit=10) == full
    # Forced, the groups give the same pages as the other reads.
    choose_read(conn, "groups")
    assert page(conn, CASES[0].text, exhaustive=False, offset=5) == page(
        conn, CASES[0].text, exhaustive=True, offset=5)
