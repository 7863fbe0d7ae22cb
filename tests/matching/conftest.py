"""Generated profiles for the matching tests, built once per test run.

`profiles(count, diverse=False)` gives a connection to a database that holds the
migrated, seeded schema and `count` profiles recombined from the demo ones by
bench.matching's generator (`diverse`: with words of two other profiles), committed
and analysed. Like `conn`, the connection's work is rolled back at the end of the
test, so every test reads the same profiles whatever ran before it.

Generating profiles is the matching tests' largest cost (the matching triggers run
for every row): each size is generated once per run instead of once per test. A
size is a database of its own, copied (CREATE DATABASE … TEMPLATE) from the largest
smaller size of the same kind already built, or from a migrated and seeded base,
and only the missing profiles are generated (profile `g` is the same whichever
statement generates it; SIZES lists the sizes read, built smallest first). The
databases are dropped at the end of the run.

The exhaustive scoring (`p_exhaustive`, every row scored: ~0.4 s a request at 2,000 profiles on a
loaded machine, against ~0.02 s for the fast reads) is the other large cost; several
tests compare their reads with the same exhaustive pages of the same profiles.
`exhaustive_page` computes each page once per run and profiles database, for a
transaction that has changed no row (the profiles are then exactly the committed
ones; the exhaustive scoring reads no `khadum.matching_read` and no statistics);
any other transaction computes its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import psycopg
import pytest

from bench.matching import GENERATE, GENERATE_DIVERSE
from khadum.dbtools.migrate import migrate
from khadum.devstack import platform
from khadum.seed.load import seed

Profiles = Callable[..., psycopg.Connection]

PREFIX = "khadum_test_profiles"
BASE = f"{PREFIX}_base"
# The demo profiles (generated ones end with their number), in a stable order.
DEMO = (
    "create temporary table demo as select row_number() over "
    "(order by f.created_at, f.id) as n, f.* from public.freelancers f "
    "where f.display_name !~ ' [0-9]+$'"
)
BATCH = 1_000  # rows per statement: the triggers' cost grows faster than a statement's rows

# The sizes the tests here read, per kind (diverse or not): asked for one, the
# smaller ones are built first, so each profile is generated once in a run.
SIZES = {False: (1000, 1500, 2000), True: (300, 600, 2500)}

Page = list[tuple[str, float]]
_exhaustive: dict[tuple[object, ...], Page] = {}


def _changed_nothing(conn: psycopg.Connection) -> bool:
    """`conn` reads a generated profiles database and its transaction has inserted,
    updated or deleted no row of any table."""
    if not conn.info.dbname.startswith(f"{PREFIX}_"):
        return False
    row = conn.execute("select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                       " from pg_catalog.pg_stat_xact_user_tables").fetchone()
    return row is not None and row[0] == 0


def exhaustive_page(conn: psycopg.Connection, args: Sequence[object],
                    compute: Callable[[], Page]) -> Page:
    """The exhaustive scoring's page for `args` (match_freelancers' arguments):
    `compute()`, or the page computed earlier in this run with the same arguments
    on the same unchanged profiles."""
    if not _changed_nothing(conn):
        return compute()
    key = (conn.info.dbname, *(tuple(a) if isinstance(a, list) else a for a in args))
    if key not in _exhaustive:
        _exhaustive[key] = compute()
    return list(_exhaustive[key])


class ProfileDatabases:
    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.built: dict[tuple[bool, int], str] = {}
        self.names: list[str] = []

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(platform.with_database(platform.admin_url(self.server_url),
                                                      "postgres"), autocommit=True)

    def _base(self) -> str:
        key = (False, 0)
        if key not in self.built:
            url = platform.create_database(self.server_url, BASE, drop=True)
            self.names.append(BASE)
            migrate(url)
            seed(url)
            self.built[key] = self.built[(True, 0)] = BASE
        return BASE

    def url(self, count: int, diverse: bool) -> str:
        key = (diverse, count)
        if key not in self.built:
            self._base()
            # The smaller sizes the tests read are built on the way (each from the last).
            for step in sorted(n for n in SIZES[diverse] if n < count):
                self.url(step, diverse)
            start = max(n for d, n in self.built if d == diverse and n < count)
            name = f"{PREFIX}_{'diverse' if diverse else 'plain'}_{count}"
            with self._admin() as admin:
                admin.execute(f'drop database if exists "{name}" with (force)')
                admin.execute(f'create database "{name}" owner {platform.ADMIN_ROLE} '
                              f'template "{self.built[(diverse, start)]}"')
            self.names.append(name)
            url = self._database_url(name)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(DEMO)
                done = start
                while done < count:
                    batch = min(BATCH, count - done)
                    conn.execute(GENERATE_DIVERSE if diverse else GENERATE,
                                 (done + 1, done + batch))
                    done += batch
                for table in ("freelancers", "freelancer_terms", "freelancer_group_members",
                              "freelancer_group_terms", "freelancer_text_groups"):
                    conn.execute(f"vacuum analyze public.{table}")
            self.built[key] = name
        return self._database_url(self.built[key])

    def _database_url(self, name: str) -> str:
        return platform.postgres_url(platform.with_database(self.server_url, name))

    def drop(self) -> None:
        _exhaustive.clear()
        with self._admin() as admin:
            for name in reversed(self.names):
                admin.execute(f'drop database if exists "{name}" with (force)')


@pytest.fixture(scope="session")
def profile_databases(server_url: str) -> Iterator[ProfileDatabases]:
    databases = ProfileDatabases(server_url)
    try:
        yield databases
    finally:
        databases.drop()


@pytest.fixture
def profiles(profile_databases: ProfileDatabases) -> Iterator[Profiles]:
    """`profiles(count, diverse=False)`: a connection (rolled back at the end of the
    test) to the demo freelancers plus `count` generated profiles."""
    opened: list[psycopg.Connection] = []

    def connect(count: int, diverse: bool = False) -> psycopg.Connection:
        connection = psycopg.connect(profile_databases.url(count, diverse))
        opened.append(connection)
        total = connection.execute(
            "select count(*) from public.freelancers where display_name ~ ' [0-9]+$'"
        ).fetchone()
        assert total == (count,)
        connection.rollback()
        return connection

    yield connect
    for connection in opened:
        connection.rollback()
        connection.close()
