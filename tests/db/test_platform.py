"""The local platform behaves as Supabase's where it matters to the project:
migrations and functions run as `postgres`, which is not a superuser; what
Supabase owns (auth, realtime, storage) `postgres` cannot alter; new tables are
granted to no API role; realtime.send() runs as its caller.

Every test runs as `postgres` (the `conn` fixture) unless it says otherwise.
Upstream behaviours plain PostgreSQL cannot reproduce are named in the
`test_gap_*` tests, each asserting the approximation we document."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from khadum.dbtools import migrate as migrate_module
from khadum.devstack import platform
from khadum.devstack.realtime_authz import read_policies, write_policies
from khadum.seed.load import freelancer_id
from tests.factories import MOHAMMED, chat_client_claims, freelancer_claims, make_chat, make_request

# GoTrue's auth.users, column by column (supabase/auth migrations, 2026).
GOTRUE_USER_COLUMNS = [
    "instance_id", "id", "aud", "role", "email", "encrypted_password", "email_confirmed_at",
    "invited_at", "confirmation_token", "confirmation_sent_at", "recovery_token",
    "recovery_sent_at", "email_change_token_new", "email_change", "email_change_sent_at",
    "last_sign_in_at", "raw_app_meta_data", "raw_user_meta_data", "is_super_admin",
    "created_at", "updated_at", "phone", "phone_confirmed_at", "phone_change",
    "phone_change_token", "phone_change_sent_at", "confirmed_at", "email_change_token_current",
    "email_change_confirm_status", "banned_until", "reauthentication_token",
    "reauthentication_sent_at", "is_sso_user", "deleted_at", "is_anonymous",
]


def warnings_of(conn: psycopg.Connection) -> list[str]:
    seen: list[str] = []
    conn.add_notice_handler(lambda d: seen.append(f"{d.severity}: {d.message_primary}"))
    return seen


def refused(conn: psycopg.Connection, sql: str) -> str:
    """Run `sql` in a savepoint; it must fail for lack of privilege. Returns the message."""
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught, conn.transaction():
        conn.execute(sql)
    return str(caught.value.diag.message_primary)


# -- who we are ------------------------------------------------------------------
def test_tests_and_functions_connect_as_postgres_which_is_not_a_superuser(
    conn: psycopg.Connection,
) -> None:
    row = conn.execute(
        "select current_user, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, "
        "rolreplication, rolcanlogin from pg_roles where rolname = current_user"
    ).fetchone()
    assert row == ("postgres", False, True, True, True, True, True)


def test_roles_have_supabases_attributes(conn: psycopg.Connection) -> None:
    roles = {
        r[0]: r[1:]
        for r in conn.execute(
            "select rolname, rolsuper, rolinherit, rolcanlogin, rolbypassrls from pg_roles "
            "where rolname in ('supabase_admin', 'anon', 'authenticated', 'service_role', "
            "'authenticator', 'supabase_auth_admin', 'supabase_storage_admin', "
            "'supabase_realtime_admin', 'dashboard_user', 'pgbouncer')"
        )
    }
    assert roles == {
        "supabase_admin": (True, True, True, True),
        "anon": (False, True, False, False),
        "authenticated": (False, True, False, False),
        "service_role": (False, True, False, True),
        "authenticator": (False, False, True, False),
        "supabase_auth_admin": (False, False, True, False),
        "supabase_storage_admin": (False, False, True, False),
        "supabase_realtime_admin": (False, False, False, False),
        "dashboard_user": (False, True, False, False),
        "pgbouncer": (False, True, True, False),
    }


def test_memberships(conn: psycopg.Connection) -> None:
    def member(role: str, of: str) -> bool:
        row = conn.execute("select pg_has_role(%s, %s, 'member')", (role, of)).fetchone()
        return bool(row and row[0])

    for api_role in ("anon", "authenticated", "service_role"):
        assert member("authenticator", api_role)
        assert member("postgres", api_role)
    assert not member("authenticator", "supabase_admin")
    assert not member("postgres", "supabase_auth_admin")
    assert not member("postgres", "supabase_admin")


# -- what Supabase owns ------------------------------------------------------------
def test_platform_objects_are_owned_by_their_admin_roles(conn: psycopg.Connection) -> None:
    owners = dict(
        conn.execute(
            "select c.oid::regclass::text, pg_get_userbyid(c.relowner) from pg_class c "
            "where c.oid = any(array['auth.users', 'auth.identities', 'auth.sessions', "
            "'auth.refresh_tokens', 'realtime.messages', 'storage.buckets', "
            "'storage.objects']::regclass[])"
        ).fetchall()
    )
    assert owners == {
        "auth.users": "supabase_auth_admin",
        "auth.identities": "supabase_auth_admin",
        "auth.sessions": "supabase_auth_admin",
        "auth.refresh_tokens": "supabase_auth_admin",
        "realtime.messages": "supabase_realtime_admin",
        "storage.buckets": "supabase_storage_admin",
        "storage.objects": "supabase_storage_admin",
    }
    functions = dict(
        conn.execute(
            "select p.oid::regprocedure::text, pg_get_userbyid(p.proowner) from pg_proc p "
            "where p.oid = any(array['auth.uid()', 'auth.jwt()', 'realtime.topic()', "
            "'realtime.send(jsonb,text,text,boolean)']::regprocedure[])"
        ).fetchall()
    )
    assert functions == {
        "auth.uid()": "supabase_auth_admin",
        "auth.jwt()": "supabase_auth_admin",
        "realtime.topic()": "supabase_realtime_admin",
        "realtime.send(jsonb,text,text,boolean)": "supabase_realtime_admin",
    }


def test_postgres_cannot_alter_realtime_messages(conn: psycopg.Connection) -> None:
    message = refused(conn, "alter table realtime.messages enable row level security")
    assert message == "must be owner of table messages"
    assert refused(conn, "alter table realtime.messages add column x int") == (
        "must be owner of table messages"
    )
    assert "must be owner" in refused(conn, "drop table realtime.messages")


def test_postgres_may_add_policies_on_realtime_messages(conn: psycopg.Connection) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute(
            "create policy khadum_probe on realtime.messages for select to authenticated "
            "using (false)"
        )
        conn.execute("drop policy khadum_probe on realtime.messages")


def test_postgres_cannot_create_in_platform_schemas(conn: psycopg.Connection) -> None:
    assert refused(conn, "create table auth.khadum_probe (id int)") == (
        "permission denied for schema auth"
    )
    assert refused(conn, "create table realtime.khadum_probe (id int)") == (
        "permission denied for schema realtime"
    )
    assert refused(conn, "create table storage.khadum_probe (id int)") == (
        "permission denied for schema storage"
    )
    assert refused(conn, "create function auth.khadum_probe() returns int language sql "
                         "as 'select 1'") == "permission denied for schema auth"
    row = conn.execute("select has_schema_privilege('postgres', 'auth', 'CREATE')").fetchone()
    assert row == (False,)


def test_postgres_may_read_and_write_auth_rows_and_add_triggers(
    conn: psycopg.Connection,
) -> None:
    with conn.transaction(force_rollback=True):
        user_id = uuid.uuid4()
        conn.execute(
            "insert into auth.users (id, email, aud, role) "
            "values (%s, 'probe@example.com', 'authenticated', 'authenticated')",
            (user_id,),
        )
        conn.execute("create function public.khadum_probe() returns trigger language plpgsql "
                     "as 'begin return new; end'")
        conn.execute("create trigger khadum_probe after insert on auth.users "
                     "for each row execute function public.khadum_probe()")
        assert conn.execute("select count(*) from auth.users where id = %s",
                            (user_id,)).fetchone() == (1,)


def test_postgres_cannot_delete_realtime_messages(conn: psycopg.Connection) -> None:
    assert refused(conn, "delete from realtime.messages where false") == (
        "permission denied for table messages"
    )


def test_a_new_public_table_is_granted_to_no_api_role(conn: psycopg.Connection) -> None:
    with conn.transaction(force_rollback=True):
        conn.execute("create table public.khadum_probe (id bigint generated always as identity)")
        grants = conn.execute(
            "select grantee, privilege_type from information_schema.role_table_grants "
            "where table_schema = 'public' and table_name = 'khadum_probe' "
            "and grantee in ('anon', 'authenticated', 'service_role')"
        ).fetchall()
        assert grants == []
        for role in ("anon", "authenticated", "service_role"):
            row = conn.execute(
                "select has_table_privilege(%s, 'public.khadum_probe', 'SELECT'), "
                "has_sequence_privilege(%s, 'public.khadum_probe_id_seq', 'USAGE')",
                (role, role),
            ).fetchone()
            assert row == (False, False), role


# -- auth, storage shapes --------------------------------------------------------------
def test_auth_users_has_gotrues_columns(conn: psycopg.Connection) -> None:
    columns = [
        r[0]
        for r in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'auth' and table_name = 'users' order by ordinal_position"
        )
    ]
    assert columns == GOTRUE_USER_COLUMNS
    assert len(columns) == 35
    tables = {
        r[0]
        for r in conn.execute("select tablename from pg_tables where schemaname = 'auth'")
    }
    assert {"users", "identities", "sessions", "refresh_tokens"} <= tables


def test_auth_claim_helpers(conn: psycopg.Connection) -> None:
    sub = uuid.uuid4()
    conn.execute(
        "select set_config('request.jwt.claims', %s, true)",
        (f'{{"sub": "{sub}", "role": "authenticated", "email": "a@b.c"}}',),
    )
    row = conn.execute("select auth.uid(), auth.role(), auth.email(), auth.jwt() ->> 'sub'")
    assert row.fetchone() == (sub, "authenticated", "a@b.c", str(sub))


def test_storage_path_helpers(conn: psycopg.Connection) -> None:
    row = conn.execute(
        "select storage.foldername('chat/abc/file.pdf'), storage.filename('chat/abc/file.pdf'), "
        "storage.extension('chat/abc/file.pdf')"
    ).fetchone()
    assert row == (["chat", "abc"], "file.pdf", "pdf")


# -- realtime ------------------------------------------------------------------------
def test_realtime_messages_is_partitioned_by_day(conn: psycopg.Connection) -> None:
    row = conn.execute(
        "select pg_get_partkeydef('realtime.messages'::regclass)"
    ).fetchone()
    assert row == ("RANGE (inserted_at)",)
    days = [
        r[0]
        for r in conn.execute(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid "
            "where i.inhparent = 'realtime.messages'::regclass order by 1"
        )
    ]
    expected = [
        r[0]
        for r in conn.execute(
            "select 'messages_' || to_char(d, 'YYYY_MM_DD') from generate_series("
            "(now() at time zone 'utc')::date, (now() at time zone 'utc')::date + 3, "
            "interval '1 day') d"
        )
    ]
    assert set(expected) <= set(days)
    # Idempotent: nothing to create a second time the same day.
    assert platform.ensure_message_partitions(conn) == 0


def test_postgres_creates_the_coming_days_partitions_as_realtime_does(
    admin_database_url: str,
) -> None:
    with psycopg.connect(admin_database_url) as admin:
        last = admin.execute(
            "select 'messages_' || to_char((now() at time zone 'utc')::date + 3, 'YYYY_MM_DD')"
        ).fetchone()
        assert last is not None
        admin.execute(f"drop table realtime.{last[0]}")
        admin.execute("set local role postgres")
        assert platform.ensure_message_partitions(admin) == 1
        owner = admin.execute(
            "select pg_get_userbyid(relowner), relrowsecurity from pg_class "
            "where oid = to_regclass(%s)",
            (f"realtime.{last[0]}",),
        ).fetchone()
        assert owner == ("supabase_realtime_admin", True)
        admin.rollback()


def test_send_runs_as_its_caller_so_insert_policies_apply(
    conn: psycopg.Connection,
) -> None:
    chat = make_chat(conn, make_request(conn, MOHAMMED))
    seen = warnings_of(conn)

    def send_as(claims: dict[str, object], topic: str) -> int:
        with conn.transaction():
            conn.execute("select set_config('role', 'authenticated', true)")
            conn.execute("select set_config('request.jwt.claims', %s, true)",
                         (json.dumps(claims),))
            conn.execute("select realtime.send('{\"x\": 1}'::jsonb, 'probe', %s, true)", (topic,))
            conn.execute("reset role")
        row = conn.execute(
            "select count(*) from realtime.messages where topic = %s and event = 'probe'",
            (topic,),
        ).fetchone()
        return int(row[0]) if row else 0

    # No INSERT policy lets a freelancer send on their own topic: warned, lost.
    own = f"freelancer:{freelancer_id(MOHAMMED)}"
    assert send_as(freelancer_claims(MOHAMMED), own) == 0
    assert any(w.startswith("WARNING: WarnSendingBroadcastMessage") and "row-level security" in w
               for w in seen)
    # The chat parties' INSERT policy lets the chat's client send on its topic.
    assert send_as(chat_client_claims(chat), f"chat:{chat}") == 1


def test_send_sets_the_topic_and_adds_an_id(conn: psycopg.Connection) -> None:
    conn.execute("select realtime.send('{\"a\": 1}'::jsonb, 'probe', 'probe:topic', false)")
    assert conn.execute("select current_setting('realtime.topic', true)").fetchone() == (
        "probe:topic",
    )
    row = conn.execute(
        "select id, payload from realtime.messages where topic = 'probe:topic'"
    ).fetchone()
    assert row is not None
    message_id, payload = row
    assert payload == {"a": 1, "id": str(message_id)}
    conn.execute("select realtime.send('{\"id\": \"mine\"}'::jsonb, 'probe', 'probe:two', false)")
    kept = conn.execute("select payload from realtime.messages where topic = 'probe:two'")
    assert kept.fetchone() == ({"id": "mine"},)


def test_a_send_with_no_partition_for_today_warns_and_is_lost(admin_database_url: str) -> None:
    """As upstream: the broadcast is lost with a warning; the caller's transaction goes on."""
    with psycopg.connect(admin_database_url) as admin:
        seen = warnings_of(admin)
        today = admin.execute(
            "select 'messages_' || to_char((now() at time zone 'utc')::date, 'YYYY_MM_DD')"
        ).fetchone()
        assert today is not None
        admin.execute(f"drop table realtime.{today[0]}")
        admin.execute("set local role postgres")
        admin.execute("select realtime.send('{}'::jsonb, 'probe', 'probe:lost', false)")
        assert admin.execute(
            "select count(*) from realtime.messages where topic = 'probe:lost'"
        ).fetchone() == (0,)
        assert any("WarnSendingBroadcastMessage: no partition of relation" in w for w in seen)
        admin.rollback()


