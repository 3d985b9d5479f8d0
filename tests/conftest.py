"""Shared test fixtures: where the recorded data lives, and an isolated data folder per test."""

from __future__ import annotations

import os
import shutil
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
    if not hasattr(config, "workerinput"):  # the controller, or a run without xdist
        os.environ["DEFLATOR_TEST_RUN_DIR"] = tempfile.mkdtemp(prefix="deflator-test-run-")
    if hasattr(config, "workerinput") or os.environ.get("DEFLATOR_TEST_EPHEMERAL_PREFECT"):
        return  # an xdist worker (the controller started it), or asked to run without one
    from tests.services import free_port

    port = free_port()
    log = (_PREFECT_HOME / "session-server.log").open("wb")
    # Flows only run against it: the services that schedule, watch and archive runs stay off
    # (test_serve.py starts a full server of its own). Measured: ~30 s of CPU a test run.
    services = {
        f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false"
        for name in (
            "SCHEDULER", "LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS",
            "REPOSSESSOR", "CLEANUP_RECONCILER", "TRIGGERS", "EVENT_PERSISTER",
            "TASK_RUN_RECORDER",
        )
    }  # fmt: skip
    _SESSION_SERVER = subprocess.Popen(
        [*PREFECT_SERVER, "--host", "127.0.0.1", "--port", str(port)],
        env={**os.environ, **services},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"


def pytest_unconfigure(config) -> None:
    if _FULL_BUILD is not None and _FULL_BUILD.poll() is None:  # the run ended early
        os.killpg(_FULL_BUILD.pid, signal.SIGKILL)
        _FULL_BUILD.wait()
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ.pop("DEFLATOR_TEST_RUN_DIR", ""), ignore_errors=True)
    if _SESSION_SERVER is not None and _SESSION_SERVER.poll() is None:
        os.killpg(_SESSION_SERVER.pid, signal.SIGTERM)
        try:
            _SESSION_SERVER.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(_SESSION_SERVER.pid, signal.SIGKILL)
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)  # this process's own (a worker's too)


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


_FULL_BUILD: subprocess.Popen[bytes] | None = None


def _run_dir() -> Path:
    """A folder shared by every process of this test run (xdist workers included)."""
    return Path(os.environ["DEFLATOR_TEST_RUN_DIR"])


def _start_full_warehouse_build() -> None:
    """Start tests/full_warehouse.py in the background, once a run (whichever worker is
    first; the others find the marker)."""
    import fcntl

    global _FULL_BUILD
    with open(_run_dir() / "full-warehouse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        started = _run_dir() / "full-warehouse.started"
        if started.exists():
            return
        started.write_text(str(os.getpid()))
        log = (_run_dir() / "full-warehouse.log").open("wb")
        _FULL_BUILD = subprocess.Popen(
            [sys.executable, "-m", "tests.full_warehouse", str(_run_dir() / "full-warehouse")],
            cwd=PROJECT_ROOT,
            env={
                **os.environ,
                "PYTHONPATH": str(PROJECT_ROOT),
                "DEFLATOR_SHARED_DATA": str(SHARED_DATA),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


# Per-test limits (pytest-timeout, fixtures included) for the tests that may first wait for
# something shared: the recorded warehouse being built beside the other tests (~45 s idle,
# minutes on a busy machine) or the session's Prefect server starting (~11 s idle). Every
# other test keeps pyproject's 120 s; PYTEST_TIMEOUT, when larger, wins everywhere.
WAITS_FOR_WAREHOUSE_S = 600
WAITS_FOR_PREFECT_S = 300


def pytest_collection_modifyitems(config, items) -> None:
    floor = int(os.environ.get("PYTEST_TIMEOUT") or 0)
    needs_warehouse = False
    for item in items:
        uses_warehouse = "full_warehouse" in getattr(item, "fixturenames", ())
        needs_warehouse |= uses_warehouse
        if item.get_closest_marker("timeout") is not None:
            continue
        if uses_warehouse:
            item.add_marker(pytest.mark.timeout(max(WAITS_FOR_WAREHOUSE_S, floor)))
        elif item.get_closest_marker("flow") is not None:
            item.add_marker(pytest.mark.timeout(max(WAITS_FOR_PREFECT_S, floor)))
    if needs_warehouse:
        _start_full_warehouse_build()


@pytest.fixture(scope="session")
def full_warehouse(tmp_path_factory, shared_data) -> Path:
    """The warehouse after `deflator run --offline` and `deflator backfill` on the recorded
    data, with the indices, the frontier rates and the seed cost workload: what the marts,
    export and dashboard flow tests read. Tests pass ``--db`` to the commands.

    Built once a test run (tests/full_warehouse.py, started in the background when the tests
    are collected); each worker then works on its own copy, so a test that writes cannot
    disturb another worker and DuckDB's one-writer file lock is never contended.
    """
    import time

    from tests.full_warehouse import BUILT, FAILED

    _start_full_warehouse_build()  # a no-op once started (e.g. by collection)
    built = _run_dir() / "full-warehouse"
    deadline = time.monotonic() + 300
    while not (built / BUILT).is_file():
        if (built / FAILED).is_file():
            pytest.fail(f"building the recorded warehouse failed:\n{(built / FAILED).read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"the recorded warehouse was not built in 300 s: {_run_dir()}")
        time.sleep(0.2)
    data_dir = tmp_path_factory.mktemp("deflator-full")
    shutil.copytree(built, data_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns(BUILT))
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
