"""Apply the platform shim (plain PostgreSQL only), the migrations and the policies.

Migrations are recorded in `supabase_migrations.schema_migrations`, the table
the Supabase CLI uses, so `khadum db migrate` and `supabase db push` agree on
what is applied. Policies (`supabase/policies/*.sql`) are re-applied whenever
a migration ran or a policy file changed (checksums in
`supabase_migrations.khadum_policy_files`), so they are never forgotten.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from khadum.paths import MIGRATIONS_DIR, POLICIES_DIR, SHIM_FILE

SHIM_MARKER = "khadum local platform shim"

Progress = Callable[[str], None]


@dataclass
class MigrateReport:
    platform: str = ""
    shim_applied: bool = False
    migrations_applied: list[str] = field(default_factory=list)
    policies_applied: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.migrations_applied or self.policies_applied or self.shim_applied)


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


class MigrationsMissing(RuntimeError):
    """No migration files where they should be (a package built without its SQL)."""


def migrate(url: str, progress: Progress = _quiet) -> MigrateReport:
    if not migration_files():
        # Applying nothing and saying "up to date" would hide a broken install.
        raise MigrationsMissing(f"no migrations found in {MIGRATIONS_DIR}")
    report = MigrateReport()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("set client_min_messages = warning")
        report.platform = detect_platform(conn)
        if report.platform in ("plain", "shim"):
            progress("applying the local platform shim (auth, realtime, roles)")
            conn.execute(SHIM_FILE.read_text())
            report.shim_applied = report.platform == "plain"
        else:
            progress("Supabase database detected: the platform shim is not needed")
        _ensure_bookkeeping(conn)
        report.migrations_applied = _apply_migrations(conn, progress)
        report.policies_applied = _apply_policies(
            conn, progress, force=bool(report.migrations_applied)
        )
    return report


def _ensure_bookkeeping(conn: psycopg.Connection) -> None:
    conn.execute(
        """
        create schema if not exists supabase_migrations;
        create table if not exists supabase_migrations.schema_migrations (
          version text primary key, statements text[], name text);
        create table if not exists supabase_migrations.khadum_policy_files (
          name text primary key, checksum text not null,
          applied_at timestamptz not null default now());
        """
    )


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("*.sql"))


def policy_files() -> list[Path]:
    return sorted(POLICIES_DIR.glob("*.sql"))


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


def _apply_policies(conn: psycopg.Connection, progress: Progress, *, force: bool) -> list[str]:
    recorded: dict[str, str] = dict(
        conn.execute(
            "select name, checksum from supabase_migrations.khadum_policy_files"
        ).fetchall()
    )
    files = policy_files()
    checksums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    stale = force or any(recorded.get(name) != digest for name, digest in checksums.items())
    if not stale:
        return []
    # All files in one transaction and in order: 00_deny_by_default first.
    with conn.transaction():
        for path in files:
            progress(f"policies {path.name}")
            conn.execute(path.read_text())
            conn.execute(
                "insert into supabase_migrations.khadum_policy_files (name, checksum) "
                "values (%s, %s) on conflict (name) do update "
                "set checksum = excluded.checksum, applied_at = now()",
                (path.name, checksums[path.name]),
            )
    return [p.name for p in files]
