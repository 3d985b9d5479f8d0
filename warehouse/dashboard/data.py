"""The dashboard's datasets: the rows of the marts it shows, each with the SQL that read them.

Every number on the page is one of these rows; the page embeds them (with their SQL) so that
anyone can check it against `deflator query` on the same warehouse, and the tests do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import duckdb

# The frontier the page opens on: GPQA Diamond at its lowest threshold (GPT-4's level), every
# price source, reasoning models left out (Epoch AI's setting).
DEFAULT_BENCHMARK = "gpqa_diamond"
RECENT_CHANGES = 200

QUERIES: dict[str, str] = {
    "frontier_rates": """
        SELECT source, include_reasoning, benchmark, threshold_model, threshold_score,
               n_points, start_date, end_date, factor_per_year, ci90_low, ci90_high,
               r_squared
        FROM mart_decline_rates
        WHERE kind = 'frontier'
        ORDER BY source, include_reasoning, benchmark, threshold_score, threshold_model
    """,
    "frontier_points": """
        SELECT source, include_reasoning, benchmark, threshold_model, threshold_score,
               point, day, model, price, score, trend_price
        FROM mart_frontier_points
        ORDER BY source, include_reasoning, benchmark, threshold_score, threshold_model, point
    """,
    "gpu_prices": """
        SELECT accelerator_family, provider, month, per_gpu_hour, listings, sources
        FROM mart_gpu_prices_monthly
        ORDER BY accelerator_family, provider, month
    """,
    "electricity_index": """
        SELECT segment, month, value, items
        FROM mart_index_monthly
        WHERE index = 'electricity' AND method = 'geks' AND published
        ORDER BY segment, month
    """,
    "storage_index": """
        SELECT index, segment, month, value, items
        FROM mart_index_monthly
        WHERE index IN ('storage', 'egress') AND method = 'geks' AND published
        ORDER BY index, segment, month
    """,
    # Opens on standard (on-demand) list prices per GPU-hour, cheapest first within each
    # accelerator; spot/reserved tiers, market indicators (medians of offer logs, from
    # datasets) and the other legs follow.
    "current_prices": """
        SELECT leg, model_id, provider, sku, per_gpu_hour, price, currency || ' ' || unit AS unit,
               component, tier, region, source, CAST(valid_from AS DATE) AS since
        FROM mart_current_prices
        ORDER BY per_gpu_hour IS NULL, source_kind = 'dataset', tier <> 'standard', leg,
                 accelerator, model_id, per_gpu_hour, provider, sku, component, tier, region,
                 currency
    """,
    "price_changes": f"""
        SELECT changed_at, leg, change, source, provider, sku, model_id, component, tier,
               region, currency, old_price, new_price, percent
        FROM mart_price_changes
        WHERE change IN ('down', 'up')
        ORDER BY changed_at DESC, leg, source, provider, sku, component, tier, region, currency
        LIMIT {RECENT_CHANGES}
    """,
    "source_health": """
        SELECT source, leg, source_kind, last_status, last_run_at, last_mode, last_ok_at,
               consecutive_failures, failed_runs, runs, rows_parsed, prices_in_force,
               last_observed_at, last_error
        FROM mart_source_health
        ORDER BY leg, source
    """,
}


@dataclass(frozen=True)
class Dataset:
    """The rows one query read, as JSON-ready values (see :func:`json_value`)."""

    name: str
    sql: str
    columns: list[str]
    rows: list[list[object]]

    def records(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def as_json(self) -> dict[str, object]:
        return {"sql": self.sql, "columns": self.columns, "rows": self.rows}


def json_value(value: object) -> object:
    """A value as the page stores it: money (Decimal) as its exact digits in a string, dates
    and times in ISO 8601, everything else as JSON has it."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def normalize_sql(text: str) -> str:
    """The SQL as embedded: the query's lines without their common indentation."""
    lines = [line.strip() for line in text.strip().splitlines()]
    return "\n".join(line for line in lines if line)


def read_datasets(con: duckdb.DuckDBPyConnection) -> dict[str, Dataset]:
    """Every dataset of the page, read in one transaction (one consistent snapshot)."""
    out: dict[str, Dataset] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for name, query in QUERIES.items():
            text = normalize_sql(query)
            cursor = con.execute(text)
            columns = [d[0] for d in cursor.description]
            rows = [[json_value(v) for v in row] for row in cursor.fetchall()]
            out[name] = Dataset(name, text, columns, rows)
    finally:
        con.execute("ROLLBACK")
    return out
