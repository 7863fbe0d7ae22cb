"""The local stack for benchmarks: an embedded PostgreSQL under .khadum/bench (or
DATABASE_URL), migrated and seeded, and the local server on a free port."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import uvicorn

from khadum.dbtools.migrate import migrate
from khadum.devstack.app import create_app, served_from
from khadum.seed.load import seed
from khadum.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def database() -> Iterator[str]:
    external = os.environ.get("DATABASE_URL")
    if external:
        migrate(external)
        seed(external)
        yield external
        return
    from khadum.devstack.embedded import EmbeddedPostgres

    db = EmbeddedPostgres(ROOT / ".khadum" / "bench")
    db.start()
    try:
        with psycopg.connect(db.url("postgres"), autocommit=True) as conn:
            conn.execute("drop database if exists khadum_bench with (force)")
            conn.execute("create database khadum_bench")
        url = db.url("khadum_bench")
        migrate(url)
        seed(url)
        yield url
    finally:
        db.stop()


@contextmanager
def server(url: str) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = served_from(get_settings(), f"http://127.0.0.1:{port}")
    app = create_app(url, settings=settings, run_expiry=False)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1",
                                        port=port, log_level="warning", ws="websockets-sansio"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return round(ordered[index], 2)
