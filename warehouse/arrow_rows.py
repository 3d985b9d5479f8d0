"""Observations to Arrow, so DuckDB bulk-loads them in one scan instead of row by row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pyarrow as pa

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
