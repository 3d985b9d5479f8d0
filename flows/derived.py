"""The step after a load: rebuild the price indices and decline rates from the new history.

The nightly and backfill flows run it in the writer's connection right after their load has
committed and before they publish the read snapshot, so a reader sees new prices and the
indices computed from them together, never one without the other. What it rebuilds:

- every index of :mod:`warehouse.indices.build` (all segments and methods: what
  `deflator indices` does);
- the threshold-frontier decline rates over every source, reasoning models left out (what
  `deflator rates frontier` does by default);
- the decline rate of every stored index series over its whole span, fitted on its published
  months (`deflator rates index NAME --segment S --method M` for each; a series with fewer
  than 3 months of at least ``MIN_ITEMS`` items has none, and ``withheld_rates`` says why);
- the headline rate of each leg (`deflator rates headline`);
- the rolling-origin backtests of every leg (`deflator backtest`), so `mart_backtests` shows
  how the rates the marts publish have projected.

Each index and each rate is replaced in its own transaction. A failure in one is reported
(run summary, logs, :class:`DerivedReport`) and the rest still run; it never undoes the load,
and that index keeps its previous values until the next run or a manual `deflator indices`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import duckdb
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.logs import event
from warehouse.backtest.legs import LEGS, backtest, replace_backtests
from warehouse.indices import build, data
from warehouse.indices.frontier import frontier_rates
from warehouse.indices.headline import replace_headline
from warehouse.indices.publish import fit_every_index_rate
from warehouse.indices.store import replace_frontier_rates


@dataclass
class DerivedReport:
    """What the rebuild wrote, and what failed (``errors``: step → reason)."""

    indices: list[build.BuildReport] = field(default_factory=list)
    frontier_rates: int = 0
    index_rates: int = 0
    seconds: float = 0.0
    errors: dict[str, str] = field(default_factory=dict)
    skipped: str | None = None  # why nothing was rebuilt

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def index_rows(self) -> int:
        return sum(report.rows for report in self.indices)


def rebuild(con: duckdb.DuckDBPyConnection) -> DerivedReport:
    """Rebuild every index, the frontier rates and every index rate; errors are collected."""
    started = time.perf_counter()
    report = DerivedReport()
    for name in build.INDICES:
        try:
            report.indices.append(build.build_index(con, name, **build.llm_inputs(con, name)))
        except Exception as error:  # one index failing must not stop the others
            report.errors[f"index {name}"] = f"{type(error).__name__}: {error}"
    listings = None
    try:
        listings = data.frontier_listings(con, None)
        rates = frontier_rates(listings, include_reasoning=False)
        replace_frontier_rates(con, rates, None, False)
        report.frontier_rates = len(rates)
    except Exception as error:
        report.errors["frontier rates"] = f"{type(error).__name__}: {error}"
    try:
        outcomes = fit_every_index_rate(con)
        report.index_rates = sum(1 for outcome in outcomes if outcome.rate is not None)
    except Exception as error:
        report.errors["index rates"] = f"{type(error).__name__}: {error}"
    try:
        replace_headline(con)
    except Exception as error:
        report.errors["headline rates"] = f"{type(error).__name__}: {error}"
    try:
        replace_backtests(con, LEGS, backtest(con, LEGS, listings=listings))
    except Exception as error:
        report.errors["backtests"] = f"{type(error).__name__}: {error}"
    report.seconds = time.perf_counter() - started
    return report


@task(name="indices", cache_policy=NO_CACHE)
def rebuild_task(con: duckdb.DuckDBPyConnection) -> DerivedReport:
    """:func:`rebuild` as a Prefect task (its own run in the UI, with its duration)."""
    return rebuild(con)


def rebuild_after_load(con: duckdb.DuckDBPyConnection, loaded_new_prices: bool) -> DerivedReport:
    """Run the rebuild task after a load; never raises (the load stays whatever happens)."""
    if not loaded_new_prices:
        report = DerivedReport(skipped="no source loaded new prices")
        event("indices_skipped", "indices not rebuilt: %s", report.skipped)
        return report
    try:
        report = rebuild_task(con)
    except Exception as error:  # e.g. the task machinery itself
        report = DerivedReport(errors={"indices": f"{type(error).__name__}: {error}"})
    for step, reason in report.errors.items():
        event("indices_failed", "%s failed: %s", step, reason, level=logging.ERROR, step=step)
    event(
        "indices",
        "%s",
        format_derived(report).splitlines()[0],
        indices=len(report.indices),
        index_rows=report.index_rows,
        frontier_rates=report.frontier_rates,
        index_rates=report.index_rates,
        seconds=round(report.seconds, 2),
        ok=report.ok,
    )
    return report


def format_derived(report: DerivedReport) -> str:
    """One line for the run summary (plus one per failure)."""
    if report.skipped:
        return f"indices: not rebuilt ({report.skipped})"
    line = (
        f"indices: {len(report.indices)} of {len(build.INDICES)} rebuilt "
        f"({report.index_rows} rows); decline rates: {report.frontier_rates} frontier, "
        f"{report.index_rates} index; {report.seconds:.1f} s"
    )
    failures = [
        f"indices FAILED {step}: {reason} (prices loaded; rerun `deflator indices`)"
        for step, reason in report.errors.items()
    ]
    return "\n".join([line, *failures])
