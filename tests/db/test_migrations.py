"""Migrations are recorded and re-run as no-ops; the policies they carry are all
in the database; RLS is on for every table of every exposed schema."""

from __future__ import annotations

import re

import psycopg
import pytest

from khadum.dbtools.migrate import MigrationError, detect_platform, migrate, migration_files
from khadum.dbtools.policy_index import policy_files
from khadum.devstack import platform

EXPOSED_SCHEMAS = ("public",)


def test_a_second_run_changes_nothing(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        before = conn.execute(
            "select count(*), max(version) from supabase_migrations.schema_migrations"
        ).fetchone()
    report = migrate(database_url)
    assert report.migrations_applied == []
    assert not report.changed
    assert before == (len(migration_files()), migration_files()[-1].name.split("_")[0])


def test_every_migration_is_recorded_once(conn: psycopg.Connection) -> None:
    versions = [
        r[0]
        for r in conn.execute(
            "select version from supabase_migrations.schema_migrations order by version"
        )
    ]
    assert versions == [p.name.split("_")[0] for p in migration_files()]


def test_every_policy_in_the_files_exists_in_the_database(conn: psycopg.Connection) -> None:
    declared = set()
    for path in policy_files():
        for name, table in re.findall(r'create policy "([^"]+)" on ([\w.]+)', path.read_text()):
            declared.add((table.split(".")[-1], name))
    assert len(declared) >= 12
    present = set(conn.execute("select tablename, policyname from pg_policies").fetchall())
    assert declared <= present, f"policies not applied: {declared - present}"


@pytest.mark.parametrize("schema", [*EXPOSED_SCHEMAS, "realtime"])
def test_rls_is_on_for_every_table(conn: psycopg.Connection, schema: str) -> None:
    rows = conn.execute(
        """
        select c.relname, c.relrowsecurity from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = %s and c.relkind in ('r', 'p')
        """,
        (schema,),
    ).fetchall()
    assert rows, f"no tables in {schema}"
    assert [name for name, rls in rows if not rls] == []


def test_api_roles_hold_no_privilege_without_a_policy_file_granting_it(
    conn: psycopg.Connection,
) -> None:
    rows = conn.execute(
        """
        select table_name, grantee, privilege_type from information_schema.role_table_grants
        where table_schema = 'public' and grantee in ('anon', 'authenticated')
        """
    ).fetchall()
    assert not [r for r in rows if r[1] == "anon"], "anon must hold no table privilege"
    granted_tables = {r[0] for r in rows}
    declared = set()
    for path in policy_files():
        declared |= set(re.findall(r"grant [^;]*? on public\.(\w+) to authenticated",
                                   path.read_text()))
    assert granted_tables, "the policy files grant signed-in users some tables"
    assert granted_tables <= declared, f"granted without a policy file: {granted_tables - declared}"


def test_platform_detection(server_url: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute("drop database if exists khadum_detect with (force)")
        admin.execute("create database khadum_detect")
    url = psycopg.conninfo.make_conninfo(server_url, dbname="khadum_detect")
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            assert detect_platform(conn) == "plain"
            conn.execute("create schema auth")  # as on Supabase: exists, not ours
            assert detect_platform(conn) == "supabase"
            conn.execute("comment on schema auth is 'khadum local platform shim'")
            assert detect_platform(conn) == "legacy"
            conn.execute("create schema khadum_platform")
            assert detect_platform(conn) == "khadum"
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute("drop database khadum_detect with (force)")


def test_a_database_of_an_older_khadum_is_refused_with_advice(server_url: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute("drop database if exists khadum_legacy with (force)")
        admin.execute("create database khadum_legacy")
    url = psycopg.conninfo.make_conninfo(server_url, dbname="khadum_legacy")
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("create schema auth")
            conn.execute("comment on schema auth is 'khadum local platform shim'")
        with pytest.raises(MigrationError, match="khadum db reset"):
            migrate(url)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute("drop database khadum_legacy with (force)")


def test_on_a_supabase_database_the_platform_is_not_applied(server_url: str) -> None:
    """A database whose auth/realtime schemas are the platform's own (stood in
    for here by ours with its marker removed) gets the migrations only, run as
    the URL's role."""
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute("drop database if exists khadum_supa with (force)")
    url = platform.create_database(server_url, "khadum_supa")
    try:
        with psycopg.connect(platform.admin_url(url), autocommit=True) as conn:
            conn.execute("drop schema khadum_platform cascade")
        messages: list[str] = []
        report = migrate(url, messages.append)
        assert report.platform == "supabase"
        assert not report.platform_applied
        assert len(report.migrations_applied) == len(migration_files())
        assert any("Supabase database detected" in m for m in messages)
        with psycopg.connect(url) as conn:
            assert conn.execute("select current_user").fetchone() == ("postgres",)
            assert conn.execute(
                "select 1 from pg_namespace where nspname = 'khadum_platform'"
            ).fetchone() is None
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute("drop database khadum_supa with (force)")
