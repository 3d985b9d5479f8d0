"""Run every benchmark and print one table: ``make bench`` (or ``python -m bench``).

Order: load (1M generated observations) → indices (the history of 10M generated
observations) → history (a 10M-row history) → parse → streaming → end to end → DuckLake
writers (1, 2 and 4 processes on a PostgreSQL catalog against the embedded file). Every
figure is printed with its reference, measured in the same run, and the machine's load
average at the start and end of the measurement.

Options: ``--quick`` (small scale, about a minute), ``--only NAME`` (repeatable), ``--work DIR``
(where the generated files and warehouses go; default a temporary folder, removed after),
``--memory-limit`` (DuckDB's, per warehouse connection), ``--json FILE`` (every detail).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import synth
from bench.common import Result, load_average, machine, markdown, render

NAMES = ("load", "indices", "history", "parse", "streaming", "e2e", "ducklake")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run deflator's benchmarks, each against a reference measured in the same "
        "run, and print one table (what each measures, and the last results: bench/README.md). "
        "Full scale takes 8-11 min on 2 cores and about 2 GB of disk. Exit status 1 when a "
        "goal is missed.",
    )
    parser.add_argument("--quick", action="store_true", help="small scale (smoke test, ~2 min)")
    parser.add_argument(
        "--only", action="append", choices=NAMES, help="run only this one (repeatable)"
    )
    parser.add_argument("--work", type=Path, help="folder for generated files (kept)")
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory limit (6GB)")
    parser.add_argument("--json", type=Path, help="write every figure and detail here")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    args = parser.parse_args(argv)

    from flows.settings import load_settings

    settings = load_settings()
    scale = synth.QUICK if args.quick else synth.FULL
    chosen = args.only or list(NAMES)
    work = args.work or Path(tempfile.mkdtemp(prefix="deflator-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    host = machine()
    print(f"deflator bench ({'quick' if args.quick else 'full'} scale) on {host.describe()}")
    print(f"load average at start: {load_average():.2f}; work folder: {work}", flush=True)
    results: list[Result] = []
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        import duckdb

        if "load" in chosen:
            folder = work / "load-observations"
            shutil.rmtree(folder, ignore_errors=True)
            step = time.perf_counter()
            con = duckdb.connect()
            info = synth.write_observations(con, folder, scale.load_rows, scale.load_skus)
            con.close()
            _say(f"generated {info} for the load in {time.perf_counter() - step:.0f} s")
            from bench import load

            results += _report(load.run(work, folder, scale.load_rows, args.memory_limit))
            shutil.rmtree(folder, ignore_errors=True)
            timings["load"] = time.perf_counter() - step
        if "indices" in chosen:
            folder = work / "observations"
            shutil.rmtree(folder, ignore_errors=True)
            step = time.perf_counter()
            con = duckdb.connect()
            con.execute(f"SET memory_limit = '{args.memory_limit}'")
            info = synth.write_observations(con, folder, scale.observations, scale.skus)
            con.close()
            _say(f"generated {info} for the indices in {time.perf_counter() - step:.0f} s")
            from bench import indices

            results += _report(indices.run(work, folder, scale.observations, args.memory_limit))
            shutil.rmtree(folder, ignore_errors=True)
            timings["indices"] = time.perf_counter() - step
        if "history" in chosen:
            step = time.perf_counter()
            from bench import history

            results += _report(history.run(work, scale, args.memory_limit))
            timings["history"] = time.perf_counter() - step
        if "parse" in chosen:
            step = time.perf_counter()
            from bench import parse

            results += _report(parse.run(settings.shared_data, scale.pages))
            timings["parse"] = time.perf_counter() - step
        if "streaming" in chosen:
            step = time.perf_counter()
            from bench import streaming

            results += _report(streaming.run(work, scale.offer_mb))
            timings["streaming"] = time.perf_counter() - step
        if "e2e" in chosen:
            step = time.perf_counter()
            from bench import e2e

            prefect_home = settings.data_dir / "bench" / "prefect"
            results += _report(e2e.run(work, prefect_home))
            timings["e2e"] = time.perf_counter() - step
        if "ducklake" in chosen:
            step = time.perf_counter()
            results += _report(_ducklake(work / "ducklake", args.quick))
            timings["ducklake"] = time.perf_counter() - step
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    print()
    print(render(results))
    print()
    print(
        f"total {total / 60:.1f} min ("
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in timings.items())
        + f"); load average at end: {load_average():.2f}"
    )
    print("Figures depend on what else runs: compare runs on a quiet machine (load average < 1).")
    if args.markdown:
        print()
        print(markdown(results))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": host.__dict__,
                    "scale": scale.__dict__,
                    "total_seconds": round(total, 1),
                    "timings": {k: round(v, 1) for k, v in timings.items()},
                    "results": [r.__dict__ for r in results],
                },
                indent=2,
                default=str,
            )
        )
    return 0 if all(r.met is not False for r in results) else 1


def _ducklake(work: Path, quick: bool) -> list[Result]:
    """The DuckLake writers benchmark, or one line saying why it could not run (it starts a
    PostgreSQL 15 of its own, which needs Debian's server binaries and root or postgres)."""
    from bench import ducklake_writers
    from tests import services

    problem = services.postgres_problem()
    if problem:
        return [
            Result(
                benchmark="DuckLake writers",
                figure=f"not run: {problem}",
                reference="—",
                ratio="—",
                goal="exact counts, 0 reader errors",
                met=None,
            )
        ]
    return ducklake_writers.run(work, quick)


def _report(results: list[Result]) -> list[Result]:
    for r in results:
        _say(f"{r.benchmark}: {r.figure} | reference {r.reference} | {r.ratio} | goal {r.goal}")
        _say(f"    {r.details}")
    return results


def _say(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    sys.exit(main())
