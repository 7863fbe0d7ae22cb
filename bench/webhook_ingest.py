"""Webhook ingest as deployed: the function alone under uvicorn answering Meta,
workers (`khadum worker`) processing in other processes, the Graph API an
out-of-process stub (bench/recorder.py), and the load from `wrk` (apt) with a Lua
script posting pre-signed calls: unique wamids and some redeliveries.

Measured in one run, side by side:
- floor: a raw ASGI app (bench/ingest_floor.py) doing the HMAC check and one
  INSERT per message through a pool of the same size;
- the deployed `whatsapp_webhook` alone (no worker running: its ack path);
- the deployed `whatsapp_webhook` with 2 workers processing while it acks,
  in `--rounds` short rounds alternating with the floor (floor first, then
  deployed first…; the workers paused with SIGSTOP during a floor phase), so a
  drift of the shared machine's load weighs on both: per-round ratios, their
  median, and server + backend CPU per ack for each phase;
- processing throughput with 1 and with 2 workers (bot turns/s);
- webhook → reply at the Graph stub, at 50 messages/s offered, with the workers'
  counters (bursts, holds, listings: `WorkerStats.summary()`, logged when a worker
  stops), their CPU per message, where each reply's time went (posted → stored →
  claimed → at the stub) and what the workers' listing costs at its start and end.

    .venv/bin/python -m bench.webhook_ingest [--rounds 3] [--seconds 4] [--connections 32]
        [--code DIR]   # another checkout's function and worker (same floor, load, keys)
        [--phases acks,reply,processing]   # which phases run (reply alone: a fresh table)

About 2–3 minutes. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench.common import ROOT, percentiles, scratch_database
from khadum.crypto import keyring_from
from khadum.devstack.keys import LocalKeys
from khadum.settings import Settings
from khadum.whatsapp.signature import sign
from khadum.whatsapp.store import sealed_row

SECRET = "bench-ingest-app-secret-5e1a"
PATH = "/functions/v1/whatsapp_webhook"
BIN = Path(sys.executable).parent
THREADS = 2
SERVER, WORKER = "bench-server", "bench-worker"  # application_name of their backends
FLOOR = "bench-floor"
TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


class CpuMeter:
    """CPU seconds spent during a phase by the server, the workers and each one's
    PostgreSQL backends: less noisy than rates on a shared machine, and it shows
    what the workers take from the acks on the same cores."""

    def __init__(self, url: str, server: int, workers: list[int], app: str = SERVER) -> None:
        self.url, self.server, self.workers, self.app = url, server, workers, app
        self.before = self._sample()

    def _sample(self) -> dict[str, dict[int, float]]:
        with psycopg.connect(self.url) as conn:
            rows = conn.execute("select application_name, pid from pg_stat_activity "
                                "where application_name in (%s, %s)", (self.app, WORKER)
                                ).fetchall()
        backends = {SERVER: [p for a, p in rows if a == self.app],
                    WORKER: [p for a, p in rows if a == WORKER]}
        return {"server": {self.server: _cpu(self.server)},
                "server_backends": {p: _cpu(p) for p in backends[SERVER]},
                "workers": {p: _cpu(p) for p in self.workers},
                "worker_backends": {p: _cpu(p) for p in backends[WORKER]}}

    def done(self, acks: int) -> dict[str, Any]:
        after = self._sample()
        spent = {group: round(sum(cpu - self.before[group].get(pid, 0.0)
                                  for pid, cpu in pids.items()), 2)
                 for group, pids in after.items()}
        return {"cpu_seconds": spent, "ack_cpu_ms_per_ack": round(
            1000 * (spent["server"] + spent["server_backends"]) / max(1, acks), 3)}


def body(phone: str, wamid: str, text: str) -> bytes:
    wa_id = phone.lstrip("+")
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "966112345678",
                         "phone_number_id": "100000000000001"},
            "contacts": [{"profile": {"name": "عميل"}, "wa_id": wa_id}],
            "messages": [{"from": wa_id, "id": wamid, "timestamp": str(int(time.time())),
                          "type": "text", "text": {"body": text}}]}}]}]},
        ensure_ascii=False).encode()


def write_requests(path: Path, count: int, phones: int, prefix: str) -> list[str]:
    """Returns the wamid of each line; every 20th line redelivers an earlier one."""
    wamids: list[str] = []
    lines: list[str] = []
    for i in range(count):
        if i and i % 20 == 0:
            lines.append(lines[i - 7])
            wamids.append(wamids[i - 7])
            continue
        wamid = f"wamid.{prefix}{secrets.token_hex(12)}"
        raw = body(f"+9665{i % phones:08d}", wamid, "السلام عليكم")
        lines.append(f"{sign(raw, SECRET)}\t{raw.decode()}")
        wamids.append(wamid)
    path.write_text("\n".join(lines) + "\n")
    return wamids


def sent_wamids(wamids: list[str], sent_by_thread: list[int]) -> set[str]:
    sent: set[str] = set()
    for thread, count in enumerate(sent_by_thread):
        share = wamids[thread::THREADS]
        sent.update(share[: min(count, len(share))])
    return sent


def wrk(url: str, requests_file: Path, seconds: int, connections: int) -> dict[str, Any]:
    env = {**os.environ, "KHADUM_WRK_REQUESTS": str(requests_file),
           "KHADUM_WRK_THREADS": str(THREADS)}
    done = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
         "-s", str(ROOT / "bench" / "webhook_ingest.lua"), url],
        env=env, capture_output=True, text=True, timeout=seconds + 60, check=True)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    report["acks_per_second"] = round(report["responses"] / (report["duration_us"] / 1e6), 1)
    return report


class Stack:
    def __init__(self, url: str, tmp: Path, code: Path = ROOT) -> None:
        self.url, self.tmp, self.code = url, tmp, code
        self.procs: list[subprocess.Popen[bytes]] = []
        self.records = tmp / "graph.jsonl"
        self.graph = ""

    def env(self) -> dict[str, str]:
        # This checkout's dev keys, named: a process of another checkout (--code)
        # would otherwise seal with its own, which this bench's rows do not open.
        data_keys, blind = _local_keys()
        return {**os.environ, "KHADUM_DATA_KEYS": data_keys, "KHADUM_BLIND_INDEX_KEY": blind,
                "DATABASE_URL": self.url, "WHATSAPP_APP_SECRET": SECRET,
                "WHATSAPP_GRAPH_URL": self.graph, "WHATSAPP_ACCESS_TOKEN": "EAAG-bench",
                "RESEND_API_URL": self.graph, "OPENAI_API_KEY": "", "KHADUM_ENV": "local"}

    def spawn(self, args: list[str], log: str, app: str, code: Path | None = None
              ) -> subprocess.Popen[bytes]:
        out = open(self.tmp / log, "ab")  # noqa: SIM115 — lives as long as the process
        code = code or self.code
        env = {**self.env(), "PGAPPNAME": app}
        if code != ROOT:  # another checkout's khadum ahead of this one's (editable) install
            env["PYTHONPATH"] = str(code)
        # PGAPPNAME (libpq) names the process's backends: their CPU is counted per role.
        proc = subprocess.Popen(args, cwd=code, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def recorder(self) -> None:
        proc = subprocess.Popen([sys.executable, "-m", "bench.recorder", "--out",
                                 str(self.records)], cwd=ROOT, stdout=subprocess.PIPE)
        self.procs.append(proc)
        assert proc.stdout is not None
        self.graph = f"http://127.0.0.1:{int(proc.stdout.readline())}"

    def server(self, target: str, port: int, log: str, code: Path | None = None,
               app: str = SERVER) -> subprocess.Popen[bytes]:
        proc = self.spawn([str(BIN / "uvicorn"), target, "--port", str(port),
                           "--log-level", "warning", "--no-access-log"], log, app, code)
        wait(lambda: _answers(f"http://127.0.0.1:{port}{PATH}"), 30)
        return proc

    def worker(self, name: str, *, nice: int = 0) -> subprocess.Popen[bytes]:
        # While the acks are measured on this one machine, the acks come first:
        # workers run at a lower OS priority (deployed, they have their own containers).
        proc = self.spawn(["nice", "-n", str(nice), str(BIN / "khadum"), "worker"],
                          name + ".log", WORKER)
        # On a loaded machine a worker may take a while to import and connect.
        wait(lambda: "started" in (self.tmp / f"{name}.log").read_text(errors="replace"), 120)
        return proc

    def stop(self, proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def close(self) -> None:
        for proc in self.procs:
            self.stop(proc)

    def graph_records(self) -> list[dict[str, Any]]:
        if not self.records.exists():
            return []
        return [json.loads(x) for x in self.records.read_text().splitlines() if x]


def _local_keys() -> tuple[str, str]:
    """This checkout's development keys (data keys, blind-index key)."""
    local = LocalKeys(ROOT / Settings().khadum_local_auth_dir).data_keys
    return str(local["data_keys"]), str(local["blind_index_key"])


