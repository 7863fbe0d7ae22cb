"""The database secures itself: on a fresh database laid down like Supabase's,
`khadum db migrate` gives RLS on every table, nothing to anon, only the listed
functions to signed-in users, the Realtime policies and the pg_cron jobs; and
applying `supabase/migrations/` alone, as `supabase db push` does, gives the
very same security state."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import psycopg
import pytest

from khadum.dbtools import policy_index
from khadum.dbtools.migrate import (
    MigrateReport,
    lay_down_platform,
    migrate,
    migration_files,
)
from khadum.paths import PROJECT_DIR

README = PROJECT_DIR / "README.md"
CRON_JOBS = {
    "khadum-expire-requests": "select public.expire_requests()",
    "khadum-chat-housekeeping": "select public.chat_housekeeping()",
    "khadum-retention": "select public.purge_personal_data()",
    "khadum-request-alerts": "select public.queue_request_alerts()",
}


def _fresh(server_url: str, name: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
    return psycopg.conninfo.make_conninfo(server_url, dbname=name)


def _drop(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


def apply_migrations_alone(url: str) -> list[str]:
    """What `supabase db push` does: each file of supabase/migrations/, in
    order, in its own transaction; nothing else. Returns the server's notices."""
    notices: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.add_notice_handler(lambda d: notices.append(d.message_primary or ""))
        for path in migration_files():
            with conn.transaction():
                conn.execute(path.read_text())
    return notices


class Migrated:
    def __init__(self, url: str, first: MigrateReport, second: MigrateReport,
                 after_first: dict[str, list[tuple]], after_second: dict[str, list[tuple]]
                 ) -> None:
        self.url, self.first, self.second = url, first, second
        self.after_first, self.after_second = after_first, after_second


