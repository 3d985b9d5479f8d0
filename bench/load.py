"""Load: observations per second through deflator's loader vs DuckDB's own read_parquet.

Both sides get the same synthetic rows (``bench/synth.py``: one Parquet dataset per source)
and a fresh warehouse with the migrations applied:

* **reference**: ``INSERT INTO observations BY NAME SELECT *, … FROM read_parquet(…)`` — DuckDB
  reading and storing the rows, nothing else (best of two runs, one before and one after the
  loader, so a busy moment does not flatter the ratio);
* **deflator**: :func:`warehouse.load.load_run` with one bulk outcome per source (its dataset,
  scanned by DuckDB in batches): the drift check, the set-based checks of the bulk rows,
  dedup, plausibility and step checks, quarantine, the anti-join against stored
  observations, the insert, and the SCD2 history with every price change of the five years,
  in one transaction.

A third figure shows the row path a nightly run takes (pydantic Observations → Arrow →
load_run) on a sample, for scale.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import synth
from bench.common import Result, load_average, rate, si

GOAL_RATIO = 0.5
ROW_PATH_SAMPLE = 50_000
LEGS = {"synth_eia": "energy", "synth_storage": "data"}


def _leg(source: str) -> str:
    return LEGS.get(source, "compute" if "gpu" in source else "llm")


def _connect(path: Path, memory_limit: str):
    from warehouse.connection import connect

    con = connect(path)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    return con


def reference_insert(path: Path, folder: Path, memory_limit: str) -> float:
    """Seconds DuckDB takes to read the Parquet rows into a fresh warehouse's observations."""
    path.unlink(missing_ok=True)
    con = _connect(path, memory_limit)
    try:
        started = time.perf_counter()
        con.execute(
            "INSERT INTO observations BY NAME "
            f"SELECT *, 'reference' AS run_id FROM read_parquet('{folder}/*/*.parquet')"
        )
        return time.perf_counter() - started
    finally:
        con.close()
        path.unlink(missing_ok=True)


def loader_insert(path: Path, folder: Path, memory_limit: str) -> tuple[float, dict]:
    """Seconds load_run takes for the same rows as bulk outcomes, and what it stored."""
    from warehouse.load import SourceOutcome, load_run

    path.unlink(missing_ok=True)
    con = _connect(path, memory_limit)
    try:
        outcomes = [
            SourceOutcome(source, _leg(source), "ok", table=dataset)
            for source, dataset in synth.source_datasets(folder).items()
        ]
        started = time.perf_counter()
        report = load_run(con, "bench-load", "backfill", datetime.now(UTC), outcomes)
        seconds = time.perf_counter() - started
        counts = dict(
            zip(
                ("observations", "history_rows", "quarantined"),
                con.execute(
                    "SELECT (SELECT count(*) FROM observations), "
                    "(SELECT count(*) FROM price_history), (SELECT count(*) FROM quarantine)"
                ).fetchone(),
                strict=True,
            )
        )
        counts["status"] = report.status
        counts["steps"] = report.step_seconds
        return seconds, counts
    finally:
        con.close()


def row_path(work: Path, folder: Path, sample: int, memory_limit: str) -> tuple[float, float]:
    """(load_run seconds with pydantic Observations, reference seconds) on ``sample`` rows."""
    import duckdb

    from schemas.enums import CanonicalUnit, Component, Currency, Leg
    from schemas.observation import Observation
    from warehouse.load import SourceOutcome, load_run

    rows = (
        duckdb.connect()
        .execute(
            f"SELECT * FROM read_parquet('{folder}/*/*.parquet') "
            f"WHERE price > 0 ORDER BY source LIMIT {sample}"
        )
        .fetch_arrow_table()
    )
    sample_folder = work / "row-sample"
    shutil.rmtree(sample_folder, ignore_errors=True)
    (sample_folder / "source=all").mkdir(parents=True)
    import pyarrow.parquet as pq

    pq.write_table(rows, sample_folder / "source=all" / "rows.parquet")
    by_source: dict[str, list[Observation]] = {}
    for row in rows.to_pylist():
        row["observed_at"] = row["observed_at"].replace(tzinfo=UTC)
        row["leg"] = Leg(row["leg"])
        row["component"] = Component(row["component"])
        row["currency"] = Currency(row["currency"])
        row["unit"] = CanonicalUnit(row["unit"])
        by_source.setdefault(row["source"], []).append(Observation(**row))
    path = work / "row-path.duckdb"
    path.unlink(missing_ok=True)
    con = _connect(path, memory_limit)
    try:
        outcomes = [
            SourceOutcome(source, _leg(source), "ok", observations=observations)
            for source, observations in by_source.items()
        ]
        started = time.perf_counter()
        load_run(con, "bench-rows", "backfill", datetime.now(UTC), outcomes)
        seconds = time.perf_counter() - started
    finally:
        con.close()
        path.unlink(missing_ok=True)
    reference = reference_insert(work / "row-reference.duckdb", sample_folder, memory_limit)
    shutil.rmtree(sample_folder, ignore_errors=True)
    return seconds, reference


def run(work: Path, folder: Path, rows: int, memory_limit: str) -> list[Result]:
    """The load benchmark: the bulk path against the reference, then the row path."""
    start_load = load_average()
    first = reference_insert(work / "reference.duckdb", folder, memory_limit)
    warehouse = work / "loaded.duckdb"
    seconds, counts = loader_insert(warehouse, folder, memory_limit)
    second = reference_insert(work / "reference.duckdb", folder, memory_limit)
    reference = min(first, second)
    ratio = reference / seconds
    bulk = Result(
        benchmark="load (bulk, one transaction)",
        figure=f"{si(rate(rows, seconds))} obs/s ({si(rows)} rows in {seconds:.1f} s)",
        reference=f"{si(rate(rows, reference))} obs/s (read_parquet → INSERT, {reference:.1f} s)",
        ratio=f"{ratio:.2f}×",
        goal=f"≥ {GOAL_RATIO}×",
        met=ratio >= GOAL_RATIO,
        load=(start_load, load_average()),
        seconds=seconds,
        details={
            "rows": rows,
            "loader_seconds": round(seconds, 2),
            "reference_seconds": [round(first, 2), round(second, 2)],
            **counts,
        },
    )
    start_load = load_average()
    sample = min(ROW_PATH_SAMPLE, rows)
    row_seconds, row_reference = row_path(work, folder, sample, memory_limit)
    row_ratio = row_reference / row_seconds
    rows_result = Result(
        benchmark="load (pydantic rows)",
        figure=f"{si(rate(sample, row_seconds))} obs/s ({si(sample)} rows in {row_seconds:.2f} s)",
        reference=f"{si(rate(sample, row_reference))} obs/s (read_parquet → INSERT)",
        ratio=f"{row_ratio:.2f}×",
        goal="— (nightly path)",
        met=None,
        load=(start_load, load_average()),
        seconds=row_seconds,
        details={"rows": sample, "reference_seconds": round(row_reference, 3)},
    )
    warehouse.unlink(missing_ok=True)
    return [bulk, rows_result]
