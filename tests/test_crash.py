"""Crash safety: a loader SIGKILLed mid-load leaves the warehouse exactly as it was.

The loader is a separate process (tests/crash_loader.py) loading a run of 130,000 prices, more
than one DuckDB row group, so uncommitted data really reaches the file before the kill. DuckDB's
write-ahead log and the load's single transaction are what make this safe; these tests prove
it, and that a crash while publishing the read snapshot leaves readers the previous one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.warehouse_utils import TABLES
from warehouse.connection import connect
from warehouse.snapshot import snapshot_path

# A system test (`make test-system`, and CI): not in the `make test` loop.
pytestmark = pytest.mark.system

PROJECT = Path(__file__).resolve().parent.parent
ROWS = 130_000


def loader(db: Path, run_id: str, rows: int, step: str | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "tests.crash_loader", str(db), run_id, str(rows)]
    return subprocess.Popen(
        [*command, *([step] if step else [])],
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def load(db: Path, run_id: str, rows: int) -> None:
    process = loader(db, run_id, rows)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0 and "DONE" in out, err


def kill_at(db: Path, run_id: str, rows: int, step: str) -> None:
    """Start a load and SIGKILL it when it reports reaching ``step``."""
    process = loader(db, run_id, rows, step)
    try:
        line = process.stdout.readline()
        assert line.strip() == f"AT {step}", process.stderr.read()
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def state(db: Path) -> dict[str, list[tuple]]:
    """Every row of every warehouse table (the database must open to get it)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def fingerprint(db: Path) -> dict[str, tuple]:
    """Row count and a hash of every row, per table: cheap equality for big tables."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*), sum(hash(t)) FROM {t} t").fetchone() for t in TABLES
        }
    finally:
        con.close()


def test_sigkill_inside_the_load_transaction_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load(db, "run1", 2_000)
    before = state(db)
    size_before = db.stat().st_size

    # the last step before COMMIT: observations and history rows are all written by now
    kill_at(db, "run2", ROWS, "history_close_withdrawn")
    size_after_kill = db.stat().st_size
    assert state(db) == before  # it opens, and holds exactly what it held
    con = connect(db)  # read-write with migrations checked, and it writes
    con.execute("CHECKPOINT")
    con.close()
    # uncommitted row groups reached the file, and were ignored on open
    assert size_after_kill > size_before

    load(db, "run2", 2_000)  # the next run succeeds
    after = fingerprint(db)
    assert after["runs"][0] == len(before["runs"]) + 1
    assert after["observations"][0] == len(before["observations"]) + 2_000
    assert fingerprint(snapshot_path(db)) == after


def test_sigkill_while_publishing_keeps_the_previous_snapshot(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load(db, "run1", 2_000)
    published = snapshot_path(db)
    snapshot_before = state(published)

    kill_at(db, "run2", 2_000, "publish")  # committed; the new copy is written, not renamed

    assert state(published) == snapshot_before  # readers still see the whole previous run
    assert list(published.parent.glob(f".{published.name}.*.tmp"))  # the unfinished copy
    assert len(state(db)["runs"]) == len(snapshot_before["runs"]) + 1

    load(db, "run3", 2_000)
    assert state(published) == state(db)
    assert not list(published.parent.glob(f".{published.name}.*.tmp*"))  # cleaned up
