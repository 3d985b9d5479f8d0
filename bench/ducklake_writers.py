"""Parallel writers: load throughput with 1, 2 and 4 writer processes, DuckLake vs the file.

Set-up (not timed): a PostgreSQL 15 cluster on 127.0.0.1 (Debian's, as the postgres user, in
the work folder; PostgreSQL's default durability: fsync and synchronous commit on, as a
team's server runs), one DuckLake per case with its Parquet files in the work folder, one
embedded warehouse file per case; each migrated once.

Timed: ``writers`` processes each load ``commits`` runs of their own source
(tests/lake_workload.py: ``load_run`` in one transaction, the run's ``series`` prices, every
price moving every 1-3 runs, so every load continues, closes and opens history rows), while a
reader process queries the warehouse all along. DuckLake writers commit side by side and
retry a conflicting load whole (warehouse/backends.py); embedded writers queue on the file's
lock, opening it for each load and publishing the read snapshot after it, and the reader reads
that snapshot. Figures: loads per second and rows per second over the wall time of the slowest
writer; the reader's query latency (median, 95th percentile) while the loads run; conflicts
retried. Every case also checks its exact counts (tests/lake_workload.expected_counts).

Reference: the embedded file with the same number of writers.

Run alone: ``python -m bench.ducklake_writers [--quick]`` (root or the postgres user: it
starts PostgreSQL).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.common import Result, load_average, si

WRITERS = (1, 2, 4)
FULL = {"commits": 20, "series": 500}
QUICK = {"commits": 5, "series": 50}


def _case(env: dict[str, str], writers: int, commits: int, series: int, work: Path) -> dict:
    from flows.settings import load_settings
    from tests import lake_workload
    from warehouse.connection import connect
    from warehouse.snapshot import publish_snapshot

    settings = load_settings(env)
    con = connect(settings.warehouse)  # migrated, and a first snapshot published for the
    try:  # file's reader, before the clock starts
        publish_snapshot(con, settings.warehouse)
    finally:
        con.close()
    result = lake_workload.run_workload(env, writers, commits, series, work, timeout_s=1800.0)
    if any("exit" in w for w in result["writers"]) or result["reader_exit"] != 0:
        raise RuntimeError(f"a writer or the reader failed: {result}")
    con = connect(settings.warehouse, read_only=True)
    try:
        final = lake_workload.final_counts(con)
    finally:
        con.close()
    expected = lake_workload.expected_counts(writers, commits, series)
    if {k: final[k] for k in expected} != expected or final["overlapping_series"]:
        raise RuntimeError(f"wrong counts: {final}, expected {expected}")
    result["conflicts"] = sum(w["conflicts_retried"] for w in result["writers"])
    return result


def run(work: Path, quick: bool = False) -> list[Result]:
    from tests import services
    from warehouse.extensions import install_extensions

    problem = services.postgres_problem()
    if problem:
        raise RuntimeError(f"the DuckLake benchmark needs PostgreSQL 15: {problem}")
    size = QUICK if quick else FULL
    extension_dir = work / "duckdb-extensions"
    install_extensions(extension_dir)
    base = {
        "DEFLATOR_EXTENSIONS_DIR": str(extension_dir),
        "DEFLATOR_WAREHOUSE": "",
        "DEFLATOR_LOG_FORMAT": "text",
    }
    results: list[Result] = []
    measured: dict[tuple[str, int], dict] = {}
    with services.postgres(durable=True) as pg:
        for writers in WRITERS:
            for backend in ("file", "ducklake"):
                folder = work / f"{backend}-{writers}"
                env = services.tagged_env({**base, "DEFLATOR_DATA_DIR": str(folder)})
                if backend == "ducklake":
                    pg.createdb(f"bench_{writers}")
                    env["DEFLATOR_WAREHOUSE"] = (
                        f"ducklake:postgres:{pg.conninfo(f'bench_{writers}')}"
                    )
                start_load = load_average()
                found = _case(env, writers, size["commits"], size["series"], folder / "run")
                found["load"] = (start_load, load_average())
                measured[(backend, writers)] = found
                _say(
                    f"{backend}, {writers} writer(s): {found['commits_per_s']:.2f} loads/s, "
                    f"{found['conflicts']} conflicts retried, reader median "
                    f"{found['reader']['latency_median_s'] * 1000:.0f} ms"
                )
    services.stop_tagged()
    rows = size["series"]
    for writers in WRITERS:
        lake, file = measured[("ducklake", writers)], measured[("file", writers)]
        results.append(
            Result(
                benchmark=f"DuckLake load, {writers} writer(s) × {size['commits']} × {rows} rows",
                figure=f"{lake['commits_per_s']:.2f} loads/s ({si(lake['rows_per_s'])} rows/s), "
                f"{lake['conflicts']} conflicts retried",
                reference=f"file: {file['commits_per_s']:.2f} loads/s "
                f"({si(file['rows_per_s'])} rows/s)",
                ratio=f"{lake['commits_per_s'] / file['commits_per_s']:.2f}×",
                goal="exact counts, no lost load",
                met=True,
                load=lake["load"],
                seconds=lake["wall_s"],
                details={"ducklake": lake, "file": file},
            )
        )
    for writers in WRITERS:
        lake, file = measured[("ducklake", writers)], measured[("file", writers)]
        lr, fr = lake["reader"], file["reader"]
        results.append(
            Result(
                benchmark=f"reader during {writers} writer(s): DuckLake query latency",
                figure=f"median {lr['latency_median_s'] * 1000:.0f} ms, "
                f"p95 {lr['latency_p95_s'] * 1000:.0f} ms, {lr['errors']} errors",
                reference=f"file snapshot: median {fr['latency_median_s'] * 1000:.0f} ms, "
                f"p95 {fr['latency_p95_s'] * 1000:.0f} ms",
                ratio=f"{lr['latency_median_s'] / fr['latency_median_s']:.1f}×",
                goal="0 errors, whole runs only",
                met=lr["errors"] == 0 and lr["torn_reads"] == 0,
                load=lake["load"],
                seconds=lake["wall_s"],
                details={"ducklake": lr, "file": fr},
            )
        )
    return results


def _say(message: str) -> None:
    print(f"  ducklake: {message}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    from bench.common import machine, render

    quick = "--quick" in argv
    print(f"deflator bench: DuckLake writers on {machine().describe()}")
    with tempfile.TemporaryDirectory(prefix="deflator-bench-lake-") as work:
        results = run(Path(work), quick)
    print(render(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
