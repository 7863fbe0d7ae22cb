"""Cost of masking contact details in the database (issue 11): the real
public.mask_contact_details() on 1,000-character messages (Arabic, English,
mixed; benign and with contact details), timed inside PostgreSQL so that the
client round trip is not counted. The floor is the same loop calling a
trivial PL/pgSQL function (not inlined), measured in the same run; the load
average is printed too, since on a shared machine the upper percentiles are
mostly time spent waiting for a CPU. Prints one JSON document.

    .venv/bin/python -m bench.masking [--iterations 300]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics

import psycopg

from bench.common import scratch_database

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


def thousand(text: str) -> str:
    return (text * (1000 // len(text) + 1))[:1000]


MESSAGES = {
    "arabic_brief": thousand(AR_BRIEF),
    "english_brief": thousand(EN_BRIEF),
    "mixed_with_contacts": thousand(MIXED_WITH_CONTACTS),
    "numbers_and_lists": thousand(NUMBERS),
}

TIMING_LOOP = """
create or replace function pg_temp.floor_fn(p text) returns text
language plpgsql immutable as 'begin return p; end';
create or replace function pg_temp.regex_pass(p text) returns integer
language plpgsql immutable as
  'begin return regexp_count(p, ''[a-z0-9\u0621-\u064A]+'', 1, ''i''); end';
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
    else
      select masked into r from public.mask_contact_details(p);
    end if;
    out := out || extract(epoch from clock_timestamp() - t0) * 1000;
  end loop;
  return out;
end
$$;
"""


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"min_ms": round(ordered[0], 4), "p50_ms": round(q[49], 4),
            "p95_ms": round(q[94], 4), "p99_ms": round(q[98], 4), "max_ms": round(ordered[-1], 4)}


def measure(url: str, iterations: int) -> dict[str, object]:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(TIMING_LOOP)
        per_message: dict[str, object] = {}
        every: list[float] = []
        floor: list[float] = []
        one_pass: list[float] = []
        for name, text in MESSAGES.items():
            assert len(text) == 1000
            conn.execute("select pg_temp.time_calls(%s, 20, 0)", (text,))  # warm the cache
            samples = conn.execute("select pg_temp.time_calls(%s, %s, 0)",
                                   (text, iterations)).fetchone()[0]
            floor += conn.execute("select pg_temp.time_calls(%s, %s, 1)",
                                  (text, iterations)).fetchone()[0]
            one_pass += conn.execute("select pg_temp.time_calls(%s, %s, 2)",
                                     (text, iterations)).fetchone()[0]
            masked, hits = conn.execute("select * from public.mask_contact_details(%s)",
                                        (text,)).fetchone()
            every += samples
            per_message[name] = {**summary(samples), "hits": hits, "changed": masked != text}
        overall = summary(every)
        floor_s = summary(floor)
        pass_s = summary(one_pass)
    return {
        "benchmark": "masking",
        "message_chars": 1000,
        "iterations_per_message": iterations,
        "overall": overall,
        "floor_trivial_plpgsql_function": floor_s,
        "p95_over_floor_p95": round(overall["p95_ms"] / max(floor_s["p95_ms"], 1e-6), 1),
        "p50_over_floor_p50": round(overall["p50_ms"] / max(floor_s["p50_ms"], 1e-6), 1),
        # one regex pass over the same message (tokens): how fast the machine is right now
        "one_regex_pass": pass_s,
        "p50_in_regex_passes": round(overall["p50_ms"] / max(pass_s["p50_ms"], 1e-6), 1),
        "target_p95_ms": 2.0,
        "meets_target": overall["p95_ms"] <= 2.0,
        "per_message": per_message,
        "server": None,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=300)
    args = parser.parse_args()
    with scratch_database("khadum_bench_masking") as url:
        result = measure(url, args.iterations)
        with psycopg.connect(url) as conn:
            result["server"] = conn.execute("show server_version").fetchone()[0]
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
