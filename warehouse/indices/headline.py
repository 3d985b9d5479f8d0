"""The number to quote: one decline rate per leg, and the three LLM measures side by side.

Per leg (docs/which-rate-to-quote.md says when to use which):

- **compute**: the GEKS index of every on-demand GPU-hour price (``gpu_hour`` / ``all``);
- **energy**: the GEKS index of the monthly US electricity series (``electricity`` / ``all``);
- **data**: the GEKS index of standard-class storage (``storage`` / ``tier:standard``), or of
  all storage when the standard class has too few items;

each fitted over the last :data:`WINDOW_MONTHS` months up to its last published month, on
published months only (coverage rules: :mod:`warehouse.indices.coverage`).

- **llm**: quoted is the **threshold frontier**, the median of the frontier rates (every
  source, reasoning models left out) over the benchmark × threshold rows with at least
  ``MIN_ITEMS`` frontier points; its 90% interval is the distribution-free interval of that
  median (order statistics, binomial). Beside it, not quoted: the **matched-model** GEKS rate
  of ``llm_tokens`` / ``all`` and the **hedonic** time-dummy rate, same window as the other
  legs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from statistics import median

import duckdb

from warehouse.indices.coverage import MIN_ITEMS, covered_rate
from warehouse.indices.store import now, read_index, replace_table

WINDOW_MONTHS = 36
# Per leg, the series to quote, in order of preference: the first with a rate is quoted.
LEG_SERIES = {
    "compute": (("gpu_hour", "all"),),
    "energy": (("electricity", "all"),),
    "data": (("storage", "tier:standard"), ("storage", "all")),
}
LEGS = ("llm", "compute", "energy", "data")
WHY_LLM_DIFFER = (
    "They measure different prices: the frontier follows the cheapest model at a fixed "
    "benchmark score, which falls fastest because newer, smaller models reach old scores; "
    "the hedonic index prices a fixed score across every listing, expensive ones included; "
    "the matched-model index follows each listing's own price, and providers rarely cut the "
    "price of a model they already sell."
)
COLUMNS = (
    "leg", "measure", "quote", "index", "segment", "method", "window_start", "window_end",
    "n_points", "items", "factor_per_year", "ci90_low", "ci90_high", "percent_per_year", "note",
)  # fmt: skip
_FRONTIER_SQL = """
SELECT factor_per_year, n_points, start_date, end_date
FROM decline_rates
WHERE kind = 'frontier' AND source = '*' AND NOT include_reasoning
ORDER BY factor_per_year
"""


@dataclass(frozen=True)
class HeadlineRate:
    """One row of ``headline_rates``: a leg's rate by one measure."""

    leg: str
    measure: str
    quote: bool
    index: str | None
    segment: str | None
    method: str
    window_start: date | None
    window_end: date | None
    n_points: int | None
    items: int | None
    factor_per_year: float | None
    ci90_low: float | None
    ci90_high: float | None
    note: str

    @property
    def percent_per_year(self) -> float | None:
        if self.factor_per_year is None:
            return None
        return (1.0 - 1.0 / self.factor_per_year) * 100.0

    def as_row(self) -> tuple:
        return (
            self.leg, self.measure, self.quote, self.index, self.segment, self.method,
            self.window_start, self.window_end, self.n_points, self.items, self.factor_per_year,
            self.ci90_low, self.ci90_high, self.percent_per_year, self.note,
        )  # fmt: skip


