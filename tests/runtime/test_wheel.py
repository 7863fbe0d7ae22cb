"""The SQL ships inside the package: the built wheel, installed into a fresh
virtualenv, migrates an empty database on its own (no checkout needed)."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import psycopg
import pytest

from khadum.dbtools.migrate import migration_files
from tests.runtime.support import ROOT

DB = "khadum_wheel_test"


@pytest.fixture
def empty_database(server_url: str) -> str:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{DB}" with (force)')
        conn.execute(f'create database "{DB}"')
    return psycopg.conninfo.make_conninfo(server_url, dbname=DB)


def run(*args: str, cwd: Path, timeout: float = 300) -> str:
    done = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_the_built_wheel_migrates_an_empty_database(
    tmp_path: Path, empty_database: str, server_url: str
) -> None:
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT),
        cwd=tmp_path)
    (wheel,) = wheels.glob("khadum-*.whl")
    venv = tmp_path / "fresh"
    run(sys.executable, "-m", "venv", str(venv), cwd=tmp_path)
    # The dependencies come from the repository's virtualenv (no downloads); its
    # editable khadum is not activated there (a plain path, no .pth processing).
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "repo-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    run(str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel), cwd=tmp_path)
    where = run(str(python), "-c", "import khadum.paths as p; print(p.MIGRATIONS_DIR)",
                cwd=tmp_path).strip()
    assert where.startswith(str(site)), where  # the wheel's copy, not the checkout's
    # The demo data is a JSON file in the package: the wheel carries it.
    demo = run(str(python), "-c", "import khadum.seed.freelancers as f; "
               "print(f.DATA_FILE, len(f.DEMO_FREELANCERS))", cwd=tmp_path).split()
    assert demo[0].startswith(str(site)) and int(demo[1]) >= 64, demo
    out = run(str(venv / "bin" / "khadum"), "db", "migrate", "--database-url", empty_database,
              cwd=tmp_path)
    assert "applied" in out
    with psycopg.connect(empty_database) as conn:
        applied = conn.execute(
            "select count(*) from supabase_migrations.schema_migrations").fetchone()
        assert applied == (len(migration_files()),)
        assert conn.execute("select to_regclass('public.client_requests') is not null, "
                            "to_regclass('public.whatsapp_outbox') is not null").fetchone() == (
                                True, True)
        unprotected = conn.execute(
            "select count(*) from pg_tables where schemaname = 'public' and not rowsecurity"
        ).fetchone()
        assert unprotected == (0,)  # the policies shipped too
    again = run(str(venv / "bin" / "khadum"), "db", "migrate", "--database-url", empty_database,
                cwd=tmp_path)
    assert "up to date" in again
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'drop database if exists "{DB}" with (force)')
