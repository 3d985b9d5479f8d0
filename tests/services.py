"""Real services for the scale-out tests: PostgreSQL 15, a Prefect server on it, process workers.

Everything started here runs in its own process group and carries a tag in its environment;
every context manager stops what it started (SIGTERM, a second SIGTERM for Prefect workers,
which need two after running a flow, then SIGKILL), and :func:`stop_tagged` ends any process
still carrying the tag, so a failed test leaves nothing running.

PostgreSQL is Debian's (``/usr/lib/postgresql/15/bin``). ``initdb`` refuses to run as root, so
the cluster is made and run as the ``postgres`` user, in a temporary folder, listening on
127.0.0.1 only. It is a throwaway cluster: fsync and synchronous commit are off (the tests are
about concurrency, not about surviving a power cut), which makes each catalog commit cheap.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
TAG = "DEFLATOR_TEST_SERVICE"
SESSION_TAG = uuid.uuid4().hex


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_problem() -> str | None:
    """Why a PostgreSQL 15 cluster cannot be started here (None: it can)."""
    if not (PG_BIN / "initdb").is_file():
        return f"PostgreSQL 15 is not installed ({PG_BIN}): apt-get install -y postgresql-15"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres user"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "initdb must run as the postgres user: run the tests as root or as postgres"
    return None


def tagged_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment plus the session tag and ``extra``."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env[TAG] = SESSION_TAG
    env.update(extra or {})
    return env


@dataclass
class Postgres:
    """A running throwaway cluster."""

    port: int
    folder: Path

    def conninfo(self, database: str) -> str:
        return f"dbname={database} host=127.0.0.1 port={self.port} user=postgres"

    def sqlalchemy_url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def createdb(self, name: str) -> None:
        subprocess.run(
            [PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            check=True,
            capture_output=True,
        )


def _as_postgres(command: list[str | Path]) -> list[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return [*prefix, *map(str, command)]


@contextmanager
def postgres(durable: bool = False) -> Iterator[Postgres]:
    """Start a PostgreSQL 15 cluster on 127.0.0.1 in a new temporary folder; remove it after.

    ``durable``: keep PostgreSQL's default fsync and synchronous commit (the benchmark
    measures what a team's server does); the tests turn them off.
    """
    folder = Path(tempfile.mkdtemp(prefix="deflator-pg-"))
    folder.chmod(0o755)
    user = pwd.getpwnam("postgres")
    os.chown(folder, user.pw_uid, user.pw_gid)
    data, log = folder / "data", folder / "server.log"
    port = free_port()
    options = f"-p {port} -k {folder} -h 127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    try:
        subprocess.run(
            _as_postgres(
                [
                    PG_BIN / "initdb",
                    "-D",
                    data,
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            _as_postgres(
                [PG_BIN / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"]
            ),
            check=True,
            capture_output=True,
            env=tagged_env(),
        )
        yield Postgres(port, folder)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([PG_BIN / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own process group, output to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], terms: int = 1, wait_s: float = 15.0) -> None:
    """SIGTERM the process group (``terms`` times, ``wait_s`` apart), then SIGKILL it."""
    for _ in range(terms):
        if process.poll() is not None:
            break
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue
    if process.poll() is None:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait(timeout=wait_s)
    _signal_group(process.pid, signal.SIGKILL)  # flow runs left in the group


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


@contextmanager
def prefect_server(home: Path, database_url: str) -> Iterator[str]:
    """A `prefect server start` on 127.0.0.1 with its database in PostgreSQL; its API URL."""
    from flows.prefect_server import wait_healthy

    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = tagged_env(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_API_DATABASE_CONNECTION_URL": database_url,
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        }
    )
    command = [sys.executable, "-m", "prefect", "server", "start"]
    process = start([*command, "--host", "127.0.0.1", "--port", str(port)], env, home / "log")
    try:
        if not wait_healthy(api_url, 120.0, process):
            raise RuntimeError(f"Prefect server not healthy: {(home / 'log').read_text()[-3000:]}")
        yield api_url
    finally:
        stop(process)


@contextmanager
def prefect_workers(
    count: int, pool: str, limit: int, env: dict[str, str], folder: Path
) -> Iterator[list[Path]]:
    """``count`` `prefect worker start --pool POOL --limit LIMIT` processes; their log files."""
    folder.mkdir(parents=True, exist_ok=True)
    processes, logs = [], []
    try:
        for n in range(1, count + 1):
            home = folder / f"worker{n}"
            home.mkdir(exist_ok=True)
            logs.append(folder / f"worker{n}.log")
            command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool]
            command += ["--limit", str(limit), "--name", f"ci-worker-{n}"]
            processes.append(start(command, {**env, "PREFECT_HOME": str(home)}, logs[-1]))
        yield logs
    finally:
        for process in processes:
            stop(process, terms=2, wait_s=10.0)


def stop_tagged() -> list[int]:
    """SIGKILL every process still carrying this session's tag (started here); their pids."""
    needle = f"{TAG}={SESSION_TAG}".encode()
    killed = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                os.kill(int(entry.name), signal.SIGKILL)
                killed.append(int(entry.name))
        except (OSError, ValueError):
            continue
    if killed:
        time.sleep(0.5)
    return killed
