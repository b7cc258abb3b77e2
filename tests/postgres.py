"""A private PostgreSQL cluster for tests, started from the machine's own PostgreSQL (Debian's `postgresql`, which
.ci/run installs when it is missing).

The cluster lives in a temporary directory of its own: its data, its log and its unix socket. It listens on a free
port of 127.0.0.1 and trusts every local connection, as user `postgres`. initdb and postgres refuse to run as root,
so under root (as in CI) the server's commands run as `nobody`, which then owns the directory. Durability is off
(fsync, synchronous_commit, full_page_writes): a test's cluster never outlives the test run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
DEBIAN_VERSIONS = Path("/usr/lib/postgresql")
SERVER_COMMANDS = ("initdb", "pg_ctl", "postgres")


class PostgresMissingError(RuntimeError):
    """No PostgreSQL server commands on this machine."""


def server_binaries() -> Path:
    """The folder of initdb, pg_ctl and postgres: initdb's on PATH, else Debian's highest version (Debian keeps them
    off PATH, in /usr/lib/postgresql/<version>/bin)."""
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)  # where a symlink on PATH points: its pg_ctl is there
    versions = [p for p in DEBIAN_VERSIONS.glob("*/bin") if p.parent.name.isdigit()]
    candidates += sorted(versions, key=lambda p: int(p.parent.name), reverse=True)
    for folder in candidates:
        if all(os.access(folder / command, os.X_OK) for command in SERVER_COMMANDS):
            return folder
    raise PostgresMissingError(
        f"PostgreSQL's {', '.join(SERVER_COMMANDS)} were not found (on PATH or in {DEBIAN_VERSIONS}/*/bin): the tests "
        "of a PostgreSQL catalog need them. .ci/run installs Debian's postgresql when it is missing; on your machine "
        "`apt-get install postgresql` (or your system's PostgreSQL server package)"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(args: list, **as_user) -> None:
    """Run a PostgreSQL command; when it fails, say what it printed."""
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **as_user)
    if done.returncode:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


@dataclass(frozen=True)
class PostgresCluster:
    binaries: Path
    port: int

    def conninfo(self, database: str) -> str:
        """A libpq connection string for `database`, as DuckDB's postgres extension and DuckLake's
        `ATTACH 'ducklake:postgres:<conninfo>'` take it."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def create_database(self, prefix: str = "test") -> str:
        """A new, empty database with a unique name beginning with `prefix`; returns its connection string."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        # createdb is a client, which root may run.
        run([self.binaries / "createdb", "--host=127.0.0.1", f"--port={self.port}", f"--username={SUPERUSER}", name])
        return self.conninfo(name)


@contextmanager
def running_cluster() -> Iterator[PostgresCluster]:
    """Start a cluster in a new temporary directory; stop it and remove the directory on leaving, however the block
    ends."""
    binaries = server_binaries()
    # Not under pytest's temporary folder: root's is closed to nobody, and a unix socket's path must stay short.
    directory = Path(tempfile.mkdtemp(prefix="pg-"))
    data, log = directory / "data", directory / "server.log"
    as_server = {"cwd": directory}
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(directory, nobody.pw_uid, nobody.pw_gid)
        as_server |= {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
    started = False
    try:
        run(
            [binaries / "initdb", f"--pgdata={data}", f"--username={SUPERUSER}", "--auth=trust", "--encoding=UTF8"]
            + ["--no-locale", "--no-sync"],
            **as_server,
        )
        # Another process may bind the free port before the server does; then the server tries another.
        for _attempt in range(3):
            port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={directory} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            log.unlink(missing_ok=True)
            try:
                run(
                    [binaries / "pg_ctl", "start", "--wait", f"--pgdata={data}", f"--log={log}", "-o", options],
                    **as_server,
                )
            except RuntimeError as failed:
                server_log = log.read_text() if log.exists() else ""
                if "could not bind" not in server_log:
                    raise RuntimeError(f"{failed}\nserver log:\n{server_log}") from None
            else:
                started = True
                break
        else:
            raise RuntimeError(f"PostgreSQL found no free port on 127.0.0.1; its log:\n{log.read_text()}")
        yield PostgresCluster(binaries, port)
    finally:
        try:
            if started:
                run([binaries / "pg_ctl", "stop", "--wait", f"--pgdata={data}", "--mode=fast"], **as_server)
        finally:
            shutil.rmtree(directory)
