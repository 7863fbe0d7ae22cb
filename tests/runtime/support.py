"""Real processes for runtime tests: `khadum worker`, the webhook function under
uvicorn, and the out-of-process Graph/Resend recorder (bench/recorder.py), each
a subprocess that can be stopped with SIGTERM or killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.whatsapp.meta import APP_SECRET, inbound, signed

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WEBHOOK_PATH = "/functions/v1/whatsapp_webhook"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


class Processes:
    """Starts subprocesses and makes sure none outlives the test."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        self.tmp, self.database_url = tmp, database_url
        self.procs: list[subprocess.Popen[bytes]] = []
        self.recorder_url = ""
        self.records_file = tmp / "records.jsonl"

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "RESEND_"))}
        env.update({
            "DATABASE_URL": self.database_url, "KHADUM_ENV": "local",
            "WHATSAPP_GRAPH_URL": self.recorder_url, "WHATSAPP_ACCESS_TOKEN": "EAAG-test-token",
            "WHATSAPP_APP_SECRET": APP_SECRET, "WHATSAPP_VERIFY_TOKEN": "verify-me",
            "RESEND_API_URL": self.recorder_url, "RESEND_API_KEY": "re_test_key",
            "EMAIL_PROVIDER": "resend", "OPENAI_API_KEY": "", "PYTHONUNBUFFERED": "1",
        })
        env.update(extra)
        return env

    def _spawn(self, args: list[str], log: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
        out = open(self.tmp / log, "ab")  # noqa: SIM115 — closed with the process
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def start_recorder(self, *, webhook: str | None = None, delay_ms: float = 0) -> str:
        args = [sys.executable, "-m", "bench.recorder", "--out", str(self.records_file),
                "--delay-ms", str(delay_ms), "--app-secret", APP_SECRET]
        if webhook:
            args += ["--webhook", webhook]
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE)
        self.procs.append(proc)
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        self.recorder_url = f"http://127.0.0.1:{port}"
        return self.recorder_url

    def start_worker(self, name: str = "worker") -> subprocess.Popen[bytes]:
        proc = self._spawn([str(BIN / "khadum"), "worker", "--concurrency", "8"],
                           f"{name}.log", self.env())
        wait_for(lambda: "started" in self.log(name) or proc.poll() is not None, 30,
                 f"{name} to start")
        assert proc.poll() is None, self.log(name)
        return proc

    def start_webhook(self, port: int, name: str = "webhook") -> subprocess.Popen[bytes]:
        proc = self._spawn(
            [str(BIN / "uvicorn"), "functions.whatsapp_webhook.main:app", "--port", str(port),
             "--log-level", "warning"], f"{name}.log", self.env())

        def up() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}{WEBHOOK_PATH}/health",
                                 timeout=1).status_code == 200
            except httpx.HTTPError:
                return proc.poll() is not None
        wait_for(up, 30, f"{name} to answer")
        assert proc.poll() is None, self.log(name)
        return proc

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def records(self, kind: str | None = None) -> list[dict[str, Any]]:
        if not self.records_file.exists():
            return []
        rows = [json.loads(line) for line in self.records_file.read_text().splitlines() if line]
        return [r for r in rows if kind is None or r["kind"] == kind]

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def greeting(phone: str) -> tuple[bytes, dict[str, str]]:
    return signed(inbound("text", phone, text={"body": "السلام عليكم"}))


def counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "select (select count(*) from whatsapp_inbound),"
            " (select count(processed_at) from whatsapp_inbound),"
            " (select count(*) from whatsapp_outbox),"
            " (select count(*) from whatsapp_outbox where status in ('sent','delivered','read')),"
            " (select count(*) from email_outbox),"
            " (select count(*) from email_outbox where provider_id is not null)"
        ).fetchone()
    assert row is not None
    keys = ("inbound", "processed", "outbox", "outbox_sent", "emails", "emails_sent")
    return dict(zip(keys, (int(v) for v in row), strict=True))


def all_done(database_url: str) -> dict[str, int] | None:
    c = counts(database_url)
    done = (c["inbound"] == c["processed"] and c["outbox"] == c["outbox_sent"]
            and c["emails"] == c["emails_sent"])
    return c if done else None
