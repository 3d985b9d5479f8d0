"""Scale-out for real: PostgreSQL 15, a Prefect server on it, two workers, a DuckLake warehouse.

Run by .ci/scale_out.sh (``DEFLATOR_SCALE_OUT=1``), which installs PostgreSQL 15 if needed;
skipped otherwise, since it starts servers and takes a few minutes. It checks the two promises
of the scale-out set-up:

1. the offline nightly run as legs across two workers (``deflator serve --pool`` then a run
   of ``scale-out/nightly``) builds on DuckLake the warehouse the embedded single-process
   run builds: every table the same rows (run ids and time stamps aside), the same indices;
2. four writer processes committing 25 loads each into one DuckLake, with a reader querying
   all along: exact counts, no duplicate, no overlapping history, no reader error, and the
   reader never sees part of a run.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import lake_workload, services
from tests.warehouse_compare import differences, row_counts

pytestmark = pytest.mark.skipif(
    os.environ.get("DEFLATOR_SCALE_OUT") != "1",
    reason="starts PostgreSQL and a Prefect server: run .ci/scale_out.sh",
)
VENV_BIN = Path(sys.executable).parent
POOL = "deflator-ci"
# 25 loads a writer: ~70 s, enough to meet conflicts (16 retried in 100 loads); bench/ runs more
WRITERS, COMMITS, SERIES = 4, 25, 20
LEGS = ["leg-compute", "leg-data", "leg-energy", "leg-llm"]


@pytest.fixture(scope="module")
def pg():
    problem = services.postgres_problem()
    if problem:
        pytest.fail(problem)
    try:
        with services.postgres() as cluster:
            yield cluster
    finally:
        leftovers = services.stop_tagged()
        assert not leftovers, f"processes left running and killed: {leftovers}"


@pytest.fixture(scope="module")
def extension_dir(tmp_path_factory) -> Path:
    from warehouse.extensions import install_extensions

    folder = tmp_path_factory.mktemp("duckdb-extensions")
    install_extensions(folder)
    return folder


def lake_env(pg, database: str, folder: Path, extension_dir: Path) -> dict[str, str]:
    """The environment of every process that works on the lake ``database``."""
    return services.tagged_env(
        {
            "DEFLATOR_WAREHOUSE": f"ducklake:postgres:{pg.conninfo(database)}",
            "DEFLATOR_LAKE_DATA_PATH": f"{folder / 'lake'}/",
            "DEFLATOR_DATA_DIR": str(folder),
            "DEFLATOR_EXTENSIONS_DIR": str(extension_dir),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_WORKER_QUERY_SECONDS": "2",  # workers pick runs up within 2 s
            "PREFECT_LOGGING_LEVEL": "INFO",  # the workers' logs name the runs they took
        }
    )


def attach_both(lake_env: dict[str, str], embedded: Path):
    """One connection reading the lake (``lake``) and the embedded file (``emb``)."""
    from flows.settings import load_settings
    from warehouse.connection import connect

    con = connect(load_settings(lake_env).warehouse, read_only=True)
    con.execute(f"ATTACH '{embedded}' AS emb (READ_ONLY)")
    return con


def test_the_nightly_across_two_workers_builds_the_embedded_warehouse(
    pg, tmp_path, extension_dir, shared_data
):
    started = time.monotonic()
    pg.createdb("prefect")
    pg.createdb("lake_nightly")
    env = lake_env(pg, "lake_nightly", tmp_path / "lake-data", extension_dir)
    env["DEFLATOR_SHARED_DATA"] = str(shared_data)
    with services.prefect_server(tmp_path / "prefect-server", pg.sqlalchemy_url("prefect")) as api:
        env["PREFECT_API_URL"] = api
        # The reference: the embedded single-process run, meanwhile, through the same server.
        reference_env = {
            **services.tagged_env(),
            "DEFLATOR_DATA_DIR": str(tmp_path / "embedded"),
            "DEFLATOR_SHARED_DATA": str(shared_data),
            "PREFECT_API_URL": api,
            "PREFECT_HOME": str(tmp_path / "embedded-prefect"),
        }
        reference = subprocess.Popen(
            [VENV_BIN / "deflator", "run", "--offline"],
            env=reference_env,
            stdout=(tmp_path / "embedded.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        try:
            deployed = subprocess.run(
                [
                    VENV_BIN / "deflator",
                    "serve",
                    "--pool",
                    POOL,
                    "--offline",
                    "--cron",
                    "0 0 1 1 *",
                ],
                env={**env, "PREFECT_HOME": str(tmp_path / "cli-prefect")},
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert deployed.returncode == 0, deployed.stderr
            with services.prefect_workers(2, POOL, 2, env, tmp_path / "workers") as logs:
                ran = subprocess.run(
                    [sys.executable, "-c", RUN_SCALE_OUT],
                    env={**env, "PREFECT_HOME": str(tmp_path / "cli-prefect")},
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                worker_logs = [log.read_text(errors="replace") for log in logs]
            assert ran.returncode == 0, ran.stdout + ran.stderr + "\n".join(worker_logs)
            state = json.loads(ran.stdout.strip().splitlines()[-1])
            assert state["state"] == "COMPLETED", ran.stdout + "\n".join(worker_logs)
            # both workers ran legs: the runs were spread across the pool
            took = [re.findall(r"Flow run '(leg-\w+)' submitted", log) for log in worker_logs]
            assert all(took) and sorted(leg for legs in took for leg in legs) == LEGS, took
        finally:
            code = reference.wait(timeout=300)
    assert code == 0, (tmp_path / "embedded.log").read_text()
    con = attach_both(env, tmp_path / "embedded" / "deflator.duckdb")
    try:
        assert differences(con, "emb", "lake") == {}
        counts = row_counts(con, "lake")
        assert counts["price_history"] > 5000 and counts["index_values"] > 100
        per_run = {"runs", "schema_migrations"}  # one run per leg; DuckLake's guard row
        assert {t: n for t, n in counts.items() if t not in per_run} == {
            t: n for t, n in row_counts(con, "emb").items() if t not in per_run
        }
        legs = con.execute("SELECT count(*) FROM lake.runs").fetchone()[0]
        assert legs == 4  # one run per leg: llm, compute, energy, data
    finally:
        con.close()
    print(
        f"\nscale-out nightly: {legs} leg runs on 2 workers, price_history "
        f"{counts['price_history']} rows, index_values {counts['index_values']} rows, "
        f"equal to the embedded run; {time.monotonic() - started:.0f} s"
    )


RUN_SCALE_OUT = """
import json
from prefect.deployments import run_deployment
run = run_deployment("scale-out/nightly", timeout=280, poll_interval=2, as_subflow=False)
print(json.dumps({"state": run.state.type.value if run.state else None}))
"""


def test_four_writers_and_a_reader_on_one_ducklake(pg, tmp_path, extension_dir):
    from flows.settings import load_settings
    from warehouse.connection import connect

    pg.createdb("lake_writers")
    env = lake_env(pg, "lake_writers", tmp_path, extension_dir)
    connect(load_settings(env).warehouse).close()  # migrated once, before the writers start
    result = lake_workload.run_workload(env, WRITERS, COMMITS, SERIES, tmp_path / "w", 280.0)
    writers, reader = result["writers"], result["reader"]
    assert all("exit" not in w for w in writers), writers
    assert result["reader_exit"] == 0
    assert reader["errors"] == 0, reader["first_errors"]
    assert reader["torn_reads"] == 0 and reader["doubly_open_reads"] == 0
    assert reader["queries"] >= 10
    con = connect(load_settings(env).warehouse, read_only=True)
    try:
        final = lake_workload.final_counts(con)
    finally:
        con.close()
    expected = lake_workload.expected_counts(WRITERS, COMMITS, SERIES)
    assert final == {**expected, "duplicate_observations": 0, "overlapping_series": 0}
    retried = sum(w["conflicts_retried"] for w in writers)
    print(
        f"\n{WRITERS} writers x {COMMITS} loads: {final['runs']} runs, "
        f"{final['observations']} observations, {final['price_history']} history rows, exact; "
        f"{retried} conflicts retried; {result['wall_s']:.0f} s "
        f"({result['commits_per_s']:.2f} loads/s); reader {reader['queries']} queries, "
        f"0 errors, median {reader['latency_median_s'] * 1000:.0f} ms, "
        f"p95 {reader['latency_p95_s'] * 1000:.0f} ms"
    )
