"""The backtests of each leg on the warehouse's own history, and the rows they store.

Per leg and method (``deflator backtest``):

- ``llm`` / ``frontier``: every benchmark × threshold frontier (every source, reasoning
  models left out), pooled (series ``*``);
- ``llm`` / ``geks``, ``compute`` / ``geks``, ``energy`` / ``geks``, ``data`` / ``geks``: the
  leg's headline index series (:data:`warehouse.indices.headline.LEG_SERIES`), and every
  segment of the leg's indices pooled (series ``*``), on published months only.

The pooled rows calibrate the cost model's bands (:mod:`warehouse.backtest.calibration`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import duckdb

from warehouse.backtest.rolling import (
    HORIZONS,
    Forecast,
    Summary,
    frontier_forecasts,
    index_forecasts,
    summarize,
)
from warehouse.indices import data
from warehouse.indices.coverage import is_published
from warehouse.indices.frontier import Listing
from warehouse.indices.headline import LEG_SERIES
from warehouse.indices.store import now, read_index, replace_table

LEGS = ("llm", "compute", "energy", "data")
LEG_INDICES = {
    "llm": ("llm_tokens",),
    "compute": ("gpu_hour",),
    "energy": ("electricity",),
    "data": ("storage", "egress"),
}
POOLED = "*"
COLUMNS = (
    "leg", "method", "series", "horizon_months", "n", "first_origin", "last_origin",
    "median_abs_error_log10", "bias_log10", "coverage_fit_band", "band_low_log10",
    "band_high_log10", "coverage_calibrated", "coverage_realtime", "n_realtime", "computed_at",
)  # fmt: skip


@dataclass(frozen=True)
class BacktestRow:
    """One leg × method × series × horizon summary."""

    leg: str
    method: str
    series: str
    summary: Summary


def published_points(con: duckdb.DuckDBPyConnection, index: str, segment: str, method: str):
    """``(month, value)`` of the published months of a stored series."""
    return [
        (p, v) for p, v, items in read_index(con, index, segment, method) if is_published(items)
    ]


def leg_forecasts(
    con: duckdb.DuckDBPyConnection,
    leg: str,
    method: str,
    horizons: Sequence[int],
    listings: Mapping[str, Iterable[Listing]] | None = None,
) -> dict[str, list[Forecast]]:
    """Forecasts per series name of one leg and method (``frontier`` or ``geks``);
    ``listings``: the frontier listings when the caller has read them already."""
    if method == "frontier":
        if listings is None:
            listings = data.frontier_listings(con, None)
        return {POOLED: frontier_forecasts(listings, horizons)}
    segments = con.execute(
        "SELECT DISTINCT index, segment FROM index_values WHERE list_contains(?, index) "
        "AND method = ? ORDER BY ALL",
        [list(LEG_INDICES[leg]), method],
    ).fetchall()
    out: dict[str, list[Forecast]] = {}
    for index, segment in segments:
        name = f"{index}/{segment}"
        out[name] = index_forecasts(name, published_points(con, index, segment, method), horizons)
    return out


def methods(leg: str) -> tuple[str, ...]:
    return ("frontier", "geks") if leg == "llm" else ("geks",)


def backtest_leg(
    con: duckdb.DuckDBPyConnection,
    leg: str,
    horizons: Sequence[int] = HORIZONS,
    listings: Mapping[str, Iterable[Listing]] | None = None,
) -> list[BacktestRow]:
    """Every method of one leg: the headline series' row(s) and the pooled row, per horizon."""
    rows = []
    for method in methods(leg):
        by_series = leg_forecasts(con, leg, method, horizons, listings)
        pooled = [f for forecasts in by_series.values() for f in forecasts]
        headline = [] if method == "frontier" else _headline_series(leg)
        for h in horizons:
            for name in headline:
                if name in by_series:
                    rows.append(BacktestRow(leg, method, name, summarize(by_series[name], h)))
            rows.append(BacktestRow(leg, method, POOLED, summarize(pooled, h)))
    return rows


def _headline_series(leg: str) -> list[str]:
    if leg == "llm":
        return ["llm_tokens/all"]
    return [f"{index}/{segment}" for index, segment in LEG_SERIES[leg]]


def backtest(
    con: duckdb.DuckDBPyConnection,
    legs: Iterable[str] = LEGS,
    horizons: Sequence[int] = HORIZONS,
    listings: Mapping[str, Iterable[Listing]] | None = None,
) -> list[BacktestRow]:
    """The backtest rows of ``legs`` (``listings``: the frontier listings, if already read)."""
    return [row for leg in legs for row in backtest_leg(con, leg, horizons, listings)]


def store_rows(rows: Sequence[BacktestRow]) -> list[tuple]:
    """Rows of the ``backtests`` table."""
    stamp = now()
    out = []
    for r in rows:
        s = r.summary
        out.append(
            (
                r.leg, r.method, r.series, s.horizon, s.n, s.first_origin, s.last_origin,
                s.median_abs_error, s.bias, s.coverage_fit_band, s.band_low, s.band_high,
                s.coverage_calibrated, s.coverage_realtime, s.n_realtime, stamp,
            )
        )  # fmt: skip
    return out


def replace_backtests(
    con: duckdb.DuckDBPyConnection, legs: Sequence[str], rows: Sequence[BacktestRow]
) -> None:
    """Replace the stored rows of ``legs`` with ``rows`` in one transaction."""
    replace_table(
        con, "backtests", COLUMNS, store_rows(rows), "list_contains(?, leg)", [list(legs)]
    )