def _snapshot(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as conn:
        return policy_index.snapshot(conn)


@pytest.fixture(scope="module")
def migrated(server_url: str) -> Iterator[Migrated]:
    url = _fresh(server_url, "khadum_sec_migrate")
    try:
        first = migrate(url)
        after_first = _snapshot(url)
        second = migrate(url)
        yield Migrated(url, first, second, after_first, _snapshot(url))
    finally:
        _drop(server_url, "khadum_sec_migrate")


@pytest.fixture(scope="module")
def pushed(server_url: str) -> Iterator[tuple[str, list[str]]]:
    url = _fresh(server_url, "khadum_sec_push")
    try:
        # The platform alone, then the migration files alone, as the migrator.
        notices = apply_migrations_alone(lay_down_platform(url))
        yield url, notices
    finally:
        _drop(server_url, "khadum_sec_push")


@pytest.fixture(scope="module")
def snap(migrated: Migrated) -> dict[str, list[tuple]]:
    """The security state `khadum db migrate` leaves on a fresh database."""
    return migrated.after_first


def readme_callable_functions() -> set[str]:
    """The allow-list as the README states it (between its markers)."""
    text = README.read_text()
    block = text.split("<!-- callable-functions:start -->")[1].split(
        "<!-- callable-functions:end -->")[0]
    return set(re.findall(r"^\| `public\.(\w+\([^`]*\))` \|", block, re.M))


# -- `khadum db migrate` --------------------------------------------------------


def test_migrate_applies_everything_then_a_second_run_is_a_no_op(migrated: Migrated) -> None:
    assert migrated.first.migrations_applied == [p.name for p in migration_files()]
    assert migrated.second.migrations_applied == []
    assert not migrated.second.changed
    # The objects' security is untouched by the second run. (Default privileges
    # are left out: they belong to the platform, which a local run lays down again.)
    for facet in ("tables", "table_grants", "column_grants", "policies", "functions"):
        assert migrated.after_second[facet] == migrated.after_first[facet], facet


def test_every_public_table_has_rls_on(snap: dict[str, list[tuple]]) -> None:
    tables = [(t, rls) for s, t, kind, rls, _ in snap["tables"] if kind in ("r", "p")]
    assert len(tables) >= 18
    assert [t for t, rls in tables if not rls] == []


def test_anon_holds_no_privilege_on_any_public_table_sequence_or_column(
    snap: dict[str, list[tuple]],
) -> None:
    assert [r for r in snap["table_grants"] if r[3] in ("anon", "public")] == []
    assert [r for r in snap["column_grants"] if r[3] in ("anon", "public")] == []
    # The rule that makes it hold for tables the project adds later.
    assert [r for r in snap["default_privileges"] if r[2] in ("anon", "authenticated")] == []


def test_no_public_function_is_executable_by_public_or_anon(
    snap: dict[str, list[tuple]],
) -> None:
    assert len(snap["functions"]) >= 55
    open_ = [f"{name}({args})" for name, args, _d, _c, grantees, _ in snap["functions"]
             if "public" in grantees or "anon" in grantees]
    assert open_ == []


def test_every_security_definer_function_pins_its_search_path(
    snap: dict[str, list[tuple]],
) -> None:
    loose = [name for name, _a, definer, config, _g, _c in snap["functions"]
             if definer and not any(c.startswith("search_path=") for c in config)]
    assert loose == []


def test_signed_in_users_may_call_exactly_the_readme_list(snap: dict[str, list[tuple]]) -> None:
    callable_ = policy_index.callable_functions(snap, "authenticated")
    listed = readme_callable_functions()
    assert len(listed) >= 15, "the README lists the functions signed-in users may call"
    assert set(callable_) == listed
    untagged = [f for f, comment in callable_.items()
                if not comment.startswith(policy_index.CALLABLE_TAG)]
    assert untagged == [], "each callable function says why in its comment"
    definers = {f"{n}({a})" for n, a, definer, *_ in snap["functions"] if definer}
    # The security-definer ones are the sensitive part of the list.
    assert {"chat_by_token(p_token text)", "expire_requests(p_now timestamp with time zone)",
            "submit_client_request(p_phone_index text, p_phone_sealed text, "
            "p_phone_display text, p_name text, p_email_sealed text, p_email_display text, "
            "p_freelancer_id uuid, p_description_sealed text, p_title text, p_category text, "
            "p_budget_range text, p_details_sealed text, p_reason_sealed text, p_language text)",
            "log_activity(p_actor_type text, p_actor_id text, p_action text, "
            "p_subject_type text, p_subject_id text, p_details jsonb)"} <= definers - listed


def test_the_realtime_policies_exist(snap: dict[str, list[tuple]]) -> None:
    realtime = {(r[2], r[5], tuple(r[4])) for r in snap["policies"] if r[:2] == ("realtime",
                                                                                  "messages")}
    assert realtime == {
        ("owners receive on their topics", "SELECT", ("authenticated",)),
        ("chat parties send on their chat topic", "INSERT", ("authenticated",)),
        # Restrictive: browsers send `typing` only (issue 15, H3).
        ("browsers broadcast typing only", "INSERT", ("authenticated",)),
        ("staff receive on the staff topic", "SELECT", ("authenticated",)),
    }


def test_the_jobs_are_in_pg_cron_wherever_pg_cron_can_run(
    server_url: str, database_url: str
) -> None:
    # The suite's own database: a server prepared as Supabase's preloads pg_cron for it.
    dbname = psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
    with psycopg.connect(server_url) as admin:  # the settings are the superuser's to read
        home = admin.execute("select current_setting('cron.database_name', true)").fetchone()[0]
    with psycopg.connect(database_url) as conn:
        installed = conn.execute(
            "select 1 from pg_extension where extname = 'pg_cron'").fetchone()
        available = conn.execute(
            "select 1 from pg_available_extensions where name = 'pg_cron'").fetchone()
        if installed:
            jobs = dict(conn.execute(
                "select jobname, command from cron.job where jobname like 'khadum-%%'"
            ).fetchall())
            assert jobs == CRON_JOBS
            schema = conn.execute(
                "select n.nspname from pg_extension e join pg_namespace n "
                "on n.oid = e.extnamespace where e.extname = 'pg_cron'").fetchone()
            assert schema == ("pg_catalog",)
        else:
            # Absent, or not loaded for this database: never installed half-way.
            assert not available or home != dbname


# -- `supabase db push`: the migrations alone -----------------------------------


def test_the_migrations_alone_give_the_same_security_state(
    snap: dict[str, list[tuple]], pushed: tuple[str, list[str]]
) -> None:
    with psycopg.connect(pushed[0]) as conn:
        alone = policy_index.snapshot(conn)
    for facet in snap:
        assert alone[facet] == snap[facet], f"{facet} differs from `khadum db migrate`"


def test_the_migrations_alone_say_why_a_job_is_not_scheduled(
    pushed: tuple[str, list[str]],
) -> None:
    url, notices = pushed
    with psycopg.connect(url) as conn:
        if conn.execute("select 1 from pg_extension where extname = 'pg_cron'").fetchone():
            return
    assert any("not scheduled" in n for n in notices), notices


SUPABASE_CLI = os.environ.get("KHADUM_SUPABASE_CLI") or shutil.which("supabase")


def _as_url(conninfo: str) -> str:
    parts = psycopg.conninfo.conninfo_to_dict(conninfo)
    auth = quote(str(parts.get("user", "postgres")))
    if parts.get("password"):
        auth += ":" + quote(str(parts["password"]))
    return (f"postgresql://{auth}@{parts.get('host', '127.0.0.1')}:{parts.get('port', 5432)}"
            f"/{parts['dbname']}")


@pytest.mark.skipif(not SUPABASE_CLI, reason="the Supabase CLI is not installed "
                    "(npm i -g supabase, or KHADUM_SUPABASE_CLI=path)")
def test_the_supabase_cli_db_push_gives_the_same_security_state(
    server_url: str, snap: dict[str, list[tuple]]
) -> None:
    url = _fresh(server_url, "khadum_sec_cli")
    try:
        migrator = lay_down_platform(url)
        pushed = subprocess.run(
            [str(SUPABASE_CLI), "db", "push", "--db-url", _as_url(migrator), "--yes"],
            cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300,
            stdin=subprocess.DEVNULL, check=False)
        assert pushed.returncode == 0, pushed.stderr + pushed.stdout
        with psycopg.connect(url) as conn:
            alone = policy_index.snapshot(conn)
        for facet in snap:
            assert alone[facet] == snap[facet], f"{facet} differs from `khadum db migrate`"
        # They agree on what is applied: `khadum db migrate` has nothing left to do.
        assert migrate(url).migrations_applied == []
    finally:
        _drop(server_url, "khadum_sec_cli")


# -- supabase/policies/: a generated index --------------------------------------


def test_the_policy_index_is_what_the_migrations_make(migrated: Migrated) -> None:
    with psycopg.connect(migrated.url) as conn:
        generated = policy_index.render(conn)
    checked_in = policy_index.read()
    assert set(checked_in) == set(generated), "run `khadum db policies` and commit the result"
    stale = [name for name in generated if checked_in[name] != generated[name]]
    assert stale == [], f"stale index files (run `khadum db policies`): {stale}"


def test_every_index_file_says_it_is_generated_and_never_applied() -> None:
    # (That nothing but the migrations shapes the database is proven above:
    # the migrations alone give the same state as `khadum db migrate`.)
    files = policy_index.policy_files()
    assert len(files) >= 18
    assert [p.name for p in files if not p.read_text().startswith(policy_index.HEADER)] == []


def test_no_migration_alters_a_platform_table() -> None:
    pattern = re.compile(r"alter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?"
                         r"(auth|realtime|storage)\.", re.I)
    offenders = [p.name for p in migration_files() if pattern.search(p.read_text())]
    assert offenders == []


# -- storage: the chat-files bucket ----------------------------------------------

STORAGE_STANDIN = """
create schema storage;
create table storage.buckets (id text primary key, name text not null, owner uuid,
  public boolean default false, file_size_limit bigint, allowed_mime_types text[]);
create table storage.objects (id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id), name text, owner uuid);
alter table storage.objects enable row level security;
"""


@pytest.fixture(scope="module")
def with_storage(server_url: str, migrated: Migrated) -> Iterator[str]:
    """The migrated database if its platform has Storage; else one laid down
    with the storage tables Supabase has, then migrated."""
    with psycopg.connect(migrated.url) as conn:
        if conn.execute("select to_regclass('storage.buckets')").fetchone()[0]:
            yield migrated.url
            return
    url = _fresh(server_url, "khadum_sec_storage")
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(STORAGE_STANDIN)
        migrate(url)
        yield url
    finally:
        _drop(server_url, "khadum_sec_storage")


def test_the_chat_files_bucket_is_private_and_server_only(with_storage: str) -> None:
    from khadum.chat import files, storage

    with psycopg.connect(with_storage) as conn:
        bucket: Any = conn.execute(
            "select public, file_size_limit, allowed_mime_types from storage.buckets "
            "where id = %s", (storage.BUCKET,)).fetchone()
        policies = conn.execute(
            "select roles::text[], cmd from pg_policies "
            "where schemaname = 'storage' and tablename = 'objects' "
            "and (qual like %s or with_check like %s)",
            ("%chat-files%", "%chat-files%")).fetchall()
    assert bucket is not None
    public, limit, mimes = bucket
    assert public is False
    assert limit == files.FILE_LIMIT
    assert {"image/jpeg", "image/png", "application/pdf", "text/plain"} <= set(mimes)
    assert policies == [(["service_role"], "ALL")]


def test_without_a_storage_schema_the_bucket_is_skipped_with_a_notice(
    migrated: Migrated, pushed: tuple[str, list[str]]
) -> None:
    with psycopg.connect(pushed[0]) as conn:
        if conn.execute("select to_regclass('storage.buckets')").fetchone()[0]:
            assert conn.execute("select 1 from storage.buckets where id = 'chat-files'"
                                ).fetchone()
            return
    assert any("chat-files bucket is not created" in n for n in pushed[1])
