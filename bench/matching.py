"""Matching latency over a large freelancer table (100,000 by default),
generated in a scratch database from the demo profiles (names, headlines,
skills and categories recombined), so full-text, trigram and category indexes
work on realistic Arabic/English text.

    .venv/bin/python -m bench.matching [--freelancers 100000] [--repeats 5] [--diverse]
        [--database-url URL] [--agreement-every N] [--baseline MIGRATION.sql]
    .venv/bin/python -m bench.matching --database-url URL --generate-only --diverse

`--diverse` gives each profile two words of a second headline and a skill of a
third (tens of thousands of distinct texts, as on a real marketplace; without it the
recombined profiles share ~130 texts). `--generate-only` fills an already migrated
database (resuming after the profiles already there) in 1,000-row statements.
The report names the read each query took (`reads`), the number of text groups,
and compares every query's top 5 with an exact read (`top5_agreement_with_exact_read`)
besides the sampled exhaustive scoring.

`--baseline` loads the `match_freelancers` of an earlier migration under another
name (`match_freelancers_baseline`) in the same database, with the pool read
(`match_freelancers_pool`) the migration defines, if any, as
`match_freelancers_pool_baseline` (else the current one is shared), and times it
alternately with the current one over the same queries (CPU and wall), which of
the two runs first alternating too (the second run of a request finds the CPU
caches warm: ~1.5 ms less at 100k), and checks that both return the same pages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from bench.common import percentiles, scratch_database
from khadum.analysis.local import analyse_locally
from khadum.matching.relevance import CASES
from khadum.matching.search import find_matches, read_said

QUERIES = [
    "أبي إعلان تسويقي لساعة ذكية للشباب من 18-30 سنة",
    "ابغى احد يصمم لي شعار لمتجري في سلة وميزانيتي ٥٠٠ ريال",
    "محتاج مترجم يترجم عقد من الانجليزي للعربي",
    "ودي أسوي تطبيق جوال لمطعمي بميزانية ١٥ ألف",
    "I need a marketing ad for a smart watch aimed at young people",
    "Looking for a UX designer to redesign our app in Figma",
    "نحتاج مونتاج فيديو ريلز لحسابنا في تيك توك",
    "تصميم داخلي لمجلس في فيلا بالرياض",
    "We need SEO for our online store, budget 2000 SAR",
    "أبي تعليق صوتي لإعلان إذاعي",
]

TEMPLATE = """
insert into public.freelancers (display_name, display_name_en, headline, headline_en, bio,
  bio_en, categories, skills, languages, city, min_budget_sar, rating, rating_count,
  completed_projects, availability)
select d.display_name || ' ' || g, d.display_name_en || ' ' || g,
  left(h.headline || coalesce(' ' || x.words, ''), 160),
  left(h.headline_en || coalesce(' ' || nullif(x.words_en, ''), ''), 160),
  b.bio, b.bio_en, h.categories,
  h.skills || s.skills[1:2]
    || t.skills[1 + (g / 7) %% cardinality(t.skills):1 + (g / 7) %% cardinality(t.skills)],
  d.languages, d.city,
  (50 + (g * 37) %% 3000), round((3 + ((g * 7919) %% 200) / 100.0)::numeric, 1),
  (g * 13) %% 300, (g * 11) %% 200,
  (array['available', 'available', 'limited', 'unavailable'])[1 + g %% 4]
from generate_series(%s::int, %s::int) g
join lateral (select * from demo order by (g * 31 + n) %% 64 limit 1) d on true
join lateral (select * from demo order by (g * 17 + n * 7) %% 64 limit 1) h on true
join lateral (select * from demo order by (g * 5 + n * 3) %% 64 limit 1) b on true
join lateral (select * from demo order by (g * 3 + n * 11) %% 64 limit 1) s on true
@more@
"""

# --diverse: each profile also takes two words of a second profile's headline (at a
# position that varies) and one skill of a third, as people who do a bit of
# something else: nearly every profile's words differ (tens of thousands of text
# groups instead of ~130), as on a real marketplace.
DIVERSE = """
join lateral (select * from demo
              where n = 1 + ((g::bigint * 2654435761) %% (select count(*) from demo))) h2 on true
