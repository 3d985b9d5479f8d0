"""Fit and store the decline rates of stored index series under the coverage rules.

What `deflator rates index` does for one series and the nightly rebuild for every series:
read the series from ``index_values``, fit it on its published months only
(:func:`warehouse.indices.coverage.covered_rate`), store the rate, or store why there is none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from warehouse.indices.coverage import MIN_ITEMS, RateCoverage, covered_rate
from warehouse.indices.rates import DeclineRate
from warehouse.indices.store import (
    read_index,
    replace_index_rate,
    replace_whole_span_index_rates,
)

SERIES_SQL = (
    "SELECT index, segment, method, period, value, items FROM index_values "
    "ORDER BY index, segment, method, period"
)


@dataclass(frozen=True)
class IndexRateOutcome:
    """One series' rate (None when withheld) and its coverage."""

    index: str
    segment: str
    method: str
    rate: DeclineRate | None
    coverage: RateCoverage


def fit_index_rate(
    con: duckdb.DuckDBPyConnection,
    index: str,
    segment: str,
    method: str,
    since: date | None = None,
    min_items: int = MIN_ITEMS,
) -> IndexRateOutcome | None:
    """Fit one stored series and store the outcome; None when the series is not stored."""
    series = read_index(con, index, segment, method)
    if not series:
        return None
    rate, coverage = covered_rate(series, since, min_items)
    replace_index_rate(con, index, segment, method, since, rate, coverage)
    return IndexRateOutcome(index, segment, method, rate, coverage)


def fit_every_index_rate(con: duckdb.DuckDBPyConnection) -> list[IndexRateOutcome]:
    """Fit every stored series over its whole span and replace every whole-span rate in one
    transaction (a series no longer stored loses its rate); returns every outcome."""
    series: dict[tuple[str, str, str], list[tuple]] = {}
    for index, segment, method, period, value, items in con.execute(SERIES_SQL).fetchall():
        series.setdefault((index, segment, method), []).append((period, value, items))
    out = [IndexRateOutcome(*key, *covered_rate(points)) for key, points in series.items()]
    replace_whole_span_index_rates(
        con, [(o.index, o.segment, o.method, o.rate, o.coverage) for o in out]
    )
    return out