def months_before(day: date, months: int) -> date:
    """The first of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def window_start(series: Sequence[tuple[date, float, int]], min_items: int = MIN_ITEMS):
    """Start of the last :data:`WINDOW_MONTHS` months up to the last published month."""
    published = [p for p, _, items in series if items >= min_items]
    return months_before(published[-1], WINDOW_MONTHS - 1) if published else None


def index_headline(
    con: duckdb.DuckDBPyConnection,
    leg: str,
    index: str,
    segment: str,
    method: str,
    measure: str,
    quote: bool,
    note: str,
) -> HeadlineRate:
    """The rate of one stored series over its recent window, or a row saying why none."""
    series = read_index(con, index, segment, method)
    since = window_start(series)
    rate, coverage = covered_rate(series, since) if series else (None, None)
    if rate is None:
        why = coverage.reason if coverage else "index not built"
        return HeadlineRate(
            leg, measure, quote, index, segment, method, since, None, None, None, None, None,
            None, f"no rate: {why}",
        )  # fmt: skip
    return HeadlineRate(
        leg, measure, quote, index, segment, method, rate.start_date, rate.end_date,
        rate.n_points, coverage.fewest_items, rate.factor_per_year, rate.ci90_low,
        rate.ci90_high, note,
    )  # fmt: skip


def median_interval(values: Sequence[float], level: float = 0.90) -> tuple[float, float]:
    """Distribution-free interval of a median: order statistics ``x(k)``, ``x(n-k+1)`` with
    the largest ``k`` such that ``P(Binomial(n, 1/2) < k) ≤ (1 - level) / 2``."""
    ordered = sorted(values)
    n = len(ordered)
    tail, k, cumulative = (1.0 - level) / 2.0, 0, 0.0
    while k < n:
        cumulative += math.comb(n, k) / 2.0**n  # P(B ≤ k) after adding P(B = k)
        if cumulative > tail:
            break
        k += 1
    if k == 0:  # too few values for the level: the whole range
        return ordered[0], ordered[-1]
    return ordered[k - 1], ordered[n - k]


def frontier_headline(con: duckdb.DuckDBPyConnection, min_points: int = MIN_ITEMS):
    """The median frontier rate over thresholds with at least ``min_points`` points."""
    rows = [r for r in con.execute(_FRONTIER_SQL).fetchall() if r[1] >= min_points]
    if not rows:
        return HeadlineRate(  # nothing to quote: quote is false, the note says why
            "llm", "frontier", False, None, None, "frontier", None, None, 0, None, None, None,
            None, f"no rate: no frontier threshold with {min_points} points "
            "(run `deflator rates frontier`)",
        )  # fmt: skip
    factors = [r[0] for r in rows]
    low, high = median_interval(factors)
    return HeadlineRate(
        "llm", "frontier", True, None, f"median of {len(rows)} thresholds", "frontier",
        min(r[2] for r in rows), max(r[3] for r in rows), len(rows), min(r[1] for r in rows),
        median(factors), low, high,
        f"price of a fixed capability (cheapest model at a benchmark score); {WHY_LLM_DIFFER}",
    )  # fmt: skip


def headline_rates(con: duckdb.DuckDBPyConnection) -> list[HeadlineRate]:
    """Every leg's rate to quote, and the LLM measures beside the quoted one."""
    rows = [
        frontier_headline(con),
        index_headline(
            con, "llm", "llm_tokens", "all", "geks", "matched-model", False,
            "the same listing's price over time (list-price cuts of models on sale)",
        ),
        index_headline(
            con, "llm", "llm_tokens", "all", "hedonic", "hedonic", False,
            "price of fixed benchmark scores over every listing (time-dummy regression)",
        ),
    ]  # fmt: skip
    for leg, candidates in LEG_SERIES.items():
        tried = []
        for index, segment in candidates:
            row = index_headline(
                con, leg, index, segment, "geks", "matched-model", True,
                f"the same {index} items' prices over time (GEKS, {segment})",
            )  # fmt: skip
            if row.factor_per_year is not None:
                break
            tried.append(f"{segment}: {row.note}")
        if tried and row.factor_per_year is not None:
            row = replace(row, note=f"{row.note}; not {'; '.join(tried)}")
        if row.factor_per_year is None:  # no series has a rate: the leg has none to quote
            row = replace(row, quote=False)
        rows.append(row)
    return rows


def replace_headline(con: duckdb.DuckDBPyConnection) -> list[HeadlineRate]:
    """Compute the headline rates and replace the ``headline_rates`` rows."""
    rows = headline_rates(con)
    stamp = now()
    replace_table(
        con, "headline_rates", (*COLUMNS, "computed_at"), [(*r.as_row(), stamp) for r in rows]
    )
    return rows