join lateral (
  select array_to_string(w[1 + (g / 3) %% greatest(cardinality(w) - 1, 1):
                           2 + (g / 3) %% greatest(cardinality(w) - 1, 1)], ' ') as words,
         array_to_string(we[1 + (g / 3) %% greatest(cardinality(we) - 1, 1):
                            2 + (g / 3) %% greatest(cardinality(we) - 1, 1)], ' ') as words_en
  from (select string_to_array(h2.headline, ' ') as w,
               string_to_array(coalesce(h2.headline_en, ''), ' ') as we) ws) x on true
join lateral (select * from demo
              where n = 1 + ((g::bigint * 40503 + 12345) %% (select count(*) from demo))) t on true
"""
PLAIN = "cross join (select null::text as words, null::text as words_en) x " \
        "cross join (select null::text[] as skills) t"
# (tests/matching generate with these too)
GENERATE = TEMPLATE.replace("@more@", PLAIN)
GENERATE_DIVERSE = TEMPLATE.replace("@more@", DIVERSE)


def generate(url: str, count: int, diverse: bool = False, start: int = 1) -> float:
    """Profiles `start` .. `count` (the demo profiles recombined), in statements of
    1,000 rows (the matching triggers' cost grows faster than the rows within one
    statement), with progress on stderr."""
    began = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create temporary table demo as select row_number() over () as n, f.* "
                     "from public.freelancers f where f.display_name !~ ' [0-9]+$' "
                     "order by f.created_at, f.id")
        done = start - 1
        while done < count:
            batch = min(1_000, count - done)
            conn.execute(GENERATE_DIVERSE if diverse else GENERATE,
                         (done + 1, done + batch))
            done += batch
            print(f"generated {done}/{count} in {time.perf_counter() - began:.0f} s",
                  file=sys.stderr, flush=True)
        conn.execute("vacuum analyze public.freelancers")
        conn.execute("vacuum analyze public.freelancer_terms")
        conn.execute("vacuum analyze public.freelancer_group_members")
        conn.execute("vacuum analyze public.freelancer_group_terms")
    return time.perf_counter() - began


BASELINE = "match_freelancers_baseline"
BASELINE_POOL = "match_freelancers_pool_baseline"
POOL_ARGS = ("text[], bigint[], text[], text[], bigint[], bigint, uuid[], text, integer, integer,"
             " bigint, integer, bigint[], integer[], double precision, bigint[], bigint[]")


def baseline_statements(migration: Path) -> list[str]:
    """The migration's definition of `public.match_freelancers` renamed
    `public.match_freelancers_baseline`, preceded by its `public.match_freelancers_pool`
    (if it defines one) renamed `public.match_freelancers_pool_baseline`, which the
    former then calls (else it shares the current pool read)."""
    text = migration.read_text()
    found = re.search(r"create or replace function public\.match_freelancers\(.*?\n\$\$;\n",
                      text, re.S)
    if found is None:
        raise SystemExit(f"{migration}: no definition of public.match_freelancers")
    body = found.group(0).replace("public.match_freelancers(", f"public.{BASELINE}(", 1)
    pool = re.search(r"create or replace function public\.match_freelancers_pool\(.*?\n\$\$;\n",
                     text, re.S)
    if pool is None:
        return [body]
    return [pool.group(0).replace("public.match_freelancers_pool(", f"public.{BASELINE_POOL}(", 1),
            body.replace("public.match_freelancers_pool(", f"public.{BASELINE_POOL}(")]


def load_baseline(url: str, migration: Path) -> None:
    """`baseline_statements` run (dropped again by `drop_baseline`)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in baseline_statements(migration):
            conn.execute(statement.encode())


def drop_baseline(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"drop function if exists public.{BASELINE}(text, text, text[], integer,"
                     " uuid[], integer, integer, text, boolean)")
        conn.execute(f"drop function if exists public.{BASELINE_POOL}({POOL_ARGS})")


def backend_cpu_reader(pid: int) -> Callable[[], float] | None:
    """The server process's CPU time so far in ms (Linux schedstat), when the server
    runs on this machine: a figure that other processes' load distorts far less
    than wall time. None when it cannot be read (a remote server)."""
    path = Path(f"/proc/{pid}/schedstat")
    try:
        path.read_text()
    except OSError:
        return None
    return lambda: int(path.read_text().split()[0]) / 1e6


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(statistics.quantiles(ordered, n=100, method="inclusive")[94], 2)


