"""Observations to Arrow, so DuckDB bulk-loads them in one scan instead of row by row.

Two ways in: :func:`observations_table` turns validated pydantic Observations into columns
(a nightly run: thousands of rows); :func:`conform` takes a table a bulk source built
column-wise (a backfill, a price list: millions of rows, where building one pydantic object
per row costs more than the whole load). A conformed table skipped pydantic's checks, so the
loader runs the same rules set-based over it (``sql/stage_invalid.sql``) before anything of it
is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from schemas.observation import Observation

PRICE_TYPE = pa.decimal128(28, 12)

OBSERVATION_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("leg", pa.string()),
        ("provider", pa.string()),
        ("sku", pa.string()),
        ("model", pa.string()),
        ("component", pa.string()),
        ("tier", pa.string()),
        ("region", pa.string()),
        ("price", PRICE_TYPE),
        ("currency", pa.string()),
        ("unit", pa.string()),
        ("published_text", pa.string()),
        ("published_unit", pa.string()),
        ("observed_at", pa.timestamp("us")),
        ("effective_date", pa.date32()),
        ("source_url", pa.string()),
        ("page_hash", pa.string()),
        ("parser_version", pa.string()),
        ("accelerator", pa.string()),
        ("accelerator_count", pa.int32()),
    ]
)


def utc_naive(moment: datetime) -> datetime:
    """The warehouse stores UTC wall time in TIMESTAMP columns."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def observations_table(observations: Sequence[Observation]) -> pa.Table:
    """A column-wise Arrow table of observations in the warehouse's column order."""
    columns: dict[str, list] = {name: [] for name in OBSERVATION_SCHEMA.names}
    for obs in observations:
        columns["source"].append(obs.source)
        columns["leg"].append(obs.leg.value)
        columns["provider"].append(obs.provider)
        columns["sku"].append(obs.sku)
        columns["model"].append(obs.model)
        columns["component"].append(obs.component.value)
        columns["tier"].append(obs.tier)
        columns["region"].append(obs.region)
        columns["price"].append(obs.price)
        columns["currency"].append(obs.currency.value)
        columns["unit"].append(obs.unit.value)
        columns["published_text"].append(obs.published_text)
        columns["published_unit"].append(obs.published_unit)
        columns["observed_at"].append(utc_naive(obs.observed_at))
        columns["effective_date"].append(obs.effective_date)
        columns["source_url"].append(obs.source_url)
        columns["page_hash"].append(obs.page_hash)
        columns["parser_version"].append(obs.parser_version)
        columns["accelerator"].append(obs.accelerator)
        columns["accelerator_count"].append(obs.accelerator_count)
    return pa.table(columns, schema=OBSERVATION_SCHEMA)


BulkRows = pa.Table | ds.Dataset
"""What a bulk source may hand the loader: a table in memory, or a dataset (Parquet files) that
DuckDB scans in batches, so millions of rows never sit in Python's memory at once."""


def conform(rows: BulkRows) -> BulkRows:
    """A bulk source's rows in the warehouse's column order and types (columns by name).

    A table is cast (safely: a price with more than 12 decimals is refused, not rounded); a
    dataset is scanned as it is, so its columns must already have the warehouse's types.

    Raises:
        ValueError: A column is missing, or its values or type do not fit the column.
    """
    schema = rows.schema
    missing = [name for name in OBSERVATION_SCHEMA.names if name not in schema.names]
    if missing:
        raise ValueError(f"observation rows lack column(s): {', '.join(missing)}")
    if isinstance(rows, ds.Dataset):
        wrong = [
            f"{f.name} is {schema.field(f.name).type}, not {f.type}"
            for f in OBSERVATION_SCHEMA
            if not schema.field(f.name).type.equals(f.type)
        ]
        if wrong:
            raise ValueError(f"observation dataset does not fit the warehouse: {'; '.join(wrong)}")
        return rows
    try:
        return rows.select(OBSERVATION_SCHEMA.names).cast(OBSERVATION_SCHEMA)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        raise ValueError(f"observation table does not fit the warehouse: {error}") from error


def row_count(rows: BulkRows) -> int:
    """How many rows a bulk table or dataset holds (a Parquet dataset: from its metadata)."""
    return rows.num_rows if isinstance(rows, pa.Table) else rows.count_rows()


def latest_observed_at(rows: BulkRows) -> datetime | None:
    """The latest ``observed_at`` of bulk rows, as an aware UTC time (they hold UTC wall time)."""
    column = rows.column("observed_at") if isinstance(rows, pa.Table) else None
    if column is None:
        column = rows.to_table(columns=["observed_at"]).column("observed_at")
    latest = pc.max(column).as_py()
    return latest.replace(tzinfo=UTC) if latest is not None else None
