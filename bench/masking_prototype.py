"""Exploration of issue 11 (not a benchmark of anything deployed): instruction
counts of the building blocks of a redesigned masking pipeline
(bench/masking_prototype.sql, loaded into a scratch cluster only, NOT applied
by any migration) against a whole call of the current mask_contact_scan(), on
bench.masking's 1,000-character messages, counted by valgrind's callgrind in
a single-user PostgreSQL as bench.masking_instructions counts (load-
independent). Blocks: `shape` (translate() of the lowered text into a class
per character), `screen` (the shape's strpos tests, one split into words and
one jsonb `?|` against the trigger words, then which ones), `screen_bool`
(the yes/no only), `screen_safe` (a fast exit: only plain letters and
punctuation, no trigger word), `shape_digits` (translate() of the digits
only), `lower`, `tokens_lookup` (one split into words, then which words are
trigger words by one query), `platform_words` (is a platform named, by words looked up with the
expression's Arabic affixes stripped) against `platform_expression` (the same
yes/no by the scan's expression), `digit_runs` (the digit runs found by strpos on the shape),
`regexp_pass` (one regexp_replace pass: the engine's floor over 1,000
characters), `split_words` (one regexp_split_to_array into words), `floor`
(length()). Also, on the worst case, one run of the e-mail expression (full
list of top-level domains) on a 40-character window against the whole text,
and the cost of a trivial PL/pgSQL statement. Needs valgrind; ~2 minutes.
Prints one JSON document (millions of instructions per call, thousands for
the per-run figures).

    .venv/bin/python -m bench.masking_prototype [--calls 3] [--screen]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from bench.masking import MESSAGES, previous_definitions
from bench.masking_instructions import PORT, as_server_user
from khadum.devstack.embedded import SYSTEM_USER, _bin_dir
from tests.chat.masking_cases import BENIGN, EVASIONS

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = ["full", "shape", "shape_digits", "lower", "screen", "screen_bool", "screen_safe",
          "digit_runs", "regexp_pass", "split_words", "tokens_lookup", "platform_words",
          "platform_expression", "floor"]


def cluster(data: Path) -> None:
    bins = _bin_dir()
    shutil.rmtree(data, ignore_errors=True)
    data.parent.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        data.mkdir()
        shutil.chown(data, SYSTEM_USER)
    subprocess.run(as_server_user([str(bins / "initdb"), "-D", str(data), "--auth=trust",
                                   "--encoding=UTF8", "--locale=C.UTF-8", "-U", "postgres"]),
                   check=True, capture_output=True)
    options = f"-p {PORT} -h 127.0.0.1 -c unix_socket_directories=''"
    subprocess.run(as_server_user([str(bins / "pg_ctl"), "-D", str(data), "-w", "-l",
                                   str(data / "log"), "-o", options, "start"]),
                   check=True, capture_output=True)
    try:
        with psycopg.connect(f"host=127.0.0.1 port={PORT} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("set check_function_bodies = off")
            conn.execute("create schema mask_cur")
            conn.execute(previous_definitions("mask_cur", "99999999999999", through=True))
            conn.execute((ROOT / "bench" / "masking_prototype.sql").read_text(encoding="utf-8"))
    finally:
        subprocess.run(as_server_user([str(bins / "pg_ctl"), "-D", str(data), "-w", "stop"]),
                       check=True, capture_output=True)


def run(data: Path, statements: list[str]) -> list[int]:
    """Instructions of each statement (callgrind dumps before each one)."""
    script = "".join(s + "\n\n" for s in statements)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)
        out = Path(tmp) / "cg.out"
        subprocess.run(as_server_user(
            ["valgrind", "--tool=callgrind", "--dump-before=exec_simple_query",
             f"--callgrind-out-file={out}", str(_bin_dir() / "postgres"), "--single", "-j",
             "-D", str(data), "postgres"]), input=script, text=True, check=True,
            capture_output=True)
        dumps = [*sorted(Path(tmp).glob("cg.out.*"), key=lambda p: int(p.suffix[1:])), out]
        totals = []
        for dump in dumps:
            found = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.M)
            totals.append(int(found.group(1)) if found else 0)
    return totals[-len(statements):]


def screen(data: Path) -> dict[str, object]:
    """How many texts the fast exit (proto.screen_safe) would let skip the
    scan, and whether the scan leaves each of those unchanged (same text, no
    kinds, no suspects, no loose digits); whether proto.platform_by_words
    answers as the platforms' expression: the table, the benchmark's
    messages and 300 random mixes of three cases."""
    bins = _bin_dir()
    options = f"-p {PORT} -h 127.0.0.1 -c unix_socket_directories=''"
    subprocess.run(as_server_user([str(bins / "pg_ctl"), "-D", str(data), "-w", "-l",
                                   str(data / "log"), "-o", options, "start"]),
                   check=True, capture_output=True)
    texts = [("benign", t) for t in BENIGN] + [("evasion", e[1]) for e in EVASIONS]
    texts += [("bench", m) for m in MESSAGES.values()]
    rng = random.Random(11)
    pool = [t for _, t in texts]
    texts += [("mix", " ".join(rng.sample(pool, 3))) for _ in range(300)]
    kinds: dict[str, dict[str, int]] = {}
    unsafe: list[str] = []
    platform_differs: list[str] = []
    try:
        with psycopg.connect(f"host=127.0.0.1 port={PORT} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            for kind, text in texts:
                row = conn.execute(
                    "select proto.screen_safe(%s, proto.trigger_words()),"
                    " (select s.masked = %s and cardinality(s.hits) = 0"
                    "   and cardinality(s.suspects) = 0 and coalesce(s.loose_digits, '') = ''"
                    "  from mask_cur.mask_contact_scan(%s, false) s)",
                    (text, text, text)).fetchone()
                assert row is not None
                k = kinds.setdefault(kind, {"texts": 0, "skippable": 0, "unchanged_by_scan": 0})
                k["texts"] += 1
                k["skippable"] += bool(row[0])
                k["unchanged_by_scan"] += bool(row[1])
                if row[0] and not row[1]:
                    unsafe.append(text)
                same = conn.execute(
                    "select (lower(%s) ~* mask_cur.mask_platform_pattern('all'))"
                    " = proto.platform_by_words(%s, proto.platform_words())",
                    (text, text)).fetchone()
                assert same is not None
                if not same[0]:
                    platform_differs.append(text)
    finally:
        subprocess.run(as_server_user([str(bins / "pg_ctl"), "-D", str(data), "-w", "stop"]),
                       check=True, capture_output=True)
    return {"per_kind": kinds, "skipped_but_changed_by_scan": unsafe,
            "texts": len(texts), "platform_by_words_differs": platform_differs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--screen", action="store_true",
                        help="only the fast exit's reach and safety (no valgrind)")
    args = parser.parse_args()
    data = ROOT / ".khadum" / "callgrind_proto"
    if args.screen:
        cluster(data)
        print(json.dumps(screen(data), ensure_ascii=False, indent=2))
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    cluster(data)
    names = list(MESSAGES)
    counted = []
    script = []
    for n in (2, args.calls):  # warm-up, then the counted statements
        for name in names:
            for block in BLOCKS:
                stmt = f"select proto.loop($m${MESSAGES[name]}$m$, {n}, '{block}');"
                script.append(stmt)
                if n == args.calls:
                    counted.append((name, block))
    worst = MESSAGES["worst_case"]
    email = "proto.email_pattern()"
    names_pattern = "mask_cur.mask_platform_pattern('all')"

    def pair(fn: str, pattern: str) -> tuple[str, str, int]:
        """n runs and 2n runs of one expression (their difference: n runs)."""
        call = f"select proto.{fn}($m${worst}$m$, {pattern}, "
        return call + "200);", call + "100);", 100

    extra = {
        "email_run_40_chars": pair("run_window", email),
        "email_run_1000_chars": pair("run_whole", email),
        "platform_names_run_40_chars": pair("run_window", names_pattern),
        "small_run_40_chars": pair("run_window", "'[0-9]@x'"),
        "plpgsql_statement": ("select proto.statements(20000);", "select proto.statements(10000);",
                              10000),
    }
    for a, b, _ in extra.values():
        script += [b, b, a]  # warm (compile), then the difference cancels the fixed cost
    totals = run(data, script)
    per_message: dict[str, dict[str, float]] = {name: {} for name in names}
    base = len(script) - 3 * len(extra)
    for (name, block), total in zip(counted, totals[base - len(counted):base], strict=True):
        per_message[name][block] = round(total / args.calls / 1e6, 3)
    runs = {}
    for i, (key, (_, _, n)) in enumerate(extra.items()):
        small, large = totals[base + 3 * i + 1], totals[base + 3 * i + 2]
        runs[key] = round((large - small) / n / 1e3, 2)
    print(json.dumps({
        "benchmark": "masking_prototype",
        "unit": "millions of instructions per call (per_run: thousands per run)",
        "calls_per_message": args.calls,
        "per_message": per_message,
        "per_run": runs,
    }, indent=2))


if __name__ == "__main__":
    main()
