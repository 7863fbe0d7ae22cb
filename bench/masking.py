"""Cost of masking contact details in the database (issue 11): the real
public.mask_contact_details() on 1,000-character messages of several kinds —
business briefs (Arabic, English, numbers and lists), the benign messages of
the project's table, a chat with contact details, the table's evasions, and a
worst case (evasions of every kind packed together) — timed inside PostgreSQL
so that the client round trip is not counted. Floors measured in the same
run, on the same messages: `select length($1)` (the cost of a call and a
clock read), a trivial PL/pgSQL function (not inlined), and one regexp_replace
pass over the message (one round trip of the regular-expression engine), so
each figure is also a ratio. The load average is printed too, since on a
shared machine the upper percentiles are mostly time spent waiting for a CPU.

CPU time of the backend (read from /proc when the server runs on this
machine; /proc/PID/schedstat in nanoseconds, else /proc/PID/stat in clock
ticks), which waiting for a CPU does not inflate: `cpu_ms_per_call` (the
mean over the timed loop) and, per call, `cpu_per_call` (p50/p95 of calls
made one by one from the client, less the floor of such a call — `select
length($1)` timed the same way — so it counts the masking alone).

The baseline definitions (by default those before the latest masking
migration; `--baseline MIGRATION.sql`: those the migrations up to and
including that one left), rebuilt from the migration files into a scratch
schema as tests/chat/test_masking_identity.py does, are timed in the same run,
in alternating chunks with the current ones, message by message, so both see
the same load (`previous`; `--no-previous` skips it). `rotating`: the
messages in turn, every call a different message, as a session of the chat
function sees them — PostgreSQL keeps the last 32 compiled expressions of a
session, so a pipeline that uses more across messages compiles some again
on every call, which a loop over one message never shows. Prints one JSON
document.

    .venv/bin/python -m bench.masking [--iterations 300] [--no-previous]
        [--baseline 20251203000300_contact_masking_lean.sql]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
from pathlib import Path

import psycopg

from bench.common import scratch_database
from tests.chat.masking_cases import BENIGN, EVASIONS

AR_BRIEF = (
    "السلام عليكم، نحتاج حملة تسويقية لمتجر عطور في الرياض تبدأ يوم 2025-09-15 وتستمر 30 يوم. "
    "المطلوب 12 تصميم بمقاس 1080x1080 و 4 فيديوهات مدة كل واحد 30 ثانية، والميزانية 4500 ريال "
    "شاملة الضريبة 15%. نبي المسودة الأولى خلال 5 أيام، والتسليم النهائي الساعة 10:30 صباحًا. "
    "الأسعار المقترحة للباقات: 500, 900, 1500, 2500 ريال، وكل تعديل إضافي 150 ريال. "
)
EN_BRIEF = (
    "Hi! We need a product launch for our app v2.3.1 on Instagram and TikTok, 3 reels per week "
    "and 2 stories a day, starting Sep 15, 2025 at 9am. Budget is 1,200 SAR per month for 3 "
    "months; files at 5pm every Thursday. Thanks! Order #556677889, sizes 1920x1080 and 1080x1350. "
)
MIXED_WITH_CONTACTS = (
    "تمام، أرسل لك الملفات اليوم الساعة 8:30 مساءً. لو احتجت شي كلمني على 0551234567 أو "
    "ايميلي ahmed.design at gmail dot com، وأعمالي على ahmed-portfolio.com وسنابي ahmed_99. "
    "الميزانية 3000 ريال والتسليم بعد 7 أيام إن شاء الله، والمقاس 1200×628. "
)
NUMBERS = (
    "الأيام المتاحة 5، 6، 7، 8، 9، 10، 11، 12 والساعات من 9:00 إلى 17:00، السنوات 2021، 2022، "
    "2023، 2024، الأسعار 199 و 299 و 499 ريال، الخصم 20% للطلبات فوق 3000 ريال، نسبة ٣٫٥٪. "
)


MIGRATIONS = Path(__file__).resolve().parents[1] / "supabase" / "migrations"
DEFINITION = re.compile(r"create or replace function public\.(mask_\w+)\(.*?\n\$\$;\n", re.S)


def masking_migrations() -> list[str]:
    """The migrations that define a masking function, in order."""
    return [p.name for p in sorted(MIGRATIONS.glob("*.sql"))
            if DEFINITION.search(p.read_text(encoding="utf-8"))]


def previous_definitions(schema: str, before: str, *, through: bool = False) -> str:
    """The masking functions as the migrations before `before` (with
    `through`: up to and including it) left them, created in `schema`
    (latest definition wins; overloads apart: a definition is keyed by its
    name and its parameters)."""
    latest: dict[str, str] = {}
    for path in sorted(MIGRATIONS.glob("*.sql")):
        if path.name > before or (path.name == before and not through):
            break
        for match in DEFINITION.finditer(path.read_text(encoding="utf-8")):
            head = match.group(0)
            latest[head[:head.index(")")]] = head
    names = {re.match(r"create or replace function public\.(mask_\w+)\(", k).group(1)  # type: ignore[union-attr]
             for k in latest}
    assert {"mask_contact_scan", "mask_spans", "mask_number_words"} <= names
    return "".join(latest.values()).replace("public.mask_", f"{schema}.mask_")


def thousand(text: str) -> str:
    return (text * (1000 // len(text) + 1))[:1000]


def packed(texts: list[str], sep: str = "\n") -> str:
    """Messages of the table, one after another, cut at 1,000 characters."""
    return thousand(sep.join(texts) + sep)


# the worst case: the kinds that take the longest paths (spelled and bracketed
# at/dot, number words, platforms and handles, links), every kind in turn
WORST = [t for kind in ("email", "phone", "handle", "link")
         for _, t, _ in [e for e in EVASIONS if e[0] == kind][:6]]

MESSAGES = {
    "arabic_brief": thousand(AR_BRIEF),
    "english_brief": thousand(EN_BRIEF),
    "numbers_and_lists": thousand(NUMBERS),
    "benign_table": packed(BENIGN),
    "mixed_with_contacts": thousand(MIXED_WITH_CONTACTS),
    "evasions_table": packed([t for _, t, _ in EVASIONS][::3], " "),
    "worst_case": packed(WORST, " "),
}
KINDS = {
    "benign": ["arabic_brief", "english_brief", "numbers_and_lists", "benign_table"],
    "with_evasions": ["mixed_with_contacts", "evasions_table"],
    "worst_case": ["worst_case"],
}

TIMING_LOOP = """
create or replace function pg_temp.floor_fn(p text) returns text
language plpgsql immutable as 'begin return p; end';
create or replace function pg_temp.regex_pass(p text) returns integer
language plpgsql immutable as
  'begin return regexp_count(p, ''[a-z0-9\u0621-\u064A]+'', 1, ''i''); end';
