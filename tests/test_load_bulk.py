"""Bulk loads: a source hands the loader an Arrow table or a Parquet dataset instead of rows.

The columnar path must store exactly what the pydantic path stores, refuse what pydantic would
refuse (set-based, before anything is stored), and keep every row of a large table.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from tests.warehouse_utils import at, counts, history, obs, outcome
from warehouse.arrow_rows import OBSERVATION_SCHEMA, observations_table
from warehouse.connection import connect
from warehouse.load import load_run

STORED = (
    "SELECT source, provider, sku, component, tier, region, price, currency, unit, "
    "published_text, observed_at, effective_date, page_hash FROM observations ORDER BY ALL"
)
HISTORY = (
    "SELECT series_key, price, valid_from, valid_to, close_reason FROM price_history ORDER BY ALL"
)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def batch():
    """Two series over three nights: a cut, an unchanged price, an implausible one."""
    return [
        obs("m1", "2.5", at(1)),
        obs("m1", "2.5", at(2)),
        obs("m1", "1.25", at(3)),
        obs("m2", "3", at(1)),
        obs("m2", "3000", at(2)),  # above the per-1M ceiling: quarantined
        obs("m2", "3", at(3)),
    ]


def bulk(observations):
    """The pydantic path's outcome, with the same rows handed over as an Arrow table."""
    rows = outcome(observations, at(3))
    return dataclasses.replace(rows, observations=[], table=observations_table(observations))


def test_a_bulk_table_stores_what_the_same_observations_store(con, tmp_path):
    report = load_run(con, "bulk", "backfill", at(4), [bulk(batch())])
    other = connect(tmp_path / "rows.duckdb")
    try:
        load_run(other, "rows", "backfill", at(4), [outcome(batch(), at(3))])
        assert con.execute(STORED).fetchall() == other.execute(STORED).fetchall()
        assert con.execute(HISTORY).fetchall() == other.execute(HISTORY).fetchall()
    finally:
        other.close()
    assert report.sources[0].rows_parsed == 6
    assert report.observations_new == 5
    assert report.quarantined == 1
    assert [row[0] for row in history(con, "m1")] == [Decimal("2.5"), Decimal("1.25")]


def test_a_parquet_dataset_is_loaded_without_reading_it_into_python(con, tmp_path):
    pq.write_table(observations_table(batch()), tmp_path / "rows.parquet")
    rows = dataclasses.replace(
        outcome([], at(3)), table=ds.dataset(tmp_path / "rows.parquet", format="parquet")
    )
    report = load_run(con, "bulk", "backfill", at(4), [rows])
    assert report.sources[0].rows_parsed == 6
    assert counts(con)["observations"] == 5


def _refused(con, table: pa.Table, message: str) -> None:
    """The broken table fails its source alone, with the reason in the ledger; nothing of it
    is stored, and another source in the same run loads."""
    before = counts(con)
    run_id = f"bulk-{before['runs']}"
    rows = dataclasses.replace(outcome([], at(3)), table=table)
    night = at(3 + before["runs"])  # a new night each call: the other source adds one row
    other = outcome([obs("m9", "4", night, source="other")], night, source="other")
    report = load_run(con, run_id, "backfill", at(4), [rows, other])
    assert report.status == "partial"
    status, error = con.execute(
        "SELECT status, error FROM run_sources WHERE run_id = ? AND source = 'testsrc'", [run_id]
    ).fetchone()
    assert status == "failed"
    assert message in error and "previous prices kept" in error
    assert con.execute("SELECT count(*) FROM observations WHERE source = 'testsrc'").fetchone() == (
        0,
    )
    after = counts(con)
    assert after["runs"] == before["runs"] + 1
    assert after["observations"] == before["observations"] + 1  # the other source's m9


def test_rows_pydantic_would_refuse_are_refused_before_anything_is_stored(con):
    good = observations_table(batch())
    wrong_unit = good.set_column(
        good.schema.get_field_index("unit"), "unit", pa.array(["per_hour"] * good.num_rows)
    )
    _refused(con, wrong_unit, "canonical unit")
    bad_hash = good.set_column(
        good.schema.get_field_index("page_hash"), "page_hash", pa.array(["x"] * good.num_rows)
    )
    _refused(con, bad_hash, "sha256")
    no_sku = good.set_column(
        good.schema.get_field_index("sku"), "sku", pa.array([""] * good.num_rows)
    )
    _refused(con, no_sku, "empty source, provider, sku")


def test_a_price_with_more_decimals_than_the_warehouse_keeps_is_refused(con):
    good = observations_table(batch())
    finer = good.set_column(
        good.schema.get_field_index("price"),
        "price",
        pa.array([Decimal("1.0000000000001")] * good.num_rows, pa.decimal128(28, 13)),
    )
    _refused(con, finer, "does not fit the warehouse")
    _refused(con, good.drop_columns(["unit"]), "lack column")


def test_every_row_of_a_table_larger_than_a_row_group_is_stored(con):
    """DuckDB 1.5.5 loses a row group or more appended after an empty Arrow append in one
    transaction; the stage must never start from an empty Arrow scan."""
    rows = 130_000  # more than one row group (122,880)
    one = observations_table([obs("m1", "2.5", at(1))])
    table = pa.table(
        {
            name: pa.repeat(one.column(name)[0], rows).cast(field.type)
            for name, field in zip(OBSERVATION_SCHEMA.names, OBSERVATION_SCHEMA, strict=True)
        },
        schema=OBSERVATION_SCHEMA,
    )
    skus = pc.binary_join_element_wise("m", pc.cast(pa.array(range(rows)), pa.string()), "")
    table = table.set_column(OBSERVATION_SCHEMA.get_field_index("sku"), "sku", skus)
    report = load_run(
        con, "bulk", "backfill", at(4), [dataclasses.replace(outcome([], at(1)), table=table)]
    )
    assert report.observations_new == rows
    assert counts(con)["observations"] == rows
    assert counts(con)["price_history"] == rows


def test_the_report_times_each_step_of_the_load_and_the_summary_prints_them(con):
    from flows.summary import format_summary

    report = load_run(con, "bulk", "backfill", at(4), [bulk(batch())])
    assert list(report.step_seconds) == [
        "arrow", "fetches", "stage", "check", "quarantine", "find new", "insert observations",
        "history points", "history write", "withdrawn", "commit",
    ]  # fmt: skip
    assert all(seconds >= 0 for seconds in report.step_seconds.values())
    last_lines = format_summary(report, "w.duckdb").splitlines()[-2:]
    assert last_lines[0].startswith("load took ") and "(arrow 0.0" in last_lines[0]
    assert last_lines[1] == "warehouse: w.duckdb"
    again = load_run(con, "bulk-2", "backfill", at(4), [bulk(batch())])
    assert again.step_seconds and again.observations_new == 0
