"""The local stack for benchmarks: a scratch database (bench.common) and the local
server on a free port, its stand-ins served from that port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import uvicorn

from bench.common import scratch_database
from khadum.devstack.app import create_app, served_from
from khadum.settings import get_settings


def database() -> AbstractContextManager[str]:
    """A scratch database `khadum_bench` (bench.common), migrated and seeded."""
    return scratch_database("khadum_bench")


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