def test_join_probes_set_what_upstream_sets(conn: psycopg.Connection) -> None:
    """Policies may read role, realtime.topic, request.jwt.claims,
    request.jwt.claim.sub / .role and request.headers during the probes, which
    cover presence as well as broadcast, with event and payload NULL."""
    claims = freelancer_claims(MOHAMMED)
    conn.execute(
        """
        create policy khadum_probe_read on realtime.messages for select to authenticated
        using (realtime.topic() = 'probe:config'
          and current_setting('request.jwt.claim.sub', true) = (auth.jwt() ->> 'sub')
          and current_setting('request.jwt.claim.role', true) = 'authenticated'
          and current_user = 'authenticated'
          and (current_setting('request.headers', true)::jsonb ->> 'x-probe') = 'yes'
          and event is null and payload is null)
        """
    )
    conn.execute(
        """
        create policy khadum_probe_write on realtime.messages for insert to authenticated
        with check (realtime.topic() = 'probe:config' and extension = 'presence'
          and event is null and payload is null)
        """
    )
    read = read_policies(conn, claims, "probe:config", {"x-probe": "yes"})
    assert (read.broadcast_read, read.presence_read) == (True, True)
    assert read_policies(conn, claims, "probe:config", {}).broadcast_read is False
    write = write_policies(conn, claims, "probe:config")
    assert (write.broadcast_write, write.presence_write) == (False, True)


