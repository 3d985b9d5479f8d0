"""Concurrent writers and a reader on one warehouse: the scale-out test's and the benchmark's load.

Test data, not real prices. Writer ``k`` loads ``commits`` runs of its own source ``w<k>``, one
after another, each the way a nightly leg loads: ``load_run`` in one transaction (retried
whole on a DuckLake conflict, as flows/nightly.py does), then publish the read snapshot (a
no-op on DuckLake). The embedded file is opened and closed around each load (its lock queues
the writers); a DuckLake connection stays open. Run ``i`` observes ``series`` skus at hour
``i``; sku ``j``'s price steps every ``period(j)`` runs, so the history each writer leaves is
known exactly (:func:`expected_counts`).

The reader queries while the writers load. Each query is ONE statement, so it reads one
snapshot, and it checks that every run it sees is whole: its ``runs`` row and exactly the
observations that row counts, never one without the other, and no series with two open prices.

Usage (settings from the environment: DEFLATOR_WAREHOUSE / DEFLATOR_DB, as every command)::

    python -m tests.lake_workload writer K COMMITS SERIES OUT.json
    python -m tests.lake_workload reader STOP_FILE OUT.json
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.warehouse_utils import obs, outcome

START = datetime(2026, 1, 1, tzinfo=UTC)
SOURCE_PREFIX = "w"

# One statement, one snapshot: what a reader must never see is counted in the same scan.
READER_SQL = f"""
WITH r AS (SELECT run_id, observations_new FROM runs WHERE run_id LIKE '{SOURCE_PREFIX}%'),
o AS (
    SELECT run_id, count(*) AS n FROM observations
    WHERE source LIKE '{SOURCE_PREFIX}%' GROUP BY run_id
),
open_prices AS (
    SELECT series_key FROM price_history
    WHERE source LIKE '{SOURCE_PREFIX}%' AND valid_to IS NULL
    GROUP BY series_key HAVING count(*) > 1
)
SELECT
    (SELECT count(*) FROM r) AS runs,
    (SELECT coalesce(sum(n), 0) FROM o) AS observations,
    (SELECT count(*) FROM r FULL JOIN o USING (run_id)
     WHERE coalesce(r.observations_new, -1) <> coalesce(o.n, 0)) AS torn_runs,
    (SELECT count(*) FROM open_prices) AS doubly_open
"""


def period(j: int) -> int:
    """Sku ``j``'s price changes every 1, 2 or 3 runs."""
    return 1 + j % 3


def price(j: int, i: int) -> str:
    return f"{1 + j / 100 + (i // period(j)) / 1000:.4f}"


def run_batch(k: int, i: int, series: int) -> tuple[str, datetime, list]:
    """Run ``i`` of writer ``k``: its id, time and observations."""
    when = START + timedelta(hours=i)
    source = f"{SOURCE_PREFIX}{k}"
    observations = [obs(f"sku-{j}", price(j, i), when, source=source) for j in range(series)]
    return f"{source}-run{i:04d}", when, observations


def expected_counts(writers: int, commits: int, series: int) -> dict[str, int]:
    """What ``writers`` writers of ``commits`` runs of ``series`` skus must leave, exactly."""
    islands = sum(math.ceil(commits / period(j)) for j in range(series))
    return {
        "runs": writers * commits,
        "observations": writers * commits * series,
        "price_history": writers * islands,
        "open_prices": writers * series,
    }


def write(k: int, commits: int, series: int) -> dict[str, object]:
    """Writer ``k``'s loop; returns its timings and how many conflicts it retried."""
    from flows.settings import load_settings
    from warehouse.backends import DuckLake, retry_conflicts
    from warehouse.connection import connect
    from warehouse.load import load_run
    from warehouse.snapshot import publish_snapshot

    settings = load_settings()
    conflicts = 0

    def counted(attempt: int, error: BaseException) -> None:
        nonlocal conflicts
        conflicts += 1

    lake = isinstance(settings.warehouse, DuckLake)
    seconds = []
    started = time.perf_counter()
    con = connect(settings.warehouse) if lake else None
    try:
        for i in range(commits):
            run_id, when, observations = run_batch(k, i, series)
            source_outcome = outcome(observations, when, source=f"{SOURCE_PREFIX}{k}")
            t0 = time.perf_counter()
            # The file's lock is the embedded writers' queue: open it for each load, as a run
            # does. A DuckLake connection stays open; its transactions run side by side.
            writer = con if lake else connect(settings.warehouse, lock_timeout_s=600)
            try:
                retry_conflicts(
                    lambda w=writer, r=run_id, t=when, o=source_outcome: load_run(
                        w, r, "offline", t, [o]
                    ),
                    attempts=settings.lake_retries,
                    on_retry=counted,
                )
                publish_snapshot(writer, settings.warehouse)
            finally:
                if not lake:
                    writer.close()
            seconds.append(time.perf_counter() - t0)
    finally:
        if con is not None:
            con.close()
    return {
        "writer": k,
        "commits": commits,
        "rows": commits * series,
        "conflicts_retried": conflicts,
        "seconds": time.perf_counter() - started,
        "commit_median_s": statistics.median(seconds),
        "commit_max_s": max(seconds),
    }


