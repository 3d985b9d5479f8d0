"""Indices: every index and decline rate over the history of the synthetic observations.

Set-up (timed apart): a warehouse whose ``price_history`` holds every price change of the 10M
synthetic observations (``synth.build_observed_history``: runs of equal price, set-based; the
indices read nothing else), and synthetic models and scores for its LLM listings
(``synth.add_model_catalog``) so the hedonic index and the frontier rates have something to
fit.

Timed, as `deflator indices` and `deflator rates` do it:

* every index (``llm_tokens`` with the hedonic index, ``gpu_hour``, ``electricity``,
  ``storage``, ``egress``), every segment, Jevons and GEKS, written to ``index_values``;
* the decline rate of every stored index series (``decline_rates``, kind ``index``);
* the threshold-frontier rates over every benchmark (kind ``frontier``).

Reference: DuckDB computing the monthly price grid every index starts from (the
``index_monthly_prices`` query of each leg, counted, not fetched): what reading the history
costs before any index math.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench import synth
from bench.common import Result, load_average

GOAL_SECONDS = 30.0
# (leg, components) of each index's monthly prices, as warehouse/indices/build.py reads them.
MONTHLY = (
    ("llm", ["input", "output", "blended"]),
    ("compute", ["gpu_hour", "instance_hour"]),
    ("energy", ["kwh"]),
    ("data", ["gb_month"]),
    ("data", ["egress_gb"]),
)


def build_all(con) -> dict[str, int]:
    """Every index, every index rate and the frontier rates; returns counts."""
    from warehouse.indices import build, data
    from warehouse.indices.frontier import frontier_rates
    from warehouse.indices.rates import decline_rate
    from warehouse.indices.store import read_index, replace_frontier_rates, replace_index_rate

    counts = {"index_rows": 0, "index_series": 0, "items": 0, "index_rates": 0}
    for name in build.INDICES:
        report = build.build_index(con, name, **build.llm_inputs(con, name))
        counts["index_rows"] += report.rows
        counts["index_series"] += report.series
        counts["items"] += report.items
    scopes = con.execute(
        "SELECT DISTINCT index, segment, method FROM index_values ORDER BY ALL"
    ).fetchall()
    for index, segment, method in scopes:
        series = read_index(con, index, segment, method)
        try:
            rate = decline_rate([(p, v) for p, v, _ in series])
        except ValueError:
            continue  # fewer than 3 points
        replace_index_rate(con, index, segment, method, None, rate)
        counts["index_rates"] += 1
    listings = data.frontier_listings(con, None)
    rates = frontier_rates(listings)
    replace_frontier_rates(con, rates, None, False)
    counts["frontier_rates"] = len(rates)
    counts["frontier_listings"] = sum(len(v) for v in listings.values())
    return counts


def reference_seconds(con) -> float:
    """Seconds DuckDB takes to compute (and count) the monthly price grid of every index."""
    from warehouse.sqlfiles import sql

    started = time.perf_counter()
    for leg, components in MONTHLY:
        con.execute(
            f"SELECT count(*) FROM ({sql('index_monthly_prices').rstrip().rstrip(';')})",
            {"leg": leg, "components": components},
        ).fetchone()
    return time.perf_counter() - started


def run(work: Path, folder: Path, observations: int, memory_limit: str) -> list[Result]:
    from warehouse.connection import connect

    warehouse = work / "indices.duckdb"
    warehouse.unlink(missing_ok=True)
    con = connect(warehouse)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    try:
        started = time.perf_counter()
        history_rows = synth.build_observed_history(con, folder)
        listings = synth.add_model_catalog(con)
        con.execute("CHECKPOINT")
        setup = time.perf_counter() - started
        start_load = load_average()
        started = time.perf_counter()
        counts = build_all(con)
        seconds = time.perf_counter() - started
        end_load = load_average()
        reference = reference_seconds(con)
    finally:
        con.close()
        warehouse.unlink(missing_ok=True)
    return [
        Result(
            benchmark="indices (all indices and rates)",
            figure=f"{seconds:.1f} s ({counts['index_series']} series, "
            f"{counts['index_rates'] + counts['frontier_rates']} rates)",
            reference=f"{reference:.1f} s (SQL: the monthly price grid of every index)",
            ratio=f"{seconds / reference:.1f}×",
            goal=f"< {GOAL_SECONDS:g} s",
            met=seconds < GOAL_SECONDS,
            load=(start_load, end_load),
            seconds=seconds,
            details={
                "observations": observations,
                "history_rows": history_rows,
                "setup_seconds": round(setup, 1),
                "llm_listings": listings,
                **counts,
            },
        )
    ]
