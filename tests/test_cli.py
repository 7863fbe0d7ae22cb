"""The `khadum` command against its own embedded database in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

KHADUM = [sys.executable, "-m", "khadum.cli"]


def khadum(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run(
        [*KHADUM, *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("khadum-cli") / "data"
    yield path
    khadum("db", "stop", data_dir=path)
    shutil.rmtree(path, ignore_errors=True)


def test_start_then_start_again_is_a_no_op(data_dir: Path) -> None:
    first = khadum("db", "start", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "started" in first.stderr
    second = khadum("db", "start", data_dir=data_dir)
    assert second.returncode == 0
    assert "already running" in second.stderr
    assert first.stdout == second.stdout


def test_status_and_url_that_psql_accepts(data_dir: Path) -> None:
    status = khadum("db", "status", data_dir=data_dir)
    assert status.returncode == 0 and status.stdout.startswith("running")
    url = khadum("db", "url", data_dir=data_dir).stdout.strip()
    assert url.startswith("postgresql://")
    psql = shutil.which("psql")
    assert psql, "psql is needed for this test"
    out = subprocess.run(
        [psql, url, "-Atc", "select 40 + 2"], capture_output=True, text=True, timeout=30
    )
    assert out.stdout.strip() == "42", out.stderr


def test_migrate_twice_says_nothing_to_apply(data_dir: Path) -> None:
    first = khadum("db", "migrate", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "migration 20251120000100" in first.stderr
    second = khadum("db", "migrate", data_dir=data_dir)
    assert "up to date: nothing to apply" in second.stderr


def test_policies_writes_the_index_and_check_finds_it_stale(
    data_dir: Path, tmp_path: Path
) -> None:
    committed = khadum("db", "policies", "--check", data_dir=data_dir)
    assert committed.returncode == 0, committed.stderr
    assert "matches the migrations" in committed.stderr
    target = tmp_path / "index"
    wrote = khadum("db", "policies", "--dir", str(target), data_dir=data_dir)
    assert wrote.returncode == 0, wrote.stderr
    notifications = target / "public.notifications.sql"
    assert 'create policy "freelancers read their notifications"' in notifications.read_text()
    notifications.write_text(notifications.read_text().replace("to authenticated", "to anon"))
    stale = khadum("db", "policies", "--check", "--dir", str(target), data_dir=data_dir)
    assert stale.returncode == 1
    assert "is stale" in stale.stderr


def test_seed_twice_and_token(data_dir: Path) -> None:
    first = khadum("seed", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "0 unchanged" in first.stderr
    second = khadum("seed", data_dir=data_dir)
    assert "0 added, 0 updated" in second.stderr
    token = khadum("token", "--freelancer", "mohammed-alghamdi@demo.khadum.app", data_dir=data_dir)
    assert token.returncode == 0 and token.stdout.count(".") == 2
    unknown = khadum("token", "--freelancer", "nobody@example.com", data_dir=data_dir)
    assert unknown.returncode == 1 and "no freelancer" in unknown.stderr


def test_expire_prints_the_count(data_dir: Path) -> None:
    out = khadum("expire", data_dir=data_dir)
    assert out.returncode == 0 and out.stdout.strip() == "0"


def test_reset_rebuilds_from_nothing(data_dir: Path) -> None:
    url = khadum("db", "url", data_dir=data_dir).stdout.strip()
    subprocess.run(
        ["psql", url, "-c", "create table leftover (id int)"], check=True, capture_output=True
    )
    out = khadum("db", "reset", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    assert "demo freelancers" in out.stderr
    check = subprocess.run(
        ["psql", url, "-Atc", "select to_regclass('leftover') is null, count(*) from freelancers"],
        capture_output=True,
        text=True,
    )
    ok, count = check.stdout.strip().split("|")
    assert ok == "t" and int(count) >= 64


def test_stop_then_status(data_dir: Path) -> None:
    assert "stopped" in khadum("db", "stop", data_dir=data_dir).stderr
    assert "not running" in khadum("db", "stop", data_dir=data_dir).stderr
    status = khadum("db", "status", data_dir=data_dir)
    assert status.returncode == 3 and status.stdout.startswith("stopped")


def test_production_refuses_placeholder_secrets(data_dir: Path) -> None:
    out = khadum(
        "token",
        "--freelancer",
        "x@example.com",
        data_dir=data_dir,
        env={"KHADUM_ENV": "production"},
    )
    assert out.returncode == 2
    assert "SUPABASE_JWT_SECRET" in out.stderr


def test_a_taken_port_moves_the_database(tmp_path: Path) -> None:
    import json
    import socket

    data_dir = tmp_path / "moving"
    assert khadum("db", "start", data_dir=data_dir).returncode == 0
    first_port = json.loads((data_dir / "db.json").read_text())["port"]
    khadum("db", "stop", data_dir=data_dir)
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            squatter.bind(("127.0.0.1", first_port))
            squatter.listen()
        except OSError:
            pass  # another program already holds the port: taken all the same
        try:
            out = khadum("db", "start", data_dir=data_dir)
            assert out.returncode == 0, out.stderr
            assert out.stdout.strip() != f"postgresql://postgres@127.0.0.1:{first_port}/khadum"
            assert khadum("db", "status", data_dir=data_dir).returncode == 0
        finally:
            khadum("db", "stop", data_dir=data_dir)


def test_a_data_dir_of_an_older_khadum_is_refused_with_the_way_out(tmp_path: Path) -> None:
    """Made when `postgres` was the cluster's superuser: `khadum db start` says to
    reset, without a traceback; `khadum db reset` is the way out."""
    legacy = tmp_path / "old"
    (legacy / "pgdata").mkdir(parents=True)
    (legacy / "pgdata" / "PG_VERSION").write_text("18\n")
    (legacy / "db.json").write_text('{"port": 54329}')
    result = khadum("db", "start", data_dir=legacy)
    assert result.returncode == 1
    assert "made by an older Khadum" in result.stderr
    assert "khadum db reset" in result.stderr
    assert "Traceback" not in result.stderr