def read(stop_file: Path, limit_s: float = 600.0) -> dict[str, object]:
    """Query until ``stop_file`` exists; count errors, torn runs and query latency."""
    from flows.settings import load_settings
    from warehouse.backends import DuckLake
    from warehouse.snapshot import connect_reader

    settings = load_settings()
    lake = isinstance(settings.warehouse, DuckLake)
    latencies: list[float] = []
    errors: list[str] = []
    torn = doubly_open = 0
    con = connect_reader(settings.warehouse)[0] if lake else None
    deadline = time.monotonic() + limit_s
    last = None
    while time.monotonic() < deadline:
        stopping = stop_file.exists()  # one last query after the writers finished
        t0 = time.perf_counter()
        try:
            if lake:
                last = con.execute(READER_SQL).fetchone()
            else:  # the embedded file: readers open the published snapshot, fresh each time
                reader, _ = connect_reader(settings.warehouse)
                try:
                    last = reader.execute(READER_SQL).fetchone()
                finally:
                    reader.close()
            latencies.append(time.perf_counter() - t0)
            torn += last[2] > 0
            doubly_open += last[3] > 0
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        if stopping:
            break
        time.sleep(0.2)  # leave the two cores to the writers
    if con is not None:
        con.close()
    ordered = sorted(latencies) or [float("nan")]
    return {
        "queries": len(latencies),
        "errors": len(errors),
        "first_errors": errors[:3],
        "torn_reads": torn,
        "doubly_open_reads": doubly_open,
        "latency_median_s": statistics.median(ordered),
        "latency_p95_s": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "latency_max_s": ordered[-1],
        "last": list(last) if last else None,
    }


# Per series, ordered by valid_from: each price ends exactly where the next begins, only the
# last is open. Counts the series where that fails.
OVERLAP_SQL = f"""
SELECT count(DISTINCT series_key) FROM (
    SELECT series_key, valid_to, is_last,
           lead(valid_from) OVER (PARTITION BY series_key ORDER BY valid_from) AS next_from
    FROM (SELECT *, row_number() OVER (PARTITION BY series_key ORDER BY valid_from DESC) = 1
                    AS is_last
          FROM price_history WHERE source LIKE '{SOURCE_PREFIX}%')
)
WHERE (is_last AND valid_to IS NOT NULL) OR (NOT is_last AND valid_to IS DISTINCT FROM next_from)
"""


def final_counts(con) -> dict[str, int]:
    """What the writers left, to compare with :func:`expected_counts`."""
    like = f"'{SOURCE_PREFIX}%'"
    one = lambda query: con.execute(query).fetchone()[0]  # noqa: E731
    return {
        "runs": one(f"SELECT count(*) FROM runs WHERE run_id LIKE {like}"),
        "observations": one(f"SELECT count(*) FROM observations WHERE source LIKE {like}"),
        "price_history": one(f"SELECT count(*) FROM price_history WHERE source LIKE {like}"),
        "open_prices": one(
            f"SELECT count(*) FROM price_history WHERE source LIKE {like} AND valid_to IS NULL"
        ),
        "duplicate_observations": one(
            "SELECT count(*) - count(DISTINCT (source, sku, observed_at)) FROM observations "
            f"WHERE source LIKE {like}"
        ),
        "overlapping_series": one(OVERLAP_SQL),
    }


def run_workload(
    env: dict[str, str], writers: int, commits: int, series: int, workdir: Path, timeout_s: float
) -> dict[str, object]:
    """Start ``writers`` writer processes and one reader with ``env``; wait; their results.

    The warehouse must exist (migrated) before: the writers and the reader only load and read.
    Every process started here is stopped before returning, whatever happens.
    """
    import subprocess

    workdir.mkdir(parents=True, exist_ok=True)
    stop = workdir / "stop"
    stop.unlink(missing_ok=True)
    python = [sys.executable, "-m", "tests.lake_workload"]
    started = time.perf_counter()
    reader = subprocess.Popen([*python, "reader", str(stop), str(workdir / "reader.json")], env=env)
    procs = [
        subprocess.Popen(
            [*python, "writer", str(k), str(commits), str(series), str(workdir / f"w{k}.json")],
            env=env,
        )
        for k in range(writers)
    ]
    try:
        codes = [p.wait(timeout=max(1.0, started + timeout_s - time.perf_counter())) for p in procs]
        wall = time.perf_counter() - started
        stop.touch()
        reader_code = reader.wait(timeout=60)
    finally:
        for p in [*procs, reader]:
            if p.poll() is None:
                p.kill()
                p.wait()
    results = [
        json.loads((workdir / f"w{k}.json").read_text()) if code == 0 else {"exit": code}
        for k, code in enumerate(codes)
    ]
    reader_result = json.loads((workdir / "reader.json").read_text()) if reader_code == 0 else {}
    return {
        "writers": results,
        "reader": reader_result,
        "reader_exit": reader_code,
        "wall_s": wall,
        "rows_per_s": writers * commits * series / wall,
        "commits_per_s": writers * commits / wall,
    }


def main(argv: list[str]) -> int:
    if argv[0] == "writer":
        result = write(int(argv[1]), int(argv[2]), int(argv[3]))
        out = argv[4]
    elif argv[0] == "reader":
        result = read(Path(argv[1]))
        out = argv[2]
    else:
        raise SystemExit(__doc__)
    Path(out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
