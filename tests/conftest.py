"""Shared test fixtures: where the recorded data lives, and an isolated data folder per test."""

from __future__ import annotations

import os
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
# quiet, offline PREFECT_HOME before any test imports it (the first flow run then pays the
# ephemeral server's ~15 s set-up once, later runs ~1 s).
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
os.environ.pop("PREFECT_API_URL", None)


@pytest.fixture(scope="session")
def mart_warehouse(tmp_path_factory) -> Path:
    """The small hand-built warehouse of tests/mart_utils.py (marts, export, dashboard tests
    only read it), built once a session."""
    from tests.mart_utils import build_small_warehouse

    return build_small_warehouse(tmp_path_factory.mktemp("marts") / "w.duckdb")


@pytest.fixture(scope="session")
def full_warehouse(tmp_path_factory, shared_data) -> Path:
    """The warehouse after `deflator run --offline` and `deflator backfill` on the recorded
    data, with the indices, the frontier rates and the seed cost workload: what the marts,
    export and dashboard flow tests read (built once a session; flow tests only, it starts
    Prefect). Tests pass ``--db`` to the commands; the environment is restored afterwards."""
    import duckdb

    from flows.cli import main

    data_dir = tmp_path_factory.mktemp("deflator-full")
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
    return db


# Fixtures built once a session are built once per xdist worker: keep every test that reads one
# of them on the same worker (`make test` runs `--dist loadgroup`), so each is built once a run.
_SHARED_WAREHOUSES = ("full_warehouse", "mart_warehouse")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups into node ids
def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        used = [name for name in _SHARED_WAREHOUSES if name in getattr(item, "fixturenames", ())]
        if used:
            item.add_marker(pytest.mark.xdist_group(used[0]))


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
