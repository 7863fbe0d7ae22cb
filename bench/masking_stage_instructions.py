"""Where the instructions of masking go (issue 11), stage by stage: copies
of the current mask_contact_scan() that return before each stage (normalising,
the at/dot rewrite, spaced letters, number words, look-alike letters,
e-mails, links, platform names, digit groups, "not phones", gaps, windows of
groups, '@' handles, handles after platform names), counted by valgrind's
callgrind in a single-user PostgreSQL as bench.masking_instructions counts
whole calls (load-independent; the copies live in a scratch cluster under
.khadum/callgrind_stages). A stage costs the difference between two
cumulative counts. Needs valgrind; about 30 s per message. Prints one JSON
document (millions of instructions per call).

    .venv/bin/python -m bench.masking_stage_instructions [--messages worst_case ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from bench.masking import MESSAGES, previous_definitions
from bench.masking_instructions import PORT, as_server_user
from khadum.devstack.embedded import SYSTEM_USER, _bin_dir

ROOT = Path(__file__).resolve().parents[1]
# the statement each stage stops before, in pipeline order
MARKERS = {
    "normalise": "  latin := lower(d) <> upper(d);",
    "at_dot_rewrite": "  -- spaced letters:",
    "spaced_letters": "  -- number words -> digits",
    "number_words": "  -- look-alike letters next to digits",
    "look_alike_letters": "  -- 2. Emails ----",
    "emails": "  -- 3. Links ----",
    "links": "  -- 4. Phones ----",
    "platform_names": "  if has_digit and latin then\n    ld := lower(d);",
    "digit_groups": "    benign := array_fill(false, array[ng]);",
    "not_phones": "    -- the kind of gap before each group",
    "gaps_between_groups": "    -- windows of groups\n",
    "windows_of_groups": "  -- 5. Handles ----",
    "at_handles": "    if has_platform then\n      -- P1",
    "platform_handles": "  if has_platform and cardinality(kinds) = 0",
}
SCAN = re.compile(r"create or replace function mask_cur\.mask_contact_scan\(.*?\n\$\$;\n", re.S)
LOOP = """create or replace function public.stage_loop(p text, n integer, fn text)
returns integer language plpgsql as $f$
declare r record;
begin
  for i in 1 .. n loop
    execute format('select * from mask_cur.%I($1, false)', fn) into r using p;
  end loop;
  return 0;
end $f$;"""


def cluster(data: Path) -> None:
    """A fresh cluster with the current definitions and a copy per stage."""
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
        defs = previous_definitions("mask_cur", "99999999999999", through=True)
        found = SCAN.search(defs)
        assert found, "no mask_contact_scan in the migrations"
        scan = found.group(0)
        with psycopg.connect(f"host=127.0.0.1 port={PORT} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute("set check_function_bodies = off")
            conn.execute("create schema mask_cur")
            conn.execute(defs)
            for stage, marker in MARKERS.items():
                # a marker that moved must fail loudly, not measure nothing
                assert scan.count(marker) == 1, f"marker of {stage} not found once"
                conn.execute(scan.replace(marker, "  return;\n" + marker, 1).replace(
                    "function mask_cur.mask_contact_scan", f"function mask_cur.before_{stage}"))
            conn.execute(LOOP)
    finally:
        subprocess.run(as_server_user([str(bins / "pg_ctl"), "-D", str(data), "-w", "stop"]),
                       check=True, capture_output=True)


def count(data: Path, names: list[str], calls: int) -> dict[str, dict[str, float]]:
    functions = ["mask_contact_scan"] + [f"before_{s}" for s in MARKERS]
    script = ""
    order = []
    for n in (2, calls):  # warm-up, then the counted statements
        for name in names:
            for fn in functions:
                script += f"select public.stage_loop($m${MESSAGES[name]}$m$, {n}, '{fn}');\n\n"
                if n == calls:
                    order.append((name, fn))
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
    counted = totals[-len(order):]
    cumulative: dict[str, dict[str, float]] = {}
    for (name, fn), total in zip(order, counted, strict=True):
        cumulative.setdefault(name, {})[fn] = total / calls / 1e6
    result: dict[str, dict[str, float]] = {}
    for name, c in cumulative.items():
        row = {"whole_call": round(c["mask_contact_scan"], 3)}
        before = 0.0
        for stage in MARKERS:
            row[stage] = round(c[f"before_{stage}"] - before, 3)
            before = c[f"before_{stage}"]
        row["rest"] = round(c["mask_contact_scan"] - before, 3)
        result[name] = row
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--messages", nargs="*", choices=list(MESSAGES), default=list(MESSAGES))
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    data = ROOT / ".khadum" / "callgrind_stages"
    cluster(data)
    print(json.dumps({
        "benchmark": "masking_stage_instructions",
        "unit": "millions of instructions per call of mask_contact_scan, per stage",
        "calls_per_message": args.calls,
        "per_message": count(data, args.messages, args.calls),
    }, indent=2))


if __name__ == "__main__":
    main()