# -- migrations: errors ------------------------------------------------------------------
@pytest.fixture
def scratch_url(server_url: str) -> Iterator[str]:
    url = platform.create_database(server_url, "khadum_platform_scratch", drop=True)
    try:
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute('drop database if exists "khadum_platform_scratch" with (force)')


def test_a_failing_migration_is_named_and_leaves_nothing_behind(
    scratch_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(migrate_module.MIGRATIONS_DIR, migrations)
    (migrations / "29991231000000_alters_supabases_table.sql").write_text(
        "create table public.half_done (id int);\n"
        "alter table realtime.messages enable row level security;\n"
    )
    monkeypatch.setattr(migrate_module, "MIGRATIONS_DIR", migrations)
    from khadum.cli import main

    code = main(["db", "migrate", "--database-url", scratch_url])
    err = capsys.readouterr().err
    assert code == 1
    assert "29991231000000_alters_supabases_table.sql failed and was rolled back" in err
    assert "must be owner of table messages" in err
    assert "Traceback" not in err
    with psycopg.connect(scratch_url) as conn:
        assert conn.execute("select to_regclass('public.half_done')").fetchone() == (None,)
        versions = [r[0] for r in conn.execute(
            "select version from supabase_migrations.schema_migrations")]
        assert "29991231000000" not in versions
        assert len(versions) == len(list(migrations.glob("*.sql"))) - 1


# -- upstream behaviours plain PostgreSQL cannot reproduce --------------------------------
def test_gap_supautils_reserved_roles(conn: psycopg.Connection) -> None:
    """Supabase: supautils.reserved_roles refuses `alter role anon …` by postgres.
    Here: PostgreSQL 16+ refuses it natively (CREATEROLE no longer reaches roles
    one has no ADMIN OPTION on); PostgreSQL 15 lets postgres alter them."""
    version = int(conn.execute("show server_version_num").fetchone()[0])  # type: ignore[index]
    if version >= 160000:
        refused(conn, "alter role anon set statement_timeout = '1s'")
    else:
        with conn.transaction(force_rollback=True):
            conn.execute("alter role anon set statement_timeout = '1s'")


def test_gap_supautils_policy_grants(conn: psycopg.Connection) -> None:
    """Supabase: supautils.policy_grants lets postgres create policies on
    realtime.messages and storage.objects without owning them. Here: postgres is
    a member of supabase_realtime_admin and supabase_storage_admin, and an event
    trigger (platform/50_guard.sql) refuses any other DDL there. So postgres can
    `set role supabase_realtime_admin` here, which Supabase does not allow, and
    the guard still refuses what it then tries."""
    with conn.transaction(force_rollback=True):
        conn.execute("set local role supabase_realtime_admin")
        assert refused(conn, "alter table realtime.messages enable row level security") == (
            "must be owner of table messages"
        )
    row = conn.execute(
        "select has_schema_privilege('postgres', 'realtime', 'CREATE')"
    ).fetchone()
    assert row == (True,)  # held through the membership; the guard refuses its use (above)


def test_gap_supautils_privileged_extensions(conn: psycopg.Connection) -> None:
    """Supabase: supautils.privileged_extensions lets postgres enable pg_cron,
    pgvector… Here: postgres cannot create an untrusted extension (dblink), so the
    platform enables ahead those the migrations use (vector; pg_cron where preloaded)."""
    assert "permission denied to create extension" in refused(
        conn, "create extension dblink with schema extensions"
    )
    available = conn.execute(
        "select exists (select 1 from pg_available_extensions where name = 'vector'), "
        "exists (select 1 from pg_extension where extname = 'vector')"
    ).fetchone()
    assert available is not None
    assert available[1] == available[0]