async def floor(conn: psycopg.AsyncConnection[Any], repeats: int) -> dict[str, Any]:
    """The same client's round trips that do no matching: `select 1`, and a
    primary-key lookup of one freelancer (the smallest useful read)."""
    row = await (await conn.execute("select id from public.freelancers limit 1")).fetchone()
    assert row is not None
    out: dict[str, Any] = {}
    for name, sql, args in (("select_1", "select 1", ()),
                            ("pk_lookup", "select * from public.freelancers where id = %s",
                             (row[0],))):
        times = []
        for _ in range(max(50, repeats * 40)):
            began = time.perf_counter()
            await (await conn.execute(sql, args)).fetchall()
            times.append((time.perf_counter() - began) * 1000)
        out[name] = {**percentiles(times), "p95_ms": _p95(times)}
    return out


async def measure(url: str, repeats: int, agreement_every: int = 1,
                  baseline: bool = False) -> dict[str, Any]:
    """Top-5 latency over the issue's queries and the relevance table; how often the
    fast path's top 5 equals the exhaustive scoring's (the same formula over every
    row, timed too) over the relevance table; a floor in the same run; and, with a
    baseline loaded, the baseline timed alternately with the current definition."""
    texts = list(dict.fromkeys([*QUERIES, *(c.text for c in CASES)]))
    relevance = {c.text for c in CASES}
    functions = ["match_freelancers", *([BASELINE] if baseline else [])]
    samples: dict[str, list[float]] = {f: [] for f in functions}
    cpu_samples: dict[str, list[float]] = {f: [] for f in functions}
    exhaustive_ms: list[float] = []
    agree = compared = same_as_baseline = 0
    exact_agree = exact_compared = 0
    exact_disagree: list[str] = []
    disagree: list[str] = []
    per_query: dict[str, float] = {}
    reads: list[str] = []
    read_by_query: dict[str, str] = {}
    read_counts: dict[str, int] = {}
    async with await psycopg.AsyncConnection.connect(url) as conn:
        # which read match_freelancers took (it says so at debug level)
        def hear(d: psycopg.errors.Diagnostic) -> None:
            read = read_said(d.message_primary)
            if read is not None:
                reads.append(read)

        conn.add_notice_handler(hear)
        floor_before = await floor(conn, repeats)
        pid = await (await conn.execute("select pg_backend_pid()")).fetchone()
        cpu = backend_cpu_reader(int(pid[0])) if pid else None
        for n, text in enumerate(texts):
            analysis = analyse_locally(text)
            pages: dict[str, list[str]] = {}
            for function in functions:  # warm the caches
                await find_matches(conn, text, analysis, function=function)
            await conn.execute("set client_min_messages = debug1")
            reads.clear()
            await find_matches(conn, text, analysis)
            await conn.execute("reset client_min_messages")
            read = "→".join(reads) or "?"
            read_by_query[text[:40]] = read
            read_counts[read] = read_counts.get(read, 0) + 1
            times: dict[str, list[float]] = {f: [] for f in functions}
            for repeat in range(repeats):
                # alternately: the same load for both, and each first in turn
                for function in functions if (n + repeat) % 2 == 0 else functions[::-1]:
                    cpu_began = cpu() if cpu else 0.0
                    began = time.perf_counter()
                    found = await find_matches(conn, text, analysis, function=function)
                    times[function].append((time.perf_counter() - began) * 1000)
                    if cpu:
                        cpu_samples[function].append(cpu() - cpu_began)
                    pages[function] = [m.freelancer_id for m in found]
            matches = pages["match_freelancers"]
            assert matches, text
            if baseline:
                same_as_baseline += pages[BASELINE] == matches
            for function in functions:
                samples[function].extend(times[function])
            current = times["match_freelancers"]
            per_query[text[:40]] = round(sorted(current)[len(current) // 2], 2)
            # every query: the same page as an exact read (the impact order of
            # 20251203000400, which tests/matching prove equal to the exhaustive scoring)?
            await conn.execute("select set_config('khadum.matching_read', 'impact', false)")
            exact = await find_matches(conn, text, analysis)
            await conn.execute("select set_config('khadum.matching_read', '', false)")
            exact_compared += 1
            if [m.freelancer_id for m in exact] == matches:
                exact_agree += 1
            else:
                exact_disagree.append(text)
            if text not in relevance or n % agreement_every:
                continue  # the exhaustive scoring takes seconds at 100k
            began = time.perf_counter()
            full = await find_matches(conn, text, analysis, exhaustive=True)
            exhaustive_ms.append((time.perf_counter() - began) * 1000)
            compared += 1
            same = matches == [m.freelancer_id for m in full]
            agree += same
            if not same:
                disagree.append(text)
        floor_after = await floor(conn, repeats)
    pk_p95 = min(floor_before["pk_lookup"]["p95_ms"], floor_after["pk_lookup"]["p95_ms"])

    def figures(function: str) -> dict[str, Any]:
        p95 = _p95(samples[function])
        return {**percentiles(samples[function]), "p95_ms": p95,
                "p95_over_pk_lookup_p95": round(p95 / max(pk_p95, 0.001), 1),
                "server_cpu": {**percentiles(cpu_samples[function]),
                               "p95_ms": _p95(cpu_samples[function])}
                if cpu_samples[function] else None}

    return {"queries": len(texts), "repeats": repeats, **figures("match_freelancers"),
            "baseline": {**figures(BASELINE), "same_pages": same_as_baseline}
            if baseline else None,
            "floor": {"before": floor_before, "after": floor_after},
            "top5_agreement_with_exhaustive": round(agree / max(compared, 1), 3),
            "agreement_queries": compared, "disagreeing": disagree,
            "top5_agreement_with_exact_read": {
                "share": round(exact_agree / max(exact_compared, 1), 3),
                "queries": exact_compared, "disagreeing": exact_disagree},
            "baseline_exhaustive": {**percentiles(exhaustive_ms), "p95_ms": _p95(exhaustive_ms)}
            if len(exhaustive_ms) > 1 else None,
            "median_ms_by_query": per_query,
            "reads": read_counts, "read_by_query": read_by_query}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--freelancers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--database-url", help="an already generated database (skip generating)")
    parser.add_argument("--agreement-every", type=int, default=1,
                        help="compare with the exhaustive scoring on every Nth query")
    parser.add_argument("--baseline", type=Path,
                        help="a migration whose match_freelancers to time alternately")
    parser.add_argument("--diverse", action="store_true",
                        help="generate profiles whose words nearly all differ")
    parser.add_argument("--generate-only", action="store_true",
                        help="with --database-url: generate profiles up to --freelancers in that "
                             "(migrated) database, resuming after those already there; no timing")
    args = parser.parse_args()

    def run(url: str) -> dict[str, Any]:
        load_before = [round(x, 2) for x in os.getloadavg()]
        if args.baseline:
            load_baseline(url, args.baseline)
        try:
            with psycopg.connect(url) as conn:
                total = conn.execute("select count(*) from public.freelancers").fetchone()
                groups = conn.execute(
                    "select count(*) from public.freelancer_text_groups").fetchone()
            report = asyncio.run(measure(url, args.repeats, args.agreement_every,
                                         baseline=args.baseline is not None))
        finally:
            if args.baseline:
                drop_baseline(url)
        return {"freelancers": total[0] if total else 0,
                "text_groups": groups[0] if groups else 0,
                "load_average": {"before": load_before,
                                 "after": [round(x, 2) for x in os.getloadavg()]},
                **({"baseline_migration": args.baseline.name} if args.baseline else {}),
                **report}

    if args.database_url and args.generate_only:
        with psycopg.connect(args.database_url) as conn:
            row = conn.execute("select count(*) from public.freelancers "
                               "where display_name ~ ' [0-9]+$'").fetchone()
        seconds = generate(args.database_url, args.freelancers, args.diverse,
                           start=(row[0] if row else 0) + 1)
        print(json.dumps({"generate_seconds": round(seconds, 1)}))
        return
    if args.database_url:
        print(json.dumps(run(args.database_url), ensure_ascii=False))
        return
    with scratch_database("khadum_bench_matching") as url:
        seconds = generate(url, args.freelancers, args.diverse)
        report = run(url)
    print(json.dumps({"generate_seconds": round(seconds, 1), **report}, ensure_ascii=False))


if __name__ == "__main__":
    main()
