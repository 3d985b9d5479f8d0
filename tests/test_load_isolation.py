"""One bad value never sinks a night (issue 18): the loader on real recordings with one value
made absurd, loaded beside other sources.

A price of 1e16 or more does not fit the warehouse's DECIMAL(28, 12); before this, the Arrow
conversion of the one table staged for all sources failed and nothing loaded, not even the
ledger row. The values are the issue's: a RunPod ``communityPrice`` of 1e16 and an OpenRouter
``prompt`` of "10000000000" (1e16 per 1M tokens), each in a copy of the real recording (read
in place from the shared data folder, altered in memory).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from scrapers.json_numbers import loads_exact
from scrapers.registry import all_sources
from tests.source_utils import page_of
from tests.warehouse_utils import at, counts, obs, outcome
from warehouse.arrow_rows import observations_table
from warehouse.connection import connect
from warehouse.load import FetchRecord, SourceOutcome, load_run

RUNPOD_CUT = (b'"communityPrice": 1.19', b'"communityPrice": 1e16')  # NVIDIA A100 80GB PCIe
OPENROUTER_CUT = (b'"prompt": "0.00000045"', b'"prompt": "10000000000"')  # qwen/qwen3.8-27b
OUT_OF_RANGE = "price out of range: the warehouse stores prices below 10^16 (DECIMAL(28, 12))"


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def recorded_outcome(
    shared_data: Path,
    name: str,
    cut: tuple[bytes, bytes] | None = None,
    prefix: bytes = b"",
    days_later: int = 0,
) -> SourceOutcome:
    """A source's real recording (one value replaced, or a prefix added), parsed."""
    source = all_sources()[name]
    recording = source.recordings[0]
    body = (shared_data / recording.path).read_bytes()
    if cut is not None:
        assert body.count(cut[0]) >= 1, cut[0]
        body = body.replace(cut[0], cut[1], 1)
    when = recording.captured_at + timedelta(days=days_later)
    page = page_of(source, recording.url, prefix + body, when, recording.content_type)
    result = source.parse(page)
    return SourceOutcome(
        name,
        source.leg.value,
        "ok",
        fetches=[FetchRecord.of(page)],
        observations=result.observations,
        problems=result.problems,
        skipped=result.skipped,
    )


def test_absurd_prices_in_two_sources_are_set_aside_and_both_sources_load(con, shared_data):
    outcomes = [
        recorded_outcome(shared_data, "runpod_gpu_types", RUNPOD_CUT),
        recorded_outcome(shared_data, "openrouter", OPENROUTER_CUT),
    ]
    report = load_run(con, "r1", "offline", datetime.now(UTC), outcomes)
    assert report.status == "ok"
    by = {s.source: s for s in report.sources}
    # 25 RunPod prices parsed, 24 stored; 1360 OpenRouter prices parsed, 1359 stored
    assert (by["runpod_gpu_types"].rows_parsed, by["runpod_gpu_types"].rows_new) == (25, 24)
    assert (by["openrouter"].rows_parsed, by["openrouter"].rows_new) == (1360, 1359)
    assert con.execute("SELECT status, sources_ok, observations_new FROM runs").fetchall() == [
        ("ok", 2, 1383)
    ]
    problems = con.execute(
        "SELECT source, location, text, reason FROM parse_problems "
        "WHERE reason LIKE 'price out of range%' ORDER BY source"
    ).fetchall()
    assert [(s, where, text) for s, where, text, _ in problems] == [
        ("openrouter", "openrouter / qwen/qwen3.8-27b / input / standard / global", "10000000000"),
        (
            "runpod_gpu_types",
            "runpod / NVIDIA A100 80GB PCIe / gpu_hour / community / global",
            "1e16",
        ),
    ]
    assert problems[1][3].startswith(OUT_OF_RANGE)
    assert problems[1][3].endswith("(read as 1E+16 per_hour)")
    # the sku's other price (securePrice 1.59) is stored; the absurd one is nowhere
    a100 = con.execute(
        "SELECT tier, price FROM price_history WHERE sku = 'NVIDIA A100 80GB PCIe' ORDER BY tier"
    ).fetchall()
    assert a100 == [("standard", Decimal("1.59"))]


def test_the_largest_storable_price_is_quarantined_not_set_aside(con, shared_data):
    """9999999999999999 fits DECIMAL(28, 12): the plausibility ceiling quarantines it."""
    cut = (b'"communityPrice": 1.19', b'"communityPrice": 9999999999999999')
    report = load_run(
        con, "r1", "offline", at(1), [recorded_outcome(shared_data, "runpod_gpu_types", cut)]
    )
    assert (report.sources[0].rows_quarantined, report.sources[0].problems) == (1, 0)
    assert con.execute("SELECT price, reason FROM quarantine").fetchall() == [
        (
            Decimal("9999999999999999"),
            "implausible: above $2,000 per hour: no GPU instance lists that high",
        )
    ]


