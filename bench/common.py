"""Shared by the benchmarks: a scratch database (migrated and seeded) on the
server in DATABASE_URL, or on an embedded PostgreSQL under .khadum/bench."""

from __future__ import annotations

import os
import statistics
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from khadum.dbtools.migrate import migrate
from khadum.devstack import platform
from khadum.seed.load import seed

ROOT = Path(__file__).resolve().parents[1]
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


@contextmanager
def scratch_database(name: str) -> Iterator[str]:
    external = os.environ.get("DATABASE_URL")
    embedded = None
    if external:
        server = external
    else:
        from khadum.devstack.embedded import EmbeddedPostgres

        embedded = EmbeddedPostgres(ROOT / ".khadum" / "bench")
        if embedded.is_legacy():
            embedded.destroy()  # scratch data only: rebuilt in the current layout
        embedded.start()
        server = embedded.url("postgres")
    # Created by the superuser with the local platform; used as `postgres`.
    server = platform.admin_url(psycopg.conninfo.make_conninfo(server, dbname="postgres"))
    url = platform.create_database(server, name, drop=True)
    try:
        migrate(url)
        seed(url)
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')
        if embedded is not None:
            embedded.stop()


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50_ms": round(q[49], 2), "p99_ms": round(q[98], 2),
            "max_ms": round(ordered[-1], 2), "mean_ms": round(statistics.fmean(ordered), 2)}


def sealed_requests(phones: list[str], descriptions: list[str]) -> dict[str, list[str]]:
    """The sealed columns of requests a bench inserts directly (as the bot would store
    them, khadum.requests.sealed): arrays for `unnest(...)`."""
    from khadum.requests import sealed
    from khadum.settings import get_settings

    ring = sealed.keys(get_settings())
    return {
        "displays": [sealed.phone_display(p) for p in phones],
        "sealed_phones": [ring.encrypt(p, sealed.PHONE) for p in phones],
        "indexes": [sealed.phone_index(ring, p) for p in phones],
        "descriptions": [ring.encrypt(d, sealed.DESCRIPTION) for d in descriptions],
    }