def _answers(url: str) -> bool:
    try:
        httpx.get(url, timeout=1)
        return True
    except httpx.HTTPError:
        return False


def wait(check: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the bench stack did not come up")
        time.sleep(0.1)


def unprocessed(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("select count(*) from whatsapp_inbound where processed_at is null"
                           ).fetchone()
    return int(row[0]) if row else 0


def stored(url: str, table: str, wamids: set[str]) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"select count(*), count(distinct wamid) from public.{table} "
                           "where wamid = any(%s)", (list(wamids),)).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def processing_rate(stack: Stack, url: str, workers: int, messages: int) -> dict[str, Any]:
    """Messages stored at once (one commit, one NOTIFY) for `workers` idle workers."""
    procs = [stack.worker(f"rate{workers}-{i}") for i in range(workers)]
    try:
        tag = secrets.token_hex(4)
        with psycopg.connect(url) as conn:
            keys = keyring_from(*_local_keys())  # the stack's
            with conn.cursor() as cur:
                cur.executemany(  # sealed, as the webhook stores them
                    "insert into whatsapp_inbound (wamid, client_phone, client_phone_index, "
                    "client_phone_display, message_type, payload, sent_at, profile_name) "
                    "values (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [sealed_row(keys, f"wamid.rate{tag}{i}", f"+9667{workers}{i:07d}", "text",
                                {"type": "text", "text": {"body": "السلام عليكم"}}, None, None)
                     for i in range(messages)])
            began = time.perf_counter()
        wait(lambda: unprocessed(url) == 0, 600)
        seconds = time.perf_counter() - began
    finally:
        for proc in procs:
            stack.stop(proc)
    return {"workers": workers, "messages": messages, "seconds": round(seconds, 2),
            "turns_per_second": round(messages / seconds, 1)}


