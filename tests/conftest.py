"""Shared fixtures: one real PostgreSQL per test run (the embedded one, or the
server behind DATABASE_URL), a fresh `khadum_test` database shaped like a
Supabase project: created by the superuser `supabase_admin`, the local platform
applied, migrated and seeded as `postgres` — the non-superuser role every test
(like every production function) connects as.

DATABASE_URL, when set, is a plain PostgreSQL server whose superuser is
`supabase_admin` and which trusts loopback connections (khadum/devstack/pgserver.py
starts one); any user name in it is replaced by the role each step needs."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from khadum.auth import register_jwks_transport
from khadum.dbtools.migrate import migrate
from khadum.devstack import platform
from khadum.devstack.gotrue import jwks_app
from khadum.seed.load import seed
from khadum.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["tests.preflight"]
ARTIFACTS = ROOT / "test-artifacts"
TEST_DB = "khadum_test"

# Tables whose rows tests create; emptied after tests that commit.
DYNAMIC_TABLES = (
    "push_outbox",
    "push_subscriptions",
    "request_alerts",
    "request_opens",
    "chat_events",
    "chat_messages",
    "chat_ratings",
    "chat_token_failures",
    "chat_link_failure_windows",
    "webhook_dead_letters",
    "private_chats",
    "notifications",
    "request_events",
    "whatsapp_outbox",
    "email_events",
    "email_outbox",
    "client_requests",
    "whatsapp_inbound",
    "whatsapp_status_events",
    "bot_conversations",
    "activity_log",
)

warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

# Functions fetch the project's JWKS from {SUPABASE_URL}/auth/v1/.well-known/jwks.json.
# No server listens at the default local URL during tests: serve the Auth stand-in's
# JWKS there in-process (servers started by tests serve their own over real HTTP).
register_jwks_transport(get_settings().supabase_url,
                        httpx.ASGITransport(app=jwks_app(get_settings())))


def _with_database(url: str, name: str) -> str:
    return psycopg.conninfo.make_conninfo(url, dbname=name)


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """The superuser's (supabase_admin's) maintenance URL on the server the tests
    use: for creating databases and for test cleanup only."""
    external = os.environ.get("DATABASE_URL")
    if external:
        yield platform.admin_url(_with_database(external, "postgres"))
        return
    from khadum.devstack.embedded import EmbeddedPostgres

    db = EmbeddedPostgres(ROOT / ".khadum" / "test")
    if db.is_legacy():
        db.destroy()  # test data only: rebuilt in the current layout
    db.start()
    try:
        yield db.admin_url("postgres")
    finally:
        db.stop()


@pytest.fixture(scope="session")
def database_url(server_url: str) -> str:
    """The test database, connected as `postgres` (not a superuser)."""
    url = platform.create_database(server_url, TEST_DB, drop=True)
    migrate(url)
    seed(url)
    return url


@pytest.fixture(scope="session")
def admin_database_url(database_url: str) -> str:
    """The test database as the superuser: test cleanup only, never the code under test."""
    return platform.admin_url(database_url)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    """A connection whose work is rolled back at the end of the test."""
    with psycopg.connect(database_url) as connection:
        yield connection
        connection.rollback()


# Every table that `truncate <DYNAMIC_TABLES> cascade` empties: the named tables and,
# transitively, every table whose foreign keys reference one of them.
_CASCADE_CLOSURE = """
with recursive closure(oid) as (
  select c.oid from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public' and c.relname = any(%s)
  union
  select k.conrelid from pg_catalog.pg_constraint k join closure on k.confrelid = closure.oid
  where k.contype = 'f'
)
select distinct oid::regclass::text from closure
"""

# What `seed()` reads and writes: the freelancers' rows, and the Auth users (ids,
# emails, the token columns it repairs, their email identities). Equal fingerprints
# mean the state seed() left, on which seed() changes nothing.
_SEED_FINGERPRINT = """
select md5(coalesce((select string_agg(f::text, '|' order by f.id)
                     from public.freelancers f), ''))
    || md5(coalesce((select string_agg(concat_ws(',', u.id, lower(u.email),
              u.confirmation_token is null, u.recovery_token is null,
              u.email_change_token_new is null, u.email_change is null,
              exists (select 1 from auth.identities i where i.user_id = u.id)),
            '|' order by u.id) from auth.users u), ''))
"""

_cascade: dict[str, list[str]] = {}
_seeded: dict[str, str] = {}


def _empty_dynamic_tables(connection: psycopg.Connection, database_url: str) -> None:
    """`truncate <DYNAMIC_TABLES> cascade`, only on the tables of its cascade that hold
    rows: truncating an empty table costs new files and changes nothing."""
    if database_url not in _cascade:
        _cascade[database_url] = [
            row[0] for row in connection.execute(_CASCADE_CLOSURE, (list(DYNAMIC_TABLES),))
        ]
    tables = _cascade[database_url]
    probe = " union all ".join(
        f"select {i} where exists (select 1 from {table})" for i, table in enumerate(tables)
    )
    filled = [tables[row[0]] for row in connection.execute(probe)]
    if filled:
        connection.execute("truncate " + ", ".join(filled) + " cascade")


@pytest.fixture
def clean_db(database_url: str, admin_database_url: str) -> Iterator[str]:
    """For tests that commit: empties the dynamic tables afterwards."""
    yield database_url
    # A page still open may be writing as we empty the tables: retry on deadlock.
    for attempt in range(5):
        try:
            with psycopg.connect(database_url, autocommit=True) as connection:
                _empty_dynamic_tables(connection, database_url)
            # Supabase grants no DELETE on realtime.messages: the superuser cleans up.
            with psycopg.connect(admin_database_url, autocommit=True) as connection:
                connection.execute("delete from realtime.messages")
            break
        except psycopg.errors.DeadlockDetected:
            if attempt == 4:
                raise
    # Ratings and counts that tests changed go back to the demo values. seed() runs each
    # freelancer's insert triggers even when nothing changed (~0.4 s): skip it when the
    # rows are still as the last seed() left them.
    with psycopg.connect(database_url, autocommit=True) as connection:
        before = connection.execute(_SEED_FINGERPRINT).fetchone()
        if before is None or _seeded.get(database_url) != before[0]:
            seed(database_url)
            after = connection.execute(_SEED_FINGERPRINT).fetchone()
            _seeded[database_url] = after[0] if after else ""


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