create or replace function pg_temp.replace_pass(p text) returns text
language plpgsql immutable as
  'begin return regexp_replace(p, ''[0-9]+'', ''#'', ''g''); end';
create or replace function pg_temp.time_calls(p text, n integer, floor integer)
returns double precision[] language plpgsql as $$
declare
  t0 timestamptz;
  out double precision[] := '{}';
  r text;
begin
  for i in 1 .. n loop
    t0 := clock_timestamp();
    if floor = 1 then
      r := pg_temp.floor_fn(p);
    elsif floor = 2 then
      r := pg_temp.regex_pass(p);
    elsif floor = 3 then
      r := pg_temp.replace_pass(p);
    elsif floor = 4 then
      select length(p) into r;
    elsif floor = 5 then
      select masked into r from mask_prev.mask_contact_details(p);
    else
      select masked into r from public.mask_contact_details(p);
    end if;
    out := out || extract(epoch from clock_timestamp() - t0) * 1000;
  end loop;
  return out;
end
$$;
create or replace function pg_temp.time_rotating(ps text[], n integer, which integer)
returns double precision[] language plpgsql as $$
declare
  t0 timestamptz;
  out double precision[] := '{}';
  r text;
begin
  for i in 1 .. n loop
    for k in 1 .. cardinality(ps) loop
      t0 := clock_timestamp();
      if which = 5 then
        select masked into r from mask_prev.mask_contact_details(ps[k]);
      else
        select masked into r from public.mask_contact_details(ps[k]);
      end if;
      out := out || extract(epoch from clock_timestamp() - t0) * 1000;
    end loop;
  end loop;
  return out;