def worker_stats(tmp: Path, names: list[str]) -> dict[str, Any] | None:
    """The counters each worker logged when it stopped (`WorkerStats.summary`),
    summed over the workers, and each one's; None for a code that logs none."""
    each: list[dict[str, Any]] = []
    for name in names:
        log = (tmp / f"{name}.log").read_text(errors="replace")
        found = [line.split(" stopped: ", 1)[1] for line in log.splitlines()
                 if " stopped: {" in line]
        if not found:
            return None
        each.append(json.loads(found[-1]))
    total = {key: round(sum(w[key] for w in each), 3) for key in each[0]
             if isinstance(each[0][key], int | float)}
    return {**total, "per_worker": each}


def table_state(url: str) -> dict[str, Any]:
    """whatsapp_inbound as the workers find it: rows, dead rows, when it was last
    analysed, and what the workers' listings of waiting phones (the whole queue,
    and the recent window a wake-up lists; run 10 times, server-side execution
    time) and their count of stored messages cost."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "select n_live_tup, n_dead_tup, greatest(last_analyze, last_autoanalyze),"
            " greatest(last_vacuum, last_autovacuum), now() from pg_stat_user_tables"
            " where relname = 'whatsapp_inbound'").fetchone()
        assert row is not None

        def execution_ms(sql: str) -> float:
            times = []
            for _ in range(10):
                plan = conn.execute(f"explain (analyze, format json) {sql}").fetchone()
                assert plan is not None
                times.append(float(plan[0][0]["Execution Time"]))
            return round(statistics.median(times), 3)

        return {"live_rows": row[0], "dead_rows": row[1],
                "analysed_seconds_ago": None if row[2] is None
                else round((row[4] - row[2]).total_seconds(), 1),
                "vacuumed_seconds_ago": None if row[3] is None
                else round((row[4] - row[3]).total_seconds(), 1),
                "listing_ms": execution_ms(
                    "select * from public.client_inbox_phones(false, interval '0', 500)"),
                # What a woken worker lists: the last two seconds (WorkerOptions).
                "recent_listing_ms": execution_ms(
                    "select * from public.client_inbox_phones("
                    "false, interval '0', 500, interval '2 s')"),
                "count_ms": execution_ms(
                    "select count(*), max(received_at) from public.whatsapp_inbound"
                    " where processed_at is null and received_at > now() - interval '0.1 s'")}


def _q(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50_ms": round(ordered[len(ordered) // 2], 1),
            "p95_ms": round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 1),
            "max_ms": round(ordered[-1], 1)}


def reply_split(url: str, tag: str, posted: dict[str, float], first: dict[str, float]
                ) -> dict[str, Any]:
    """Where a reply's time went, per message: posted → stored (`received_at`, the
    ack's statement), stored → claimed (`processed_at`: the bot turn's transaction
    began, so the wait for a worker), claimed → at the Graph stub (the turn, the
    outbox's NOTIFY, the drain's claim and the send)."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select wamid, extract(epoch from received_at)::float8,"
            " extract(epoch from processed_at)::float8 from public.whatsapp_inbound"
            " where wamid like %s", (f"wamid.lat{tag}%",)).fetchall()
    split: dict[str, list[float]] = {"posted_to_stored": [], "stored_to_claimed": [],
                                     "claimed_to_sent": []}
    for wamid, received, processed in rows:
        to = f"9668{tag}{int(wamid.removeprefix(f'wamid.lat{tag}')):06d}"
        if processed is None or to not in first:
            continue
        split["posted_to_stored"].append((received - posted[to]) * 1000)
        split["stored_to_claimed"].append((processed - received) * 1000)
        split["claimed_to_sent"].append((first[to] - processed) * 1000)
    return {key: _q(values) for key, values in split.items() if values}