def test_a_set_aside_series_keeps_its_price_in_force_and_is_not_missing(con, shared_data):
    load_run(con, "r1", "offline", at(1), [recorded_outcome(shared_data, "runpod_gpu_types")])
    for night in (2, 3):  # twice: a missing series would be withdrawn on the second night
        report = load_run(
            con,
            f"r{night}",
            "offline",
            at(night),
            [recorded_outcome(shared_data, "runpod_gpu_types", RUNPOD_CUT, days_later=night)],
        )
        assert report.withdrawn == [] and report.pending == []
    assert con.execute(
        "SELECT price, valid_to FROM price_history "
        "WHERE sku = 'NVIDIA A100 80GB PCIe' AND tier = 'community'"
    ).fetchall() == [(Decimal("1.19"), None)]


def test_a_source_whose_every_price_is_out_of_range_fails_alone(con):
    absurd = [obs("m1", "1e17", at(1)), obs("m2", "2e16", at(1))]
    fine = outcome([obs("m3", "2.5", at(1), source="other")], at(1), source="other")
    report = load_run(con, "r1", "offline", at(1), [outcome(absurd, at(1)), fine])
    by = {s.source: s for s in report.sources}
    assert report.status == "partial"
    assert by["testsrc"].status == "failed"
    assert by["testsrc"].error == (
        "every price out of range (2 rows; see parse_problems); previous prices kept"
    )
    assert by["other"].rows_new == 1
    assert counts(con)["parse_problems"] == 2


def test_a_bulk_table_with_a_1e17_price_loses_that_row_only(con):
    """A backfill table built column-wise, with a price of 1e17 in a wider decimal column."""
    rows = [obs("s3", "0.023", at(1)), obs("s3", "1", at(2)), obs("s3", "0.021", at(3))]
    prices = pa.array([Decimal("0.023"), Decimal("1e17"), Decimal("0.021")], pa.decimal128(38, 12))
    table = observations_table(rows)
    table = table.set_column(table.schema.get_field_index("price"), "price", prices)
    table = table.set_column(
        table.schema.get_field_index("published_text"),
        "published_text",
        pa.array(["0.023", "1e17", "0.021"]),
    )
    bulk = dataclasses.replace(outcome([], at(3)), table=table)
    other = outcome([obs("m9", "4", at(3), source="other")], at(3), source="other")
    report = load_run(con, "b1", "backfill", at(4), [bulk, other])
    assert report.status == "ok"
    by = {s.source: s for s in report.sources}
    assert (by["testsrc"].rows_parsed, by["testsrc"].rows_new, by["testsrc"].problems) == (3, 2, 1)
    assert con.execute(
        "SELECT price FROM observations WHERE source = 'testsrc' ORDER BY observed_at"
    ).fetchall() == [(Decimal("0.023"),), (Decimal("0.021"),)]
    assert con.execute("SELECT text FROM parse_problems").fetchall() == [("1e17",)]


class CommitThenFail:
    """A connection whose COMMIT succeeds and then raises, as a checkpoint on a full disk
    does after the transaction is durable."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, statement, *args, **kwargs):
        result = self._con.execute(statement, *args, **kwargs)
        if isinstance(statement, str) and statement == "COMMIT":
            raise duckdb.IOException("Could not write checkpoint: No space left on device")
        return result

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_a_failure_after_commit_is_reported_as_loaded(con):
    report = load_run(
        CommitThenFail(con), "r1", "offline", at(1), [outcome([obs("a", "2", at(1))], at(1))]
    )
    assert report.status == "ok"
    assert report.after_commit_error == (
        "IOException: Could not write checkpoint: No space left on device"
    )
    assert counts(con)["runs"] == 1 and counts(con)["price_history"] == 1


def test_a_json_body_with_a_byte_order_mark_is_read(shared_data):
    """RFC 8259 lets a parser ignore a BOM; json.loads alone refuses it."""
    with pytest.raises(ValueError, match="BOM"):
        import json

        json.loads("\ufeff{}")
    assert loads_exact('\ufeff{"a": 1.5}') == {"a": Decimal("1.5")}
    for name, rows in (("openrouter", 1360), ("runpod_gpu_types", 25)):
        plain = recorded_outcome(shared_data, name)
        marked = recorded_outcome(shared_data, name, prefix=b"\xef\xbb\xbf")
        assert len(marked.observations) == len(plain.observations) == rows
        assert [o.price for o in marked.observations] == [o.price for o in plain.observations]
