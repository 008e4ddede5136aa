"""A throwaway PostgreSQL server for the test suite: initdb into a temporary directory,
listen on 127.0.0.1 only (unix socket inside the directory), stop and remove at the end.

The server binaries come from the Debian ``postgresql`` package (``make setup`` installs
it). initdb refuses to run as root, so under root the binaries run as the ``postgres`` OS
user that the package creates, and the directory belongs to that user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2

POSTGRES_LIB_DIR = Path("/usr/lib/postgresql")
SUPERUSER = "scorecard_admin"
SERVER_OS_USER = "postgres"
MISSING_BINARIES = (
    "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
    "run `make setup` (target system-packages installs the Debian postgresql package)"
)


class PostgresUnavailableError(RuntimeError):
    """The server binaries are missing or the server did not start."""


@dataclass(frozen=True)
class PostgresServer:
    """Connection details of a running test server (TCP on 127.0.0.1, password auth)."""

    host: str
    port: int
    user: str
    password: str
    data_dir: Path

    def connect(
        self, dbname: str = "postgres", user: str | None = None, password: str | None = None
    ) -> psycopg2.extensions.connection:
        """A new connection, as the superuser unless ``user``/``password`` are given."""
        return psycopg2.connect(
            host=self.host,
            port=self.port,
            dbname=dbname,
            user=user or self.user,
            password=self.password if password is None else password,
        )

    def environment(self, dbname: str) -> dict[str, str]:
        """The ``SCORECARD_PG_*`` variables of ``profiles.yml``'s ``postgres`` target."""
        return {
            "SCORECARD_PG_HOST": self.host,
            "SCORECARD_PG_PORT": str(self.port),
            "SCORECARD_PG_USER": self.user,
            "SCORECARD_PG_PASSWORD": self.password,
            "SCORECARD_PG_DBNAME": dbname,
        }

    def create_database(self, dbname: str) -> None:
        """``create database`` (outside a transaction, as PostgreSQL requires)."""
        connection = self.connect()
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'create database "{dbname}"')
        finally:
            connection.close()


def find_bin_dir() -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb and pg_ctl."""
    candidates = sorted(
        (path.parent for path in POSTGRES_LIB_DIR.glob("*/bin/initdb")),
        key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    )
    if not candidates or not (candidates[-1] / "pg_ctl").exists():
        raise PostgresUnavailableError(MISSING_BINARIES)
    return candidates[-1]


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_server_user() -> list[str]:
    """Command prefix: run as the ``postgres`` OS user when we are root."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_OS_USER)
    except KeyError as exc:
        raise PostgresUnavailableError(
            f"running as root and no {SERVER_OS_USER!r} OS user: {MISSING_BINARIES}"
        ) from exc
    return ["runuser", "-u", SERVER_OS_USER, "--"]


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PostgresUnavailableError(
            f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


@contextlib.contextmanager
def running_server() -> Iterator[PostgresServer]:
    """Start a fresh server in a temporary directory; stop it and remove the directory after."""
    bin_dir = find_bin_dir()
    prefix = _as_server_user()
    # Not under pytest's tmp_path: its parents are private to root, the server user must
    # reach this directory.
    base = Path(tempfile.mkdtemp(prefix="scorecard-pg-"))
    data_dir, socket_dir = base / "data", base / "socket"
    socket_dir.mkdir()
    password = secrets.token_urlsafe(18)
    password_file = base / "superuser.pw"
    password_file.write_text(password + "\n", encoding="utf-8")
    password_file.chmod(0o600)
    if prefix:
        owner = pwd.getpwnam(SERVER_OS_USER)
        for path in (base, socket_dir, password_file):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    port = _free_port()
    started = False
    try:
        _run(
            [
                *prefix,
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data_dir),
                "--username",
                SUPERUSER,
                "--pwfile",
                str(password_file),
                "--auth-local",
                "scram-sha-256",
                "--auth-host",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ],
            "initdb",
        )
        password_file.unlink()
        # A test server: durability is not needed, speed is.
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} "
            f"-c unix_socket_directories={socket_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=50"
        )
        _run(
            [
                *prefix,
                str(bin_dir / "pg_ctl"),
                "--pgdata",
                str(data_dir),
                "--log",
                str(base / "server.log"),
                "--options",
                options,
                "--wait",
                "--timeout",
                "60",
                "start",
            ],
            "pg_ctl start",
        )
        started = True
        server = PostgresServer("127.0.0.1", port, SUPERUSER, password, data_dir)
        with contextlib.closing(server.connect()) as connection, connection.cursor() as cursor:
            cursor.execute("select 1")
        yield server
    finally:
        if started:
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "--pgdata", str(data_dir), "-m", "fast", "stop"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(base, ignore_errors=True)