end
$$;
"""


def backend_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a local backend (None when it is not on this
    machine): on a loaded machine the wall clock counts the time spent waiting
    for a CPU, this does not."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backend_cpu_ns(pid: int) -> int | None:
    """CPU time of a local backend in nanoseconds (/proc/PID/schedstat), or
    None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def cpu_ms(pid: int) -> float | None:
    """CPU time of a local backend in ms: schedstat when readable, else stat."""
    ns = backend_cpu_ns(pid)
    if ns is not None:
        return ns / 1e6
    seconds = backend_cpu_seconds(pid)
    return None if seconds is None else seconds * 1000


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"min_ms": round(ordered[0], 4), "p50_ms": round(q[49], 4),
            "p95_ms": round(q[94], 4), "p99_ms": round(q[98], 4), "max_ms": round(ordered[-1], 4)}


CURRENT, PREVIOUS = 0, 5
SINGLE_CALL = {CURRENT: "select masked from public.mask_contact_details(%s)",
               PREVIOUS: "select masked from mask_prev.mask_contact_details(%s)"}
FLOOR_CALL = "select length(%s)"


def timed_chunk(conn: psycopg.Connection, pid: int, sql: str,
                args: tuple[object, ...]) -> tuple[list[float], float | None]:
    """Wall samples of one timing loop and the backend's CPU time over it (ms)."""
    before = cpu_ms(pid)
    row = conn.execute(sql, args).fetchone()
    after = cpu_ms(pid)
    assert row is not None
    return list(row[0]), None if before is None or after is None else after - before


def per_call_cpu(conn: psycopg.Connection, pid: int, text: str, calls: int,
                 which: list[int]) -> dict[int, list[float]] | None:
    """CPU time of the backend for single calls from the client (prepared
    statements), in turn for each definition and the floor: ms per call, the
    floor's median subtracted. None when the backend's CPU cannot be read."""
    if backend_cpu_ns(pid) is None:
        return None
    raw: dict[int, list[float]] = {w: [] for w in [*which, -1]}
    # (a generic plan: the statement is not planned again for each message,
    # as a PL/pgSQL caller's is not)
    conn.execute("set plan_cache_mode = force_generic_plan")
    for _ in range(calls):
        for w in [*which, -1]:
            sql = FLOOR_CALL if w == -1 else SINGLE_CALL[w]
            before = backend_cpu_ns(pid)
            conn.execute(sql, (text,), prepare=True).fetchone()
            after = backend_cpu_ns(pid)
            if before is not None and after is not None:
                raw[w].append((after - before) / 1e6)
    conn.execute("reset plan_cache_mode")
    floor = statistics.median(raw.pop(-1))
    return {w: [max(0.0, x - floor) for x in v] for w, v in raw.items()}


def cpu_summary(samples: list[float]) -> dict[str, float]:
    q = statistics.quantiles(sorted(samples), n=100, method="inclusive")
    return {"p50_ms": round(q[49], 3), "p95_ms": round(q[94], 3)}


