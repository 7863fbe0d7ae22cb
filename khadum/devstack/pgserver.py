"""A second database target: a plain PostgreSQL server from the system's
packages (Debian's PostgreSQL 15 with pg_cron: `apt-get install postgresql-15
postgresql-15-cron`), prepared as Supabase's is — superuser `supabase_admin`,
pg_cron preloaded — in a directory of its own, on a free loopback port.

    python -m khadum.devstack.pgserver start [--dir DIR]   # prints its DATABASE_URL
    python -m khadum.devstack.pgserver stop [--dir DIR]

The printed URL is the superuser's on the maintenance database; tests and
`khadum db migrate` derive from it the roles they need (the platform is applied
as `supabase_admin`, the migrations and the app run as `postgres`). CI runs the
database, RLS and function tests against it (`.ci/run`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from khadum.devstack.embedded import EmbeddedError, EmbeddedPostgres

DEFAULT_BIN = Path(os.environ.get("KHADUM_PG_BIN", "/usr/lib/postgresql/15/bin"))
DEFAULT_DIR = Path(".khadum") / "pg15"
CRON_DATABASE = "khadum_test"


def server(data_dir: Path = DEFAULT_DIR, bin_dir: Path = DEFAULT_BIN,
           cron_database: str = CRON_DATABASE) -> EmbeddedPostgres:
    if not (bin_dir / "postgres").exists():
        raise EmbeddedError(
            f"no PostgreSQL in {bin_dir}: `apt-get install postgresql-15 postgresql-15-cron` "
            "(or set KHADUM_PG_BIN)"
        )
    return EmbeddedPostgres(
        data_dir.resolve(),
        bin_dir=bin_dir,
        settings=("shared_preload_libraries=pg_cron", f"cron.database_name={cron_database}",
                  "cron.use_background_workers=on", "max_worker_processes=20"),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m khadum.devstack.pgserver")
    parser.add_argument("action", choices=("start", "stop", "url"))
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--bin", type=Path, default=DEFAULT_BIN)
    parser.add_argument("--cron-database", default=CRON_DATABASE)
    args = parser.parse_args(argv)
    try:
        db = server(args.dir, args.bin, args.cron_database)
        if args.action == "start":
            db.start()
        elif args.action == "stop":
            db.stop()
            return 0
    except EmbeddedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(db.admin_url("postgres"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