async def reply_latency(stack: Stack, base: str, rate: float, seconds: float
                        ) -> dict[str, Any]:
    posted: dict[str, float] = {}
    tag = f"{secrets.randbelow(100):02d}"
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        tasks = []
        count = int(rate * seconds)
        began = time.monotonic()
        for i in range(count):
            phone = f"+9668{tag}{i:06d}"
            raw = body(phone, f"wamid.lat{tag}{i}", "السلام عليكم")
            posted[phone.lstrip("+")] = time.time()
            tasks.append(asyncio.ensure_future(http.post(PATH, content=raw, headers={
                "content-type": "application/json", "x-hub-signature-256": sign(raw, SECRET)})))
            await asyncio.sleep(max(0.0, began + (i + 1) / rate - time.monotonic()))
        answers = await asyncio.gather(*tasks)
    assert all(a.status_code == 200 for a in answers)
    deadline = time.monotonic() + 30
    first: dict[str, float] = {}
    while time.monotonic() < deadline and len(first) < len(posted):
        for record in stack.graph_records():
            if record["to"] in posted and record["to"] not in first:
                first[record["to"]] = record["t"]
        await asyncio.sleep(0.2)
    latencies = [(first[p] - posted[p]) * 1000 for p in first]
    if len(latencies) < 2:
        return {"offered_per_second": rate, "messages": len(posted), "replied": len(first)}
    q = percentiles(latencies)
    return {"offered_per_second": rate, "messages": len(posted), "replied": len(first),
            "p50_ms": q["p50_ms"], "p95_ms": round(sorted(latencies)[int(0.95 * len(latencies))
                                                                     - 1], 2),
            "p99_ms": q["p99_ms"],
            "split": await asyncio.to_thread(reply_split, stack.url, tag, posted, first)}


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def _phase(url: str, port: int, floor_port: int, server: int, workers: list[int],
           requests_file: Path, args: argparse.Namespace) -> dict[str, Any]:
    meter = CpuMeter(url, server, workers, FLOOR if port == floor_port else SERVER)
    run = wrk(f"http://127.0.0.1:{port}{PATH}", requests_file, args.seconds, args.connections)
    run.update(meter.done(run["responses"]))
    return run


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """A phase over the rounds: medians of the rates, latencies and CPU per ack;
    totals of the counts."""
    medians = {key: _median([r[key] for r in runs])
               for key in ("acks_per_second", "p50_ms", "p90_ms", "p99_ms", "max_ms",
                           "ack_cpu_ms_per_ack")}
    totals = {key: sum(r[key] for r in runs)
              for key in ("requests", "requests_built", "responses", "non200")}
    errors = {key: sum(r["errors"][key] for r in runs) for key in runs[0]["errors"]}
    return {**medians, **totals, "errors": errors, "rounds": len(runs),
            "seconds_per_round": round(runs[0]["duration_us"] / 1e6, 2)}