def measure(url: str, iterations: int, previous: bool = True, baseline: str | None = None,
            chunk: int = 30, rotations: int = 40) -> dict[str, object]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TIMING_LOOP)
        latest = masking_migrations()[-1]
        if previous:
            conn.execute("set check_function_bodies = off")
            conn.execute("create schema if not exists mask_prev")
            conn.execute(previous_definitions("mask_prev", baseline or latest,
                                              through=baseline is not None))
        which = [CURRENT, *([PREVIOUS] if previous else [])]
        per_message: dict[str, object] = {}
        samples_of: dict[int, dict[str, list[float]]] = {w: {} for w in which}
        cpu_of: dict[int, dict[str, float | None]] = {w: {} for w in which}
        single_of: dict[int, dict[str, list[float]]] = {w: {} for w in which}
        floors: dict[str, list[float]] = {"select_length": [], "trivial_plpgsql_function": [],
                                          "one_regexp_replace_pass": [],
                                          "one_regexp_count_pass": []}
        codes = {"select_length": 4, "trivial_plpgsql_function": 1,
                 "one_regexp_replace_pass": 3, "one_regexp_count_pass": 2}
        load_before = os.getloadavg()[0]
        row = conn.execute("select pg_backend_pid()").fetchone()
        assert row is not None
        pid = int(row[0])
        loop = "select pg_temp.time_calls(%s, %s, %s)"
        for name, text in MESSAGES.items():
            assert len(text) == 1000, (name, len(text))
            for w in which:
                conn.execute(loop, (text, 20, w))  # warm the cache
                samples_of[w][name] = []
            cpu_total: dict[int, float | None] = {w: 0.0 for w in which}
            done = 0
            # alternating chunks: the current and the baseline definitions
            # under the same load
            while done < iterations:
                k = min(chunk, iterations - done)
                for w in which:
                    wall, cpu = timed_chunk(conn, pid, loop, (text, k, w))
                    samples_of[w][name] += wall
                    total = cpu_total[w]
                    cpu_total[w] = None if total is None or cpu is None else total + cpu
                done += k
            for w in which:
                total = cpu_total[w]
                cpu_of[w][name] = None if total is None else total / iterations
            single = per_call_cpu(conn, pid, text, max(20, iterations // 3), which)
            for w in which:
                single_of[w][name] = [] if single is None else single[w]
            for floor_name, code in codes.items():
                floors[floor_name] += timed_chunk(conn, pid, loop, (text, iterations, code))[0]
            found = conn.execute("select * from public.mask_contact_details(%s)",
                                 (text,)).fetchone()
            assert found is not None
            masked, hits = found

            def figures(w: int, name: str = name) -> dict[str, object]:
                cpu = cpu_of[w][name]
                return {**summary(samples_of[w][name]),
                        "cpu_ms_per_call": None if cpu is None else round(cpu, 3),
                        "cpu_per_call": cpu_summary(single_of[w][name])
                        if single_of[w][name] else None}

            per_message[name] = {**figures(CURRENT), "hits": hits, "changed": masked != text,
                                 **({"previous": figures(PREVIOUS)} if previous else {})}
        floor_s = {k: summary(v) for k, v in floors.items()}
        replace_pass = floor_s["one_regexp_replace_pass"]

        def kind_figures(w: int, names: list[str]) -> dict[str, object]:
            k = summary([x for n in names for x in samples_of[w][n]])
            cpus = [cpu_of[w][n] for n in names]
            single = [x for n in names for x in single_of[w][n]]
            return {**k, "cpu_ms_per_call": None if None in cpus else round(
                        sum(c for c in cpus if c is not None) / len(cpus), 3),
                    "cpu_per_call": cpu_summary(single) if single else None,
                    "p95_in_regexp_replace_passes": round(
                        k["p95_ms"] / max(replace_pass["p95_ms"], 1e-6), 1)}

        per_kind: dict[str, dict[str, object]] = {}
        for kind, names in KINDS.items():
            per_kind[kind] = {**kind_figures(CURRENT, names), "messages": names,
                              **({"previous": kind_figures(PREVIOUS, names)} if previous else {})}
        # the messages in turn (every call a different message), in
        # alternating chunks; the first round of each chunk warms the cache
        # and is not counted
        texts = list(MESSAGES.values())
        rot_wall: dict[int, dict[str, list[float]]] = {w: {n: [] for n in MESSAGES} for w in which}
        rot_cpu: dict[int, float | None] = {w: 0.0 for w in which}
        rot_calls = 0
        per_chunk = 10
        done = 0
        while done < rotations:
            k = min(per_chunk, rotations - done)
            for w in which:
                conn.execute("select pg_temp.time_rotating(%s, 1, %s)", (texts, w))
                wall, cpu = timed_chunk(conn, pid, "select pg_temp.time_rotating(%s, %s, %s)",
                                        (texts, k, w))
                for i, x in enumerate(wall):
                    rot_wall[w][list(MESSAGES)[i % len(texts)]].append(x)
                total = rot_cpu[w]
                rot_cpu[w] = None if total is None or cpu is None else total + cpu
            rot_calls += k * len(texts)
            done += k

        def rotating(w: int) -> dict[str, object]:
            total = rot_cpu[w]
            return {"cpu_ms_per_call": None if total is None else round(total / rot_calls, 3),
                    "per_kind": {kind: summary([x for n in names for x in rot_wall[w][n]])
                                 for kind, names in KINDS.items()}}

        every = [x for s in samples_of[CURRENT].values() for x in s]
        overall = summary(every)
    return {
        "benchmark": "masking",
        "message_chars": 1000,
        "iterations_per_message": iterations,
        "overall": overall,
        "per_kind": per_kind,
        "rotating": {"rotations": rotations, "calls_per_definition": rot_calls,
                     "current": rotating(CURRENT),
                     **({"previous": rotating(PREVIOUS)} if previous else {})},
        "floors": floor_s,
        "p95_over_select_length_p95": round(
            overall["p95_ms"] / max(floor_s["select_length"]["p95_ms"], 1e-6), 1),
        "p50_in_regexp_replace_passes": round(
            overall["p50_ms"] / max(replace_pass["p50_ms"], 1e-6), 1),
        "p95_in_regexp_replace_passes": round(
            overall["p95_ms"] / max(replace_pass["p95_ms"], 1e-6), 1),
        "previous_definitions": None if not previous else (
            f"through {baseline}" if baseline else f"before {latest}"),
        "target_p95_ms": 2.0,
        "meets_target": overall["p95_ms"] <= 2.0,
        "meets_target_per_kind": {k: v["p95_ms"] <= 2.0  # type: ignore[operator]
                                  for k, v in per_kind.items()},
        "meets_target_cpu_p95_per_kind": {
            k: None if v["cpu_per_call"] is None
            else v["cpu_per_call"]["p95_ms"] <= 2.0  # type: ignore[index]
            for k, v in per_kind.items()},
        "per_message": per_message,
        "server": None,
        "load_average_1m": {"before": round(load_before, 2),
                            "after": round(os.getloadavg()[0], 2)},
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--no-previous", action="store_true",
                        help="do not time the definitions before the latest masking migration")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="time the masking functions as the migrations up to and including"
                             " this one (a file name in supabase/migrations) left them")
    parser.add_argument("--rotations", type=int, default=40,
                        help="rounds of the messages in turn (every call a different message)")
    args = parser.parse_args()
    baseline = None
    if args.baseline is not None:
        baseline = args.baseline.name
        if not (MIGRATIONS / baseline).exists():
            parser.error(f"no migration {baseline} in {MIGRATIONS}")
    with scratch_database("khadum_bench_masking") as url:
        result = measure(url, args.iterations, previous=not args.no_previous,
                         baseline=baseline, rotations=args.rotations)
        with psycopg.connect(url) as conn:
            version = conn.execute("show server_version").fetchone()
            result["server"] = None if version is None else version[0]
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
