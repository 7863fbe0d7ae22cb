"""Exact instruction counts of masking (issue 11): mask_contact_scan() on the
1,000-character messages of bench.masking, the current definitions against
the baseline ones (by default those before the latest masking migration;
`--baseline MIGRATION.sql`: those the migrations up to and including it left),
counted by valgrind's callgrind in a single-user PostgreSQL (the embedded
binaries, a scratch cluster under .khadum/callgrind). On the shared 2 cores
CPU time per call scatters by 10-20 % between runs a minute apart; the number
of instructions a call executes does not depend on the load, so a change of
a few per cent is seen at once (cache misses are not counted: compare the
CPU time of bench.masking too). Each message is called twice per definition
to warm the session (plans, compiled expressions), then `--calls` times per
definition; callgrind dumps its counters before each statement, so each
measured statement's count is read from its own dump. Needs valgrind; about
a minute. Prints one JSON document.

    .venv/bin/python -m bench.masking_instructions [--calls 5]
        [--baseline 20251205000100_contact_masking_runs.sql]
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

from bench.masking import MESSAGES, masking_migrations, previous_definitions
from khadum.devstack.embedded import SYSTEM_USER, _bin_dir

ROOT = Path(__file__).resolve().parents[1]
PORT = 55991  # the setup only; the counted statements run without a server
LOOP = """create or replace function public.mask_loop(p text, n integer, w integer)
returns integer language plpgsql as $f$
declare r record;
begin
  for i in 1 .. n loop
    if w = 0 then r := mask_base.mask_contact_scan(p, false);
    else r := mask_cur.mask_contact_scan(p, false); end if;
  end loop;
  return 0;
end $f$;"""


def as_server_user(cmd: list[str]) -> list[str]:
    # as root, PostgreSQL must run as the unprivileged user the local stack uses
    return ["runuser", "-u", SYSTEM_USER, "--", *cmd] if os.geteuid() == 0 else cmd


def cluster(data: Path, baseline: str, through: bool) -> None:
    """A fresh cluster holding both definitions (set up through a server)."""
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
            conn.execute("create schema mask_base")
            conn.execute("create schema mask_cur")
            conn.execute(previous_definitions("mask_base", baseline, through=through))
            conn.execute(previous_definitions("mask_cur", "99999999999999", through=True))
            conn.execute(LOOP)
    finally:
        subprocess.run(as_server_user([str(bins / "pg_ctl"), "-D", str(data), "-w", "stop"]),
                       check=True, capture_output=True)


def count(data: Path, calls: int) -> dict[str, dict[str, float]]:
    """Instructions per call (millions) of each message, baseline and current."""
    names = list(MESSAGES)
    script = ""
    for n in (2, calls):  # warm-up, then the counted statements
        for name in names:
            for w in (0, 1):
                script += f"select public.mask_loop($m${MESSAGES[name]}$m$, {n}, {w});\n\n"
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o777)
        out = Path(tmp) / "cg.out"
        subprocess.run(as_server_user(
            ["valgrind", "--tool=callgrind", "--dump-before=exec_simple_query",
             f"--callgrind-out-file={out}", str(_bin_dir() / "postgres"), "--single", "-j",
             "-D", str(data), "postgres"]), input=script, text=True, check=True,
            capture_output=True)
        # cg.out.K: the counters before statement K, so statement K-1's;
        # cg.out: at exit, so the last statement's
        dumps = [*sorted(Path(tmp).glob("cg.out.*"), key=lambda p: int(p.suffix[1:])), out]
        totals = []
        for dump in dumps:
            found = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.M)
            totals.append(int(found.group(1)) if found else 0)
    counted = totals[-2 * len(names):]
    return {name: {"baseline": round(counted[2 * i] / calls / 1e6, 3),
                   "current": round(counted[2 * i + 1] / calls / 1e6, 3)}
            for i, name in enumerate(names)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=5)
    parser.add_argument("--baseline", type=Path, default=None)
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    through = args.baseline is not None
    baseline = args.baseline.name if through else masking_migrations()[-1]
    data = ROOT / ".khadum" / "callgrind"
    cluster(data, baseline, through)
    per_message = count(data, args.calls)
    base = sum(v["baseline"] for v in per_message.values())
    cur = sum(v["current"] for v in per_message.values())
    print(json.dumps({
        "benchmark": "masking_instructions",
        "unit": "millions of instructions per call of mask_contact_scan",
        "baseline": f"through {baseline}" if through else f"before {baseline}",
        "calls_per_message": args.calls,
        "per_message": {k: {**v, "ratio": round(v["current"] / v["baseline"], 3)}
                        for k, v in per_message.items()},
        "all_messages": {"baseline": round(base, 3), "current": round(cur, 3),
                         "ratio": round(cur / base, 3)},
    }, indent=2))


if __name__ == "__main__":
    main()
