"""Write and read the index and rate tables (index_values, decline_rates, frontier_points).

Each write replaces the rows of its scope inside one transaction, so a reader sees either
the old or the new computation, never a mix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa

from warehouse.backends import rollback
from warehouse.indices.coverage import MIN_ITEMS, RateCoverage
from warehouse.indices.frontier import FrontierRate
from warehouse.indices.jevons import IndexPoint
from warehouse.indices.rates import DeclineRate, halving_months, percent_per_year
from warehouse.sqlfiles import sql

ALL_SOURCES = "*"
INDEX_COLUMNS = (
    "index", "segment", "method", "period", "value", "items", "min_items", "computed_at",
)  # fmt: skip
RATE_COLUMNS = (
    "kind", "source", "include_reasoning", "benchmark", "threshold_model", "threshold_score",
    "index", "segment", "method", "since", "n_points", "start_date", "end_date",
    "factor_per_year", "ci90_low", "ci90_high", "r_squared", "percent_per_year",
    "halving_months", "computed_at",
)  # fmt: skip
FRONTIER_POINT_COLUMNS = (
    "source", "include_reasoning", "benchmark", "threshold_model", "threshold_score", "point",
    "day", "model", "model_id", "price", "score", "computed_at",
)  # fmt: skip


def now() -> datetime:
    """The current UTC time, naive (the warehouse stores UTC without zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class IndexSeries:
    """One index × segment × method, ready to store."""

    index: str
    segment: str
    method: str
    points: Sequence[IndexPoint]


def _append(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], rows: Sequence[tuple]
) -> None:
    """Append rows column-wise through Arrow, in one statement.

    Not ``executemany``: it converts every Python value on its own (0.75 ms a row measured:
    2.7 s for one index of 3,540 rows; bench/README.md), Arrow converts each column once.
    """
    arrow = pa.table(
        {name: list(values) for name, values in zip(columns, zip(*rows, strict=True), strict=True)}
    )
    con.register("store_rows", arrow)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM store_rows")
    finally:
        con.unregister("store_rows")


def _transaction(con: duckdb.DuckDBPyConnection, work) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        work()
        con.execute("COMMIT")
    except Exception:
        rollback(con)
        raise


def replace_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple],
    where: str = "true",
    params: Sequence = (),
) -> None:
    """Replace the rows of a derived table (headline rates, backtests) that match ``where``
    (default: every row) with ``rows``, in one transaction."""

    def work() -> None:
        con.execute(f"DELETE FROM {table} WHERE {where}", list(params))
        if rows:
            _append(con, table, columns, rows)

    _transaction(con, work)


def replace_index(
    con: duckdb.DuckDBPyConnection,
    index: str,
    series: Iterable[IndexSeries],
    min_items: int = MIN_ITEMS,
) -> int:
    """Replace every row of ``index`` with ``series``; returns the rows written.

    Every row records ``min_items``, the item floor under which it is not published
    (:mod:`warehouse.indices.coverage`).
    """
    stamp = now()
    rows = [
        (s.index, s.segment, s.method, p.period, p.value, p.items, min_items, stamp)
        for s in series
        for p in s.points
    ]
    if any(row[0] != index for row in rows):
        raise ValueError(f"every series must belong to index {index!r}")

    def work() -> None:
        con.execute("DELETE FROM index_values WHERE index = ?", [index])
        if rows:
            _append(con, "index_values", INDEX_COLUMNS, rows)

    _transaction(con, work)
    return len(rows)


def read_index(
    con: duckdb.DuckDBPyConnection, index: str, segment: str, method: str
) -> list[tuple[date, float, int]]:
    """(period, value, items) of one stored index series, oldest first."""
    return con.execute(
        "SELECT period, value, items FROM index_values "
        "WHERE index = ? AND segment = ? AND method = ? ORDER BY period",
        [index, segment, method],
    ).fetchall()


