"""`deflator export`: every mart as Parquet or CSV, read back with pyarrow and DuckDB and
compared with `deflator query` (row counts and known prices, exact)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from flows.cli import main
from tests.mart_utils import query
from warehouse.export import MartsMissing, export_marts
from warehouse.marts.catalog import MARTS, mart
from warehouse.snapshot import snapshot_path

P5 = "sku = 'p5.48xlarge' and region = 'us-east-1' and tier = 'standard'"


@pytest.fixture
def db(mart_warehouse):
    return mart_warehouse


def read_back_pyarrow(folder: Path) -> pa.Table:
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table()


def read_back_duckdb(folder: Path, where: str = "true") -> list[dict]:
    pattern = str(folder / "**" / "*.parquet")
    cursor = duckdb.sql(
        f"select * from read_parquet('{pattern}', hive_partitioning = true) where {where}"
    )
    return [dict(zip(cursor.columns, row, strict=True)) for row in cursor.fetchall()]


def counts(db: Path, capsys) -> dict[str, int]:
    """Rows of every mart in the published snapshot the export reads (one connection, not a
    `deflator query` per mart: those are tested in test_query*.py)."""
    con = duckdb.connect(str(snapshot_path(db)), read_only=True)
    try:
        return {m.name: con.execute(f"select count(*) from {m.name}").fetchone()[0] for m in MARTS}
    finally:
        con.close()


def assert_parquet_matches(db: Path, out: Path, capsys) -> None:
    """Every mart's Parquet folder: same rows as the mart, and the p5 price exact."""
    expected = counts(db, capsys)
    for entry in MARTS:
        folder = out / entry.name
        table = read_back_pyarrow(folder)
        assert table.num_rows == expected[entry.name], entry.name
        assert set(table.column_names) == set(entry.column_names), entry.name
        assert len(read_back_duckdb(folder)) == expected[entry.name], entry.name
    (truth,) = query(
        db, f"select price, per_gpu_hour, source from mart_current_prices where {P5}", capsys
    )
    prices = read_back_pyarrow(out / "mart_current_prices")
    assert prices.schema.field("price").type == pa.decimal128(28, 12)
    rows = [
        r
        for r in prices.to_pylist()
        if r["sku"] == "p5.48xlarge" and r["region"] == "us-east-1" and r["tier"] == "standard"
    ]
    assert [(r["price"], r["per_gpu_hour"], r["source"], r["leg"]) for r in rows] == [
        (truth["price"], truth["per_gpu_hour"], truth["source"], "compute")
    ]
    via_duckdb = read_back_duckdb(out / "mart_current_prices", P5)
    assert [(r["price"], r["per_gpu_hour"], r["leg"]) for r in via_duckdb] == [
        (truth["price"], truth["per_gpu_hour"], "compute")
    ]


def test_parquet_round_trip(db, tmp_path, capsys):
    out = tmp_path / "parquet"
    assert main(["--db", str(db), "export", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "mart_price_changes" in printed and "16" in printed
    assert_parquet_matches(db, out, capsys)
    assert (out / "mart_current_prices" / "leg=compute" / "data_0.parquet").is_file()
    assert (out / "mart_decline_rates" / "mart_decline_rates.parquet").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "parquet"
    assert manifest["source"].endswith("w.read.duckdb")  # the read snapshot, not the warehouse
    entry = manifest["marts"]["mart_price_changes"]
    assert (entry["rows"], entry["partition_by"]) == (16, ["leg"])
    assert [c["name"] for c in entry["columns"]] == mart("mart_price_changes").column_names
    # A second export replaces the first whole and leaves no temporary files behind.
    assert main(["--db", str(db), "export", "--out", str(out)]) == 0
    assert_parquet_matches(db, out, capsys)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_csv_round_trip(db, tmp_path, capsys):
    out = tmp_path / "csv"
    assert main(["--db", str(db), "export", "--format", "csv", "--out", str(out)]) == 0
    expected = counts(db, capsys)
    for entry in MARTS:
        path = out / f"{entry.name}.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == expected[entry.name], entry.name
        assert duckdb.sql(f"select count(*) from read_csv('{path}')").fetchone()[0] == len(rows)
        assert list(rows[0]) == entry.column_names if rows else True
    with (out / "mart_current_prices.csv").open(newline="", encoding="utf-8") as handle:
        p5 = [
            r
            for r in csv.DictReader(handle)
            if r["sku"] == "p5.48xlarge" and r["region"] == "us-east-1"
        ]
    assert [(Decimal(r["price"]), Decimal(r["per_gpu_hour"])) for r in p5] == [
        (Decimal("55.04"), Decimal("6.88"))
    ]


def test_a_snapshot_without_marts_says_what_to_do(tmp_path):
    old = tmp_path / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("create table runs (run_id varchar)")
    with pytest.raises(MartsMissing, match="published before the marts existed"):
        export_marts(con, tmp_path / "out", "parquet", source=old)
    with pytest.raises(ValueError, match="unknown format"):
        export_marts(con, tmp_path / "out", "xlsx")
    con.close()


@pytest.mark.flow
def test_export_of_the_recorded_data(full_warehouse, tmp_path, capsys):
    out = tmp_path / "parquet"
    assert main(["--db", str(full_warehouse), "export", "--out", str(out)]) == 0
    assert_parquet_matches(full_warehouse, out, capsys)  # AWS p5 in us-east-1: $55.04, 6.88
    gpt_4o = "model_id = 'gpt-4o' and component = 'input' and tier = 'standard'"
    rows = read_back_duckdb(out / "mart_current_prices", gpt_4o)
    assert [(r["price"], r["source"]) for r in rows] == [(Decimal("2.5"), "openai_pricing")]
    csv_out = tmp_path / "csv"
    command = ["--db", str(full_warehouse), "export", "--format", "csv", "--out", str(csv_out)]
    assert main(command) == 0
    expected = counts(full_warehouse, capsys)
    for entry in MARTS:
        path = csv_out / f"{entry.name}.csv"
        assert (
            duckdb.sql(f"select count(*) from read_csv('{path}')").fetchone()[0]
            == (expected[entry.name])
        ), entry.name
