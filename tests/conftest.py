"""Shared test fixtures: where the recorded data lives, and an isolated data folder per test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("DEFLATOR_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The recorded data folder, read in place (never copied into the repository)."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.fail(f"recorded data not found at {SHARED_DATA}; set DEFLATOR_SHARED_DATA")
    return SHARED_DATA


# Prefect reads its settings when first imported: give the whole test session one private,
# quiet, offline PREFECT_HOME before any test imports it.
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="deflator-test-prefect-"))
for _key, _value in {
    "PREFECT_HOME": str(_PREFECT_HOME),
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}.items():
    os.environ[_key] = _value
if "PYTEST_XDIST_WORKER" not in os.environ:  # a worker keeps the session server's URL
    os.environ.pop("PREFECT_API_URL", None)  # never a server of the user's

# One Prefect server for the whole test run. Without it every process that runs a flow starts
# its own ephemeral API server: ~13 s for each xdist worker and ~8 s for every `deflator run`
# a test starts as a subprocess (FIELD-NOTES). The controlling process starts `prefect server
# start` before the workers exist (they and their subprocesses inherit PREFECT_API_URL) and
# stops it at the end; tests of `deflator serve` and of the scale-out start their own.
_SESSION_SERVER: subprocess.Popen[bytes] | None = None
PREFECT_SERVER = [sys.executable, "-m", "prefect", "server", "start"]


def pytest_configure(config) -> None:
    global _SESSION_SERVER
    if hasattr(config, "workerinput") or os.environ.get("DEFLATOR_TEST_EPHEMERAL_PREFECT"):
        return  # an xdist worker (the controller started it), or asked to run without one
    from tests.services import free_port

    port = free_port()
    log = (_PREFECT_HOME / "session-server.log").open("wb")
    _SESSION_SERVER = subprocess.Popen(
        [*PREFECT_SERVER, "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"


def pytest_unconfigure(config) -> None:
    if _SESSION_SERVER is not None and _SESSION_SERVER.poll() is None:
        os.killpg(_SESSION_SERVER.pid, signal.SIGTERM)
        try:
            _SESSION_SERVER.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(_SESSION_SERVER.pid, signal.SIGKILL)


_SERVER_ANSWERED = False


def wait_for_prefect() -> None:
    """Wait for the session's Prefect server (it starts while the tests are collected, ~11 s
    on its fresh database): what a test or fixture that runs a flow calls first."""
    global _SERVER_ANSWERED
    api_url = os.environ.get("PREFECT_API_URL")
    if _SERVER_ANSWERED or not api_url:
        return
    from flows.prefect_server import wait_healthy

    if not wait_healthy(api_url, 90.0):
        pytest.fail(
            f"the test session's Prefect server at {api_url} did not answer in 90 s; "
            f"its log: {_PREFECT_HOME / 'session-server.log'}"
        )
    _SERVER_ANSWERED = True


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures, which may run flows
def pytest_runtest_setup(item) -> None:
    """A `flow` test waits for the session's Prefect server; every other test runs at once."""
    if item.get_closest_marker("flow") is not None:
        wait_for_prefect()


@pytest.fixture(scope="session")
def mart_warehouse(tmp_path_factory) -> Path:
    """The small hand-built warehouse of tests/mart_utils.py (marts, export, dashboard tests
    only read it), built once a session."""
    from tests.mart_utils import build_small_warehouse

    return build_small_warehouse(tmp_path_factory.mktemp("marts") / "w.duckdb")


def _build_full_warehouse(data_dir: Path, shared_data: Path) -> None:
    """`deflator run --offline`, `deflator backfill`, the indices, the frontier rates and the
    seed cost workload into ``data_dir`` (flow tests only: it starts Prefect)."""
    import duckdb

    from flows.cli import main

    db = data_dir / "deflator.duckdb"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEFLATOR_DATA_DIR", str(data_dir))
        patch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
        patch.delenv("DEFLATOR_DB", raising=False)
        patch.delenv("DEFLATOR_ARCHIVE", raising=False)
        assert main(["run", "--offline"]) == 0
        assert main(["backfill"]) == 0
        con = duckdb.connect(str(db), read_only=True)
        indices, frontier = con.execute(
            "select (select count(*) from index_values), "
            "(select count(*) from decline_rates where kind = 'frontier')"
        ).fetchone()
        con.close()
        if not indices:  # the runs rebuild them when flows/derived.py is in place
            assert main(["indices"]) == 0
        if not frontier:
            assert main(["rates", "frontier"]) == 0
        assert main(["cost", str(PROJECT_ROOT / "examples" / "seed_example.toml")]) == 0


@pytest.fixture(scope="session")
def full_warehouse(tmp_path_factory, shared_data) -> Path:
    """The warehouse after `deflator run --offline` and `deflator backfill` on the recorded
    data, with the indices, the frontier rates and the seed cost workload: what the marts,
    export and dashboard flow tests read. Tests pass ``--db`` to the commands.

    Built once a test run, whatever the number of xdist workers: the first worker to need it
    builds it under a file lock in the run's shared temporary folder; every worker (the
    builder too) then works on its own copy, so a test that writes cannot disturb another
    worker and DuckDB's one-writer file lock is never contended.
    """
    import fcntl
    import shutil

    # xdist: the run's base folder is the parent of each worker's; without xdist, its own.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    base = tmp_path_factory.getbasetemp()
    shared_root = base.parent if worker else base
    built = shared_root / "full-warehouse-built"
    wait_for_prefect()
    with open(shared_root / "full-warehouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here while one builds
        try:
            if not (built / "BUILT").is_file():
                shutil.rmtree(built, ignore_errors=True)
                built.mkdir()
                _build_full_warehouse(built, shared_data)
                (built / "BUILT").write_text("ok\n")
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    data_dir = tmp_path_factory.mktemp("deflator-full")
    shutil.copytree(built, data_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("BUILT"))
    return data_dir / "deflator.duckdb"


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say loudly when the browser tests could not run (no Chromium on this machine)."""
    from tests.cdp import find_chromium

    if find_chromium() is None:
        terminalreporter.write_sep(
            "!",
            "Chromium not found: the dashboard's browser tests were SKIPPED "
            "(apt-get install -y chromium; .ci/run installs it)",
            red=True,
            bold=True,
        )
