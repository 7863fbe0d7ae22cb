"""The local platform: Supabase's roles, `auth`, `realtime` and `storage`,
reproduced for a plain PostgreSQL (the embedded one, or any server given by a
superuser URL). See khadum/devstack/platform/*.sql, applied in order by the
superuser `supabase_admin`; migrations then run as `postgres`, which — as on
Supabase — is not a superuser.

URLs: one server, several roles. `admin_url()` is the superuser (creating
databases, applying the platform), `postgres_url()` the project's role (the
app, migrations, `khadum db url`), `auth_admin_url()` the Auth service's role
(the local GoTrue stand-in is part of the platform). The local servers trust
loopback connections, so only the user name changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

PLATFORM_DIR = Path(__file__).resolve().parent / "platform"
ADMIN_ROLE = "supabase_admin"
PROJECT_ROLE = "postgres"
AUTH_ADMIN_ROLE = "supabase_auth_admin"
MARKER_SCHEMA = "khadum_platform"
LEGACY_MARKER = "khadum local platform shim"

State = Literal["plain", "khadum", "legacy", "supabase"]
Progress = Callable[[str], None]


class PlatformError(RuntimeError):
    """The platform cannot be applied here; the message says what to do."""


def role_url(url: str, role: str) -> str:
    """The same server and database, connected as `role` (password dropped)."""
    params = conninfo_to_dict(url)
    params.pop("password", None)
    params["user"] = role
    return make_conninfo("", **{k: v for k, v in params.items() if v is not None})


def admin_url(url: str) -> str:
    return role_url(url, ADMIN_ROLE)


def postgres_url(url: str) -> str:
    return role_url(url, PROJECT_ROLE)


def auth_admin_url(url: str) -> str:
    return role_url(url, AUTH_ADMIN_ROLE)


def with_database(url: str, name: str) -> str:
    return make_conninfo(url, dbname=name)


def platform_files() -> list[Path]:
    return sorted(PLATFORM_DIR.glob("*.sql"))


def checksum() -> str:
    digest = hashlib.sha256()
    for path in platform_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def detect(conn: psycopg.Connection[Any]) -> State:
    """'khadum' for our platform, 'legacy' for the shim of older Khadum versions,
    'supabase' for a platform someone else made (a Supabase project), 'plain'
    for a database with none."""
    row = conn.execute(
        "select (select obj_description(oid, 'pg_namespace') from pg_namespace "
        "        where nspname = 'auth'), "
        "       exists (select 1 from pg_namespace where nspname = %s)",
        (MARKER_SCHEMA,),
    ).fetchone()
    if row is None:
        raise RuntimeError("the platform probe returned no row")
    auth_comment, ours = row
    if ours:
        return "khadum"
    if auth_comment == LEGACY_MARKER:
        return "legacy"
    exists = conn.execute("select 1 from pg_namespace where nspname = 'auth'").fetchone()
    return "supabase" if exists else "plain"


LEGACY_ADVICE = (
    "this database was made by an older Khadum (the 'platform shim', where the app "
    "connected as a superuser); the local platform now reproduces Supabase's roles. "
    "Rebuild it: `khadum db reset` (the embedded database), or drop and re-create it."
)


def is_current(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute(
        "select checksum from khadum_platform.applied where name = 'platform'"
    ).fetchone()
    return bool(row and row[0] == checksum())


def apply(url: str, progress: Progress = lambda _: None) -> bool:
    """Apply (or bring up to date) the platform in the database of `url`,
    connected as its superuser. Returns False when it was already current."""
    with psycopg.connect(admin_url(url), autocommit=True) as conn:
        conn.execute("set client_min_messages = warning")
        state = detect(conn)
        if state == "legacy":
            raise PlatformError(LEGACY_ADVICE)
        if state == "supabase":
            raise PlatformError(
                "this database already has a Supabase platform (auth, realtime) not made by "
                "Khadum: apply only the migrations"
            )
        if state == "khadum" and is_current(conn):
            return False
        progress("applying the local platform (Supabase's roles, auth, realtime, storage)")
        with conn.transaction():
            for path in platform_files():
                try:
                    conn.execute(path.read_text())
                except psycopg.Error as exc:
                    raise PlatformError(f"platform file {path.name} failed: {exc}") from exc
            conn.execute(
                "insert into khadum_platform.applied (name, checksum) values ('platform', %s) "
                "on conflict (name) do update set checksum = excluded.checksum, applied_at = now()",
                (checksum(),),
            )
        return True


def create_database(url: str, name: str, *, drop: bool = False) -> str:
    """Create database `name` on the server of `url` (as the superuser), with
    the platform applied; returns its `postgres` URL."""
    with psycopg.connect(with_database(admin_url(url), "postgres"), autocommit=True) as conn:
        if drop:
            conn.execute(f'drop database if exists "{name}" with (force)')
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'create database "{name}" owner {ADMIN_ROLE}')
    target = with_database(url, name)
    apply(target)
    return postgres_url(target)


def ensure_message_partitions(conn: psycopg.Connection[Any]) -> int:
    """Today's and the next days' realtime.messages partitions, as Supabase
    Realtime keeps them (our platform only; a no-op elsewhere)."""
    row = conn.execute(
        "select to_regprocedure('realtime.khadum_create_messages_partitions()') is not null"
    ).fetchone()
    if not (row and row[0]):
        return 0
    made = conn.execute("select realtime.khadum_create_messages_partitions()").fetchone()
    return int(made[0]) if made else 0
