"""Readers during a run: never blocked, never half a run; a second writer waits its turn.

Writers are separate processes (tests/crash_loader.py: load_run, then publish the snapshot,
as the nightly load task does), because DuckDB's file lock is per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import main
from warehouse.connection import connect

# A system test (`make test-system`, and CI): not in the `make test` loop.
pytestmark = pytest.mark.system

PROJECT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(PROJECT)}
ROWS = 5_000
COUNTS = "select (select count(*) from runs) as runs, (select count(*) from observations) as obs"


def start(*module_and_args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", *module_and_args],
        cwd=PROJECT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def load(db: Path, run_id: str, rows: int = ROWS) -> None:
    process = start("tests.crash_loader", str(db), run_id, str(rows))
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0 and "DONE" in out, err


def query(db: Path, sql: str, capsys, *options: str) -> tuple[int, str, str]:
    status = main(["--db", str(db), "query", sql, "--format", "json", *options])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_query_reads_the_published_snapshot_while_a_run_holds_the_warehouse(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    load(db, "run1")
    writer = start("tests.crash_loader", str(db), "run2", str(ROWS), "history_open", "2")
    try:
        assert writer.stdout.readline().strip() == "AT history_open"  # mid-transaction now

        status, out, _ = query(db, COUNTS, capsys)
        assert status == 0
        assert json.loads(out) == [{"runs": 1, "obs": ROWS}]  # the last whole run

        status, _, err = query(db, COUNTS, capsys, "--no-snapshot")
        assert status == 1  # the warehouse file itself is locked by the writer
        assert "cannot open" in err and "lock" in err
    finally:
        out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0 and "DONE" in out, err
    status, out, _ = query(db, COUNTS, capsys)
    assert json.loads(out) == [{"runs": 2, "obs": 2 * ROWS}]


def test_a_reader_in_a_loop_never_errs_and_only_sees_whole_runs(tmp_path):
    db, stop = tmp_path / "w.duckdb", tmp_path / "stop"
    load(db, "run1")
    reader = start("tests.read_loop", str(db), str(stop))
    try:
        for n in (2, 3, 4):
            load(db, f"run{n}")
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    assert reader.returncode == 0, err
    result = json.loads(out)
    print(f"reader: {result['queries']} queries, states seen {result['seen']}")
    assert result["errors"] == []
    assert all(obs == runs * ROWS for runs, obs in result["seen"])  # never half a run
    assert len(result["seen"]) >= 2  # it was reading while runs landed
    assert result["queries"] >= 8  # each query starts its own process (query_sandbox.py)


def test_a_second_writer_waits_for_the_first(tmp_path):
    db = tmp_path / "w.duckdb"
    load(db, "run1", 2_000)
    holder = connect(db)  # this process now holds the warehouse, like a run that is loading
    try:
        impatient = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from warehouse.connection import connect, WarehouseBusy\n"
                "try:\n"
                f"    connect({str(db)!r}, lock_timeout_s=0.5)\n"
                "except WarehouseBusy as busy:\n"
                "    print(busy); sys.exit(7)\n",
            ],
            cwd=PROJECT,
            env=ENV,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert impatient.returncode == 7, impatient.stderr
        assert "is in use by another process" in impatient.stdout
        assert "waited 0.5 s" in impatient.stdout
        patient = start("tests.crash_loader", str(db), "run2", "2000")  # waits up to 60 s
        with pytest.raises(subprocess.TimeoutExpired):
            patient.wait(timeout=2)  # still waiting for the lock
    finally:
        holder.close()
    out, err = patient.communicate(timeout=120)
    assert patient.returncode == 0 and "DONE" in out, err
    con = connect(db, read_only=True)
    assert con.execute("select count(*) from runs").fetchone() == (2,)
    con.close()
