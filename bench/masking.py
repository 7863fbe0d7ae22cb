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
shared machine the upper percentiles are mostly time spent waiting for a CPU,
and so is the CPU time of the backend per call (cpu_ms_per_call, read from
/proc when the server runs on this machine), which that waiting does not
inflate. The definitions before the latest masking migration (rebuilt from
the migration files into a scratch schema, as tests/chat/test_masking_identity.py
does) are timed in the same run, message by message in turn with the
current ones, so a change is measured against its baseline under the same load
(`previous`; `--no-previous` skips it). Prints one JSON document.

    .venv/bin/python -m bench.masking [--iterations 300] [--no-previous]
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


def previous_definitions(schema: str, before: str) -> str:
    """The masking functions as the migrations before `before` left them,
    created in `schema` (latest definition wins)."""
    latest: dict[str, str] = {}
    for path in sorted(MIGRATIONS.glob("*.sql")):
        if path.name >= before:
            break
        for match in DEFINITION.finditer(path.read_text(encoding="utf-8")):
            latest[match.group(1)] = match.group(0)
    assert {"mask_contact_scan", "mask_spans", "mask_number_words"} <= latest.keys()
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
      select masked into r from mask_prev.mask_contact_scan(p);
    else
      select masked into r from public.mask_contact_details(p);
    end if;
    out := out || extract(epoch from clock_timestamp() - t0) * 1000;
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


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"min_ms": round(ordered[0], 4), "p50_ms": round(q[49], 4),
            "p95_ms": round(q[94], 4), "p99_ms": round(q[98], 4), "max_ms": round(ordered[-1], 4)}


def measure(url: str, iterations: int, previous: bool = True) -> dict[str, object]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TIMING_LOOP)
        baseline = masking_migrations()[-1]
        if previous:
            conn.execute("set check_function_bodies = off")
            conn.execute("create schema if not exists mask_prev")
            conn.execute(previous_definitions("mask_prev", baseline))
        prev_samples: dict[str, list[float]] = {}
        prev_cpu: dict[str, float | None] = {}
        per_message: dict[str, object] = {}
        samples_of: dict[str, list[float]] = {}
        floors: dict[str, list[float]] = {"select_length": [], "trivial_plpgsql_function": [],
                                          "one_regexp_replace_pass": [],
                                          "one_regexp_count_pass": []}
        codes = {"select_length": 4, "trivial_plpgsql_function": 1,
                 "one_regexp_replace_pass": 3, "one_regexp_count_pass": 2}
        load_before = os.getloadavg()[0]
        pid = conn.execute("select pg_backend_pid()").fetchone()[0]
        cpu_of: dict[str, float | None] = {}
        for name, text in MESSAGES.items():
            assert len(text) == 1000, (name, len(text))
            conn.execute("select pg_temp.time_calls(%s, 20, 0)", (text,))  # warm the cache
            cpu_before = backend_cpu_seconds(pid)
            samples = conn.execute("select pg_temp.time_calls(%s, %s, 0)",
                                   (text, iterations)).fetchone()[0]
            cpu_after = backend_cpu_seconds(pid)
            cpu_of[name] = (None if cpu_before is None or cpu_after is None
                            else (cpu_after - cpu_before) * 1000 / iterations)
            if previous:
                conn.execute("select pg_temp.time_calls(%s, 20, 5)", (text,))
                cpu_before = backend_cpu_seconds(pid)
                prev_samples[name] = conn.execute("select pg_temp.time_calls(%s, %s, 5)",
                                                  (text, iterations)).fetchone()[0]
                cpu_after = backend_cpu_seconds(pid)
                prev_cpu[name] = (None if cpu_before is None or cpu_after is None
                                  else (cpu_after - cpu_before) * 1000 / iterations)
            for floor_name, code in codes.items():
                floors[floor_name] += conn.execute("select pg_temp.time_calls(%s, %s, %s)",
                                                   (text, iterations, code)).fetchone()[0]
            masked, hits = conn.execute("select * from public.mask_contact_details(%s)",
                                        (text,)).fetchone()
            samples_of[name] = samples
            per_message[name] = {**summary(samples), "hits": hits, "changed": masked != text,
                                 "cpu_ms_per_call": None if cpu_of[name] is None
                                 else round(cpu_of[name], 2)}
            if previous:
                per_message[name] = {**per_message[name], "previous": {
                    **summary(prev_samples[name]),
                    "cpu_ms_per_call": None if prev_cpu[name] is None
                    else round(prev_cpu[name], 2)}}
        every = [x for s in samples_of.values() for x in s]
        overall = summary(every)
        floor_s = {k: summary(v) for k, v in floors.items()}
        replace_pass = floor_s["one_regexp_replace_pass"]
        per_kind = {}
        for kind, names in KINDS.items():
            k = summary([x for n in names for x in samples_of[n]])
            cpus = [cpu_of[n] for n in names]
            per_kind[kind] = {**k, "messages": names,
                              "cpu_ms_per_call": None if None in cpus else round(
                                  sum(c for c in cpus if c is not None) / len(cpus), 2),
                              "p95_in_regexp_replace_passes": round(
                                  k["p95_ms"] / max(replace_pass["p95_ms"], 1e-6), 1)}
            if previous:
                pcpus = [prev_cpu[n] for n in names]
                per_kind[kind]["previous"] = {
                    **summary([x for n in names for x in prev_samples[n]]),
                    "cpu_ms_per_call": None if None in pcpus else round(
                        sum(c for c in pcpus if c is not None) / len(pcpus), 2)}
    return {
        "benchmark": "masking",
        "message_chars": 1000,
        "iterations_per_message": iterations,
        "overall": overall,
        "per_kind": per_kind,
        "floors": floor_s,
        "p95_over_select_length_p95": round(
            overall["p95_ms"] / max(floor_s["select_length"]["p95_ms"], 1e-6), 1),
        "p50_in_regexp_replace_passes": round(
            overall["p50_ms"] / max(replace_pass["p50_ms"], 1e-6), 1),
        "p95_in_regexp_replace_passes": round(
            overall["p95_ms"] / max(replace_pass["p95_ms"], 1e-6), 1),
        "previous_definitions": f"before {baseline}" if previous else None,
        "target_p95_ms": 2.0,
        "meets_target": overall["p95_ms"] <= 2.0,
        "meets_target_per_kind": {k: v["p95_ms"] <= 2.0  # type: ignore[operator]
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
    args = parser.parse_args()
    with scratch_database("khadum_bench_masking") as url:
        result = measure(url, args.iterations, previous=not args.no_previous)
        with psycopg.connect(url) as conn:
            result["server"] = conn.execute("show server_version").fetchone()[0]
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