def _compact(run: dict[str, Any]) -> dict[str, Any]:
    return {key: run[key] for key in ("acks_per_second", "p50_ms", "p99_ms", "non200",
                                      "ack_cpu_ms_per_ack", "cpu_seconds")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=4, help="per phase and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--requests", type=int, default=0,
                        help="signed calls per phase file (default: 4,000 per second)")
    parser.add_argument("--rate-messages", type=int, default=300)
    parser.add_argument("--drain-seconds", type=float, default=45,
                        help="how long the rounds' backlog is processed before it is set aside")
    parser.add_argument("--worker-nice", type=int, default=10)
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="the checkout whose function and worker run (the floor and the "
                             "load are this one's): compare two codes in the same conditions")
    parser.add_argument("--phases", default="acks,reply,processing",
                        help="which phases run, in this order: acks (the ack path alone, "
                             "the rounds, the backlog set aside), reply (webhook → reply at "
                             "50/s), processing (bot turns/s)")
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    per_file = args.requests or 4_000 * args.seconds
    report: dict[str, Any] = {"machine_cores": os.cpu_count(), "connections": args.connections,
                              "seconds": args.seconds, "rounds": args.rounds, "pool_size": 10,
                              "worker_nice": args.worker_nice, "code": str(args.code),
                              "phases": args.phases,
                              "load_average_at_start": os.getloadavg()[0]}
    began_all = time.perf_counter()
    with scratch_database("khadum_bench_ingest") as url, \
            tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        stack = Stack(url, tmp, args.code.resolve())
        try:
            stack.recorder()
            # Both servers run throughout; the phases alternate between them.
            floor_port, port = _free_port(), _free_port()
            floor = stack.server("bench.ingest_floor:app", floor_port, "floor.log", code=ROOT,
                                 app=FLOOR)
            webhook = stack.server("functions.whatsapp_webhook.main:app", port, "webhook.log")

            if "acks" in phases:
                # The ack path alone first (no worker running).
                alone_file = tmp / "alone.txt"
                alone_wamids = write_requests(alone_file, per_file, args.phones, "alone")
                alone = _phase(url, port, floor_port, webhook.pid, [], alone_file, args)
                sent = sent_wamids(alone_wamids, alone.pop("sent_by_thread"))
                rows, distinct = stored(url, "whatsapp_inbound", sent)
                report["alone"] = {**alone, **losses(alone, len(sent), distinct),
                                   "duplicated": rows - distinct}
                # Housekeeping, not measured: the workers below start from an empty queue.
                with psycopg.connect(url) as conn:
                    conn.execute("update whatsapp_inbound set processed_at = now() "
                                 "where processed_at is null and wamid like 'wamid.alone%'")

                # Rounds, each a floor phase and a phase of the function while 2 workers
                # process, in alternating order (floor first, then deployed first…), so a
                # drift of the machine's load weighs on both alike. During a floor phase
                # the workers are paused (SIGSTOP): the floor runs with nothing beside it.
                workers = [stack.worker(f"w{i}", nice=args.worker_nice) for i in range(2)]
                rounds: list[dict[str, Any]] = []
                floor_sent: set[str] = set()
                deployed_sent: set[str] = set()
                floor_runs: list[dict[str, Any]] = []
                deployed_runs: list[dict[str, Any]] = []
                floor_losses = {"requests_built": 0, "responses": 0}
                deployed_losses = {"requests_built": 0, "responses": 0}
                for n in range(args.rounds):
                    floor_file, deployed_file = tmp / f"floor{n}.txt", tmp / f"deployed{n}.txt"
                    floor_wamids = write_requests(floor_file, per_file, args.phones, f"floor{n}x")
                    wamids = write_requests(deployed_file, per_file, args.phones, f"fn{n}x")
                    order = ("floor", "deployed") if n % 2 == 0 else ("deployed", "floor")
                    runs: dict[str, dict[str, Any]] = {}
                    for phase in order:
                        if phase == "floor":
                            for proc in workers:
                                proc.send_signal(signal.SIGSTOP)
                            try:
                                run = _phase(url, floor_port, floor_port, floor.pid, [],
                                             floor_file, args)
                            finally:
                                for proc in workers:
                                    proc.send_signal(signal.SIGCONT)
                            floor_sent |= sent_wamids(floor_wamids, run.pop("sent_by_thread"))
                            totals = floor_losses
                        else:
                            run = _phase(url, port, floor_port, webhook.pid,
                                         [p.pid for p in workers], deployed_file, args)
                            deployed_sent |= sent_wamids(wamids, run.pop("sent_by_thread"))
                            totals = deployed_losses
                        totals["requests_built"] += run["requests_built"]
                        totals["responses"] += run["responses"]
                        runs[phase] = run
                    floor_runs.append(runs["floor"])
                    deployed_runs.append(runs["deployed"])
                    f, d = runs["floor"], runs["deployed"]
                    rounds.append({
                        "round": n + 1, "order": list(order), "load_average": os.getloadavg()[0],
                        "floor": _compact(f), "deployed": _compact(d),
                        "ratio": {"acks": round(d["acks_per_second"] / f["acks_per_second"], 2),
                                  "p99": round(d["p99_ms"] / f["p99_ms"], 2),
                                  "cpu_per_ack": round(d["ack_cpu_ms_per_ack"]
                                                       / max(1e-9, f["ack_cpu_ms_per_ack"]), 2)}})
                report["rounds_detail"] = rounds
                median_ratio = {key: _median([r["ratio"][key] for r in rounds])
                                for key in ("acks", "p99", "cpu_per_ack")}
                report["median_ratio_to_floor"] = median_ratio

                # The backlog the rounds left, processed for at most --drain-seconds (the
                # bench's runtime); what is left then is marked processed, not measured.
                began = time.perf_counter()
                with contextlib.suppress(TimeoutError):
                    wait(lambda: unprocessed(url) == 0, args.drain_seconds)
                backlog_seconds = time.perf_counter() - began
                for proc in workers:
                    stack.stop(proc)
                with psycopg.connect(url) as conn:
                    left = conn.execute("update whatsapp_inbound set processed_at = now() "
                                        "where processed_at is null").rowcount
                rows, distinct = stored(url, "bench_floor_inbound", floor_sent)
                report["floor"] = {**_summary(floor_runs),
                                   **losses(floor_losses, len(floor_sent), distinct),
                                   "duplicated": rows - distinct}
                rows, distinct = stored(url, "whatsapp_inbound", deployed_sent)
                time.sleep(2)  # the last replies leave
                twice = sum(1 for n in Counter(r["opaque"] for r in stack.graph_records()).values()
                            if n > 1)
                report["deployed"] = {**_summary(deployed_runs),
                                      **losses(deployed_losses, len(deployed_sent), distinct),
                                      "duplicated": rows - distinct, "replies_sent_twice": twice,
                                      "backlog_drained_after_load_seconds":
                                          round(backlog_seconds, 2),
                                      "backlog_left_unprocessed": left,
                                      "worker_stats": worker_stats(tmp, ["w0", "w1"])}
                # As before, deployed against the floor: now the median of the rounds' ratios.
                report["ratio_to_floor"] = {"acks": median_ratio["acks"],
                                            "p99": median_ratio["p99"]}
                report["alone_ratio_to_floor"] = {
                    "acks": round(alone["acks_per_second"] / report["floor"]["acks_per_second"], 2),
                    "p99": round(alone["p99_ms"] / report["floor"]["p99_ms"], 2)}

            if "reply" in phases:
                names = ["l0", "l1"]
                with psycopg.connect(url) as conn:  # what the reply phase starts behind
                    waiting = conn.execute(
                        "select (select count(*) from whatsapp_inbound"
                        " where processed_at is null),"
                        " (select count(*) from whatsapp_outbox"
                        " where status in ('queued', 'sending'))").fetchone()
                workers = [stack.worker(name) for name in names]
                before = table_state(url)
                meter = CpuMeter(url, webhook.pid, [p.pid for p in workers])
                load = os.getloadavg()[0]
                reply = asyncio.run(reply_latency(stack, f"http://127.0.0.1:{port}", 50, 10))
                spent = meter.done(reply["messages"])["cpu_seconds"]
                for proc in workers:
                    stack.stop(proc)
                # The workers' counters (bursts, holds, counts) and their CPU per message,
                # which, unlike the latencies, a loaded machine does not blur.
                report["webhook_to_reply"] = {
                    **reply, "load_average": load, "cpu_seconds": spent,
                    "waiting_at_start": {"inbound": waiting[0] if waiting else None,
                                         "outbox": waiting[1] if waiting else None},
                    "worker_cpu_ms_per_message": round(
                        1000 * (spent["workers"] + spent["worker_backends"])
                        / max(1, reply["messages"]), 2),
                    "worker_stats": worker_stats(tmp, names),
                    "table_at_start": before, "table_at_end": table_state(url)}
            if "processing" in phases:
                report["processing"] = [processing_rate(stack, url, n, args.rate_messages)
                                        for n in (1, 2)]
        finally:
            stack.close()
    report["load_average_at_end"] = os.getloadavg()[0]
    report["bench_seconds"] = round(time.perf_counter() - began_all, 1)
    print(json.dumps(report))


def losses(run: dict[str, int], generated: int, stored_distinct: int) -> dict[str, int]:
    """wrk builds a connection's next request before the clock stops and never sends
    it: those (at most one per connection) are not lost. `lost` counts the rest."""
    not_stored = generated - stored_distinct
    unanswered = run["requests_built"] - run["responses"]
    return {"not_stored": not_stored, "built_but_unanswered_at_stop": unanswered,
            "lost": max(0, not_stored - unanswered)}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    main()
