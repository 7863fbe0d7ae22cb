"""`khadum dev` as a person runs it: it comes up serving, Ctrl-C stops it all
cleanly, and running it again reuses the data."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.live import free_port


def _run_dev(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "khadum.cli",
            "dev",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def _wait_serving(base: str, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("khadum dev did not start serving")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    return out


def test_dev_serves_stops_cleanly_and_reuses_its_data(tmp_path: Path) -> None:
    data_dir, port = tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"

    proc = _run_dev(data_dir, port)
    _wait_serving(base, proc)
    page = httpx.get(base + "/dev", timeout=10)
    assert page.status_code == 200 and "mohammed-alghamdi@demo.khadum.app" in page.text
    first = _stop(proc)
    assert proc.returncode == 0, first
    added = re.search(r"demo freelancers: (\d+) added", first)
    assert added and int(added.group(1)) >= 64, first
    assert "embedded PostgreSQL stopped" in first

    status = subprocess.run(
        [sys.executable, "-m", "khadum.cli", "db", "status", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
    )
    assert status.stdout.startswith("stopped")

    proc = _run_dev(data_dir, port)
    _wait_serving(base, proc)
    second = _stop(proc)
    assert proc.returncode == 0, second
    assert "0 added, 0 updated" in second
    assert "migration 2025" not in second, "a warm start must not re-apply migrations"
