"""Where the time of masking goes (issue 11): the CPU time per call of the
backend for public.mask_contact_scan() on the 1,000-character messages of
bench.masking, and for copies of its current definition that stop (`return`)
after each stage of the pipeline — normalising (with the number words),
e-mails and links, the platforms and the digit groups, the "not phones" checks
(units, prefixes, times, sizes, dates), the gaps between groups, the windows
of groups, the handles. A stage costs the difference between two cumulative
figures. The copies are built from the latest migration that defines the
scanner and live in scratch schemas of a scratch database. Floor measured in
the same run: `select length($1)` on the same messages. Prints one JSON
document. CPU time is read from /proc/PID/schedstat (nanoseconds; /proc/PID/stat's clock
ticks when schedstat cannot be read; the server must run on this machine);
on a shared machine run it twice, differences under ~0.1 ms are noise.

    .venv/bin/python -m bench.masking_stages [--iterations 300]
"""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path

import psycopg

from bench.common import scratch_database
from bench.masking import MESSAGES, cpu_ms

MIGRATIONS = Path(__file__).resolve().parents[1] / "supabase" / "migrations"
SCAN = re.compile(r"create or replace function public\.mask_contact_scan\(.*?\n\$\$;\n", re.S)
# the statement each stage stops before, in pipeline order
STAGES = {
    "normalise_and_number_words": "  -- 2. Emails ----",
    "emails_and_links": "  -- 4. Phones ----",
    "platforms_and_digit_groups": "    benign := array_fill(false, array[ng]);",
    "not_phones": "    -- the kind of gap before each group",
    "gaps_between_groups": "    -- windows of groups\n",
    "windows_of_groups": "  -- 5. Handles ----",
    "handles": "  loose_digits := loose;",
}


def latest_scan() -> str:
    found = ""
    for path in sorted(MIGRATIONS.glob("*.sql")):
        match = SCAN.search(path.read_text(encoding="utf-8"))
        if match:
            found = match.group(0)
    if not found:
        raise SystemExit("no definition of mask_contact_scan in the migrations")
    return found


def cpu_ms_per_call(conn: psycopg.Connection, pid: int, sql: str, text: str,
                    n: int) -> float | None:
    # a trailing space on every other call: the arguments are not constants,
    # so the call is not folded away
    conn.execute(sql, {"t": text, "n": 20})
    before = cpu_ms(pid)
    conn.execute(sql, {"t": text, "n": n})
    after = cpu_ms(pid)
    if before is None or after is None:
        return None
    return round((after - before) / n, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=300)
    args = parser.parse_args()
    scan = latest_scan()
    result: dict[str, object] = {"benchmark": "masking_stages", "message_chars": 1000,
                                 "iterations_per_message": args.iterations,
                                 "load_before": os.getloadavg()[0]}
    per_message: dict[str, object] = {}
    with scratch_database("khadum_bench_masking_stages") as url, \
            psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set check_function_bodies = off")
        for stage, marker in STAGES.items():
            if scan.count(marker) != 1:
                raise SystemExit(f"the scanner changed: no single {marker!r} to stop at")
            conn.execute(f"create schema stop_after_{stage}")
            conn.execute(scan.replace(marker, "  return;\n" + marker, 1)
                         .replace("function public.mask_contact_scan",
                                  f"function stop_after_{stage}.mask_contact_scan", 1))
        row = conn.execute("select pg_backend_pid()").fetchone()
        assert row is not None
        pid = int(row[0])
        call = ("select count(*) from generate_series(1, %(n)s) g,"
                " lateral {}.mask_contact_scan(%(t)s || repeat(' ', g %% 2)) y")
        for name, text in MESSAGES.items():
            floor = cpu_ms_per_call(conn, pid, "select count(length(%(t)s || repeat(' ', g %% 2)))"
                                    " from generate_series(1, %(n)s) g", text, args.iterations)
            cumulative = {stage: cpu_ms_per_call(conn, pid, call.format(f"stop_after_{stage}"),
                                                 text, args.iterations) for stage in STAGES}
            whole = cpu_ms_per_call(conn, pid, call.format("public"), text, args.iterations)
            stages: dict[str, float | None] = {}
            previous: float | None = 0.0
            for stage, value in [*cumulative.items(), ("merge_and_rebuild", whole)]:
                stages[stage] = (None if value is None or previous is None
                                 else round(value - previous, 3))
                previous = value
            per_message[name] = {"floor_select_length_ms": floor, "whole_scan_ms": whole,
                                 "cumulative_ms": cumulative, "stage_ms": stages}
    result["cpu_ms_per_call"] = per_message
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
