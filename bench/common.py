"""Shared set-up for the benchmarks: a scratch database on the embedded server
(or on DATABASE_URL's server), migrated and seeded."""

from __future__ import annotations

import os
import statistics
import warnings
from pathlib import Path

import psycopg

from khadum.dbtools.migrate import migrate
from khadum.seed.load import seed

ROOT = Path(__file__).resolve().parents[1]
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def scratch_database(name: str) -> str:
    """A fresh database called `name`, migrated and seeded; returns its URL."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        from khadum.devstack.embedded import EmbeddedPostgres

        db = EmbeddedPostgres(ROOT / ".khadum" / "bench")
        db.start()
        server = db.url("postgres")
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')
        conn.execute(f'create database "{name}"')
    url = psycopg.conninfo.make_conninfo(server, dbname=name)
    migrate(url)
    seed(url)
    return url


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "mean_ms": round(statistics.fmean(ordered), 2), "max_ms": round(ordered[-1], 2)}