def replace_frontier_rates(
    con: duckdb.DuckDBPyConnection,
    rates: Sequence[FrontierRate],
    source: str | None,
    include_reasoning: bool,
) -> None:
    """Store one `rates frontier` computation, replacing the previous one of the same scope."""
    stamp = now()
    scope = source or ALL_SOURCES
    rows = [
        (
            "frontier",
            scope,
            include_reasoning,
            r.benchmark,
            r.threshold_model,
            r.threshold_score,
            None,
            None,
            None,
            None,
            r.n_points,
            r.start_date,
            r.end_date,
            r.factor_per_year,
            r.ci90_low,
            r.ci90_high,
            r.r_squared,
            percent_per_year(r.factor_per_year),
            halving_months(r.factor_per_year),
            stamp,
        )
        for r in rates
    ]
    points = [
        (
            scope,
            include_reasoning,
            r.benchmark,
            r.threshold_model,
            r.threshold_score,
            number,
            p.day,
            p.model,
            p.model_id,
            p.price,
            p.score,
            stamp,
        )
        for r in rates
        for number, p in enumerate(r.points, start=1)
    ]

    def work() -> None:
        con.execute(
            "DELETE FROM decline_rates WHERE kind = 'frontier' AND source = ? "
            "AND include_reasoning = ?",
            [scope, include_reasoning],
        )
        if rows:
            _append(con, "decline_rates", RATE_COLUMNS, rows)
        # The points behind each rate (mart_frontier_points draws them with the fitted trend).
        con.execute(
            "DELETE FROM frontier_points WHERE source = ? AND include_reasoning = ?",
            [scope, include_reasoning],
        )
        if points:
            _append(con, "frontier_points", FRONTIER_POINT_COLUMNS, points)

    _transaction(con, work)


def _rate_rows(
    scope: Sequence, rate: DeclineRate | None, coverage: RateCoverage | None, stamp: datetime
) -> tuple[tuple | None, tuple | None]:
    """The ``decline_rates`` row of a rate, or the ``withheld_rates`` row of its reason."""
    if rate is not None:
        return (
            "index", ALL_SOURCES, False, None, None, None, *scope, rate.n_points,
            rate.start_date, rate.end_date, rate.factor_per_year, rate.ci90_low,
            rate.ci90_high, rate.r_squared, rate.percent_per_year, rate.halving_months,
            coverage.fewest_items if coverage else None,
            coverage.min_items if coverage else None, stamp,
        ), None  # fmt: skip
    if coverage is None or coverage.reason is None:
        raise ValueError("a withheld rate needs its coverage and reason")
    return None, (
        *scope, coverage.months, coverage.months_published, coverage.most_items,
        coverage.min_items, coverage.reason, stamp,
    )  # fmt: skip


RATE_ROW_COLUMNS = (*RATE_COLUMNS[:-1], "items", "min_items", "computed_at")
WITHHELD_COLUMNS = (
    "index", "segment", "method", "since", "months", "months_published", "most_items",
    "min_items", "reason", "computed_at",
)  # fmt: skip


def replace_index_rate(
    con: duckdb.DuckDBPyConnection,
    index: str,
    segment: str,
    method: str,
    since: date | None,
    rate: DeclineRate | None,
    coverage: RateCoverage | None = None,
) -> None:
    """Store one index decline rate, or the reason it has none (``withheld_rates``), replacing
    the previous outcome of the same scope. Without ``coverage`` the rate is stored as fitted
    on every month (no coverage rule known)."""
    scope = [index, segment, method, since]
    fitted, withheld = _rate_rows(scope, rate, coverage, now())

    def work() -> None:
        for table in ("decline_rates", "withheld_rates"):
            kind = "kind = 'index' AND " if table == "decline_rates" else ""
            con.execute(
                f"DELETE FROM {table} WHERE {kind}index = ? AND segment = ? "
                "AND method = ? AND since IS NOT DISTINCT FROM ?",
                scope,
            )
        if fitted:
            con.execute(sql("insert_decline_rate"), list(fitted))
        else:
            _append(con, "withheld_rates", WITHHELD_COLUMNS, [withheld])

    _transaction(con, work)


def replace_whole_span_index_rates(
    con: duckdb.DuckDBPyConnection,
    outcomes: Iterable[tuple[str, str, str, DeclineRate | None, RateCoverage]],
) -> None:
    """Replace every whole-span (``since`` NULL) index rate and withheld rate at once, in one
    transaction: what the rebuild after a load fits for every stored series."""
    stamp = now()
    fitted, withheld = [], []
    for index, segment, method, rate, coverage in outcomes:
        row, reason = _rate_rows([index, segment, method, None], rate, coverage, stamp)
        (fitted if row else withheld).append(row or reason)

    def work() -> None:
        con.execute("DELETE FROM decline_rates WHERE kind = 'index' AND since IS NULL")
        con.execute("DELETE FROM withheld_rates WHERE since IS NULL")
        if fitted:
            _append(con, "decline_rates", RATE_ROW_COLUMNS, fitted)
        if withheld:
            _append(con, "withheld_rates", WITHHELD_COLUMNS, withheld)

    _transaction(con, work)
