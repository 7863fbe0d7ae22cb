"""Apply the platform shim (plain PostgreSQL only), then the migrations.

Migrations are recorded in `supabase_migrations.schema_migrations`, the table
the Supabase CLI uses, so `khadum db migrate` and `supabase db push` agree on
what is applied. The migrations carry their own RLS, grants and policies, so
applying `supabase/migrations/` alone (as `supabase db push` does) gives the
same database; `supabase/policies/` is a generated index, never applied
(khadum/dbtools/policy_index.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from khadum.paths import MIGRATIONS_DIR, SHIM_FILE

SHIM_MARKER = "khadum local platform shim"

Progress = Callable[[str], None]


@dataclass
class MigrateReport:
    platform: str = ""
    shim_applied: bool = False
    migrations_applied: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.migrations_applied or self.shim_applied)


def _quiet(_: str) -> None:
    return None


def detect_platform(conn: psycopg.Connection) -> str:
    """'supabase' when the auth and realtime schemas exist and are not our shim's,
    'shim' when our shim is already there, 'plain' otherwise."""
    row = conn.execute(
        "select obj_description(oid, 'pg_namespace') from pg_namespace where nspname = 'auth'"
    ).fetchone()
    if row is None:
        return "plain"
    if row[0] == SHIM_MARKER:
        return "shim"
    return "supabase"


def lay_down_platform(
    url: str, progress: Progress = _quiet, report: MigrateReport | None = None
) -> str:
    """The platform a Supabase project has before any migration of ours: laid
    down here on a plain server, left as it is on Supabase. Returns the URL the
    project's migrations run with, as `supabase db push` would run them."""
    report = report if report is not None else MigrateReport()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set client_min_messages = warning")
        report.platform = detect_platform(conn)
        if report.platform in ("plain", "shim"):
            progress("applying the local platform shim (auth, realtime, roles)")
            conn.execute(SHIM_FILE.read_text())
            report.shim_applied = report.platform == "plain"
        else:
            progress("Supabase database detected: the platform shim is not needed")
    return url


class MigrationsMissing(RuntimeError):
    """No migration files where they should be (a package built without its SQL)."""


def migrate(url: str, progress: Progress = _quiet) -> MigrateReport:
    if not migration_files():
        # Applying nothing and saying "up to date" would hide a broken install.
        raise MigrationsMissing(f"no migrations found in {MIGRATIONS_DIR}")
    report = MigrateReport()
    migrator_url = lay_down_platform(url, progress, report)
    with psycopg.connect(migrator_url, autocommit=True) as conn:
        conn.execute("set client_min_messages = warning")
        _ensure_bookkeeping(conn)
        report.migrations_applied = _apply_migrations(conn, progress)
    return report


def _ensure_bookkeeping(conn: psycopg.Connection) -> None:
    conn.execute(
        """
        create schema if not exists supabase_migrations;
        create table if not exists supabase_migrations.schema_migrations (
          version text primary key, statements text[], name text);
        """
    )


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("*.sql"))


def _apply_migrations(conn: psycopg.Connection, progress: Progress) -> list[str]:
    done = {r[0] for r in conn.execute("select version from supabase_migrations.schema_migrations")}
    applied = []
    for path in migration_files():
        version, _, name = path.stem.partition("_")
        if version in done:
            continue
        progress(f"migration {path.name}")
        sql = path.read_text()
        with conn.transaction():
            conn.execute(sql)
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, statements, name) "
                "values (%s, %s, %s)",
                (version, [sql], name),
            )
        applied.append(path.name)
    return applied
