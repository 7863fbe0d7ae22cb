"""Apply the local platform (plain PostgreSQL only), then the migrations.

On a plain server (the embedded one, or any PostgreSQL whose superuser
`supabase_admin` we can reach) the platform of khadum/devstack/platform/ is
applied first, as that superuser; the migrations then run as `postgres`, which
is not a superuser, as on Supabase. On a real Supabase project the platform is
Supabase's own and only the migrations run, as the URL's role.

Migrations are recorded in `supabase_migrations.schema_migrations`, the table
the Supabase CLI uses, so `khadum db migrate` and `supabase db push` agree on
what is applied. Each migration runs in its own transaction: one that fails
leaves nothing of itself behind and stops the run with `MigrationError`, which
names the file and PostgreSQL's message. The migrations carry their own RLS,
grants and policies, so applying `supabase/migrations/` alone (as `supabase db
push` does) gives the same database; `supabase/policies/` is a generated index,
never applied (khadum/dbtools/policy_index.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from khadum.devstack import platform
from khadum.paths import MIGRATIONS_DIR

Progress = Callable[[str], None]


class MigrationError(RuntimeError):
    """A migration (or the platform) could not be applied; nothing of it was kept."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.file = file


@dataclass
class MigrateReport:
    platform: str = ""
    platform_applied: bool = False
    migrations_applied: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.migrations_applied or self.platform_applied)


def _quiet(_: str) -> None:
    return None


def detect_platform(conn: psycopg.Connection[Any]) -> str:
    """See khadum.devstack.platform.detect: plain, khadum, legacy or supabase."""
    return platform.detect(conn)


def lay_down_platform(
    url: str, progress: Progress = _quiet, report: MigrateReport | None = None
) -> str:
    """The platform a Supabase project has before any migration of ours: laid
    down here on a plain server (as its superuser), left as it is on Supabase.
    Returns the URL the project's migrations run with: `postgres` on our
    platform, as on Supabase; the given URL on a Supabase project."""
    report = report if report is not None else MigrateReport()
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            report.platform = platform.detect(conn)
    except psycopg.OperationalError:
        # A plain server's superuser URL before the platform made `postgres` (or the reverse).
        with psycopg.connect(platform.admin_url(url), autocommit=True) as conn:
            report.platform = platform.detect(conn)
    if report.platform == "legacy":
        raise MigrationError(platform.LEGACY_ADVICE)
    if report.platform == "supabase":
        progress("Supabase database detected: its platform is used as it is")
        return url
    try:
        report.platform_applied = platform.apply(url, progress)
    except psycopg.OperationalError as exc:
        raise MigrationError(
            "this database has no Supabase platform (auth, realtime, roles) and Khadum "
            f"could not connect as its superuser `{platform.ADMIN_ROLE}` to add it: {exc}. "
            "Use a server initialised with `initdb -U supabase_admin` (as `khadum db start` "
            "and khadum/devstack/pgserver.py do), or a Supabase project."
        ) from exc
    except platform.PlatformError as exc:
        raise MigrationError(str(exc)) from exc
    return platform.postgres_url(url)


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


def _ensure_bookkeeping(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        """
        create schema if not exists supabase_migrations;
        create table if not exists supabase_migrations.schema_migrations (
          version text primary key, statements text[], name text);
        """
    )


def migration_files() -> list[Path]:
    return sorted(MIGRATIONS_DIR.glob("*.sql"))


def _failure(path: Path, exc: psycopg.Error) -> MigrationError:
    diag = exc.diag
    where = f" (SQLSTATE {diag.sqlstate})" if diag.sqlstate else ""
    detail = f"\n  detail: {diag.message_detail}" if diag.message_detail else ""
    hint = f"\n  hint: {diag.message_hint}" if diag.message_hint else ""
    message = diag.message_primary or str(exc).strip()
    return MigrationError(
        f"{path.name} failed and was rolled back: {message}{where}{detail}{hint}", file=path.name
    )


def _apply_migrations(conn: psycopg.Connection[Any], progress: Progress) -> list[str]:
    done = {r[0] for r in conn.execute("select version from supabase_migrations.schema_migrations")}
    applied = []
    for path in migration_files():
        version, _, name = path.stem.partition("_")
        if version in done:
            continue
        progress(f"migration {path.name}")
        sql = path.read_text()
        try:
            with conn.transaction():
                conn.execute(sql)
                conn.execute(
                    "insert into supabase_migrations.schema_migrations (version, statements, name) "
                    "values (%s, %s, %s)",
                    (version, [sql], name),
                )
        except psycopg.Error as exc:
            raise _failure(path, exc) from exc
        applied.append(path.name)
    return applied
