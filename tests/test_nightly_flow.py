"""End to end: the nightly flow offline on the recorded data, twice, then with a broken recording.

These start Prefect (ephemeral, in process), so they share one module-scoped warehouse.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from flows.cli import main
from tests.warehouse_utils import counts

pytestmark = pytest.mark.flow

# The two aggregator sources the spine was built on; exact counts below are theirs.
SPINE_SOURCES = ["openrouter", "litellm"]
OPENROUTER_FILE = "llm/openrouter/openrouter_models_2026-08-18.json"
LITELLM_FILE = "llm/litellm_snapshot/model_prices_and_context_window_2026-07-24.json"


@pytest.fixture(scope="module")
def env(tmp_path_factory, shared_data):
    """A private data folder (warehouse, archive) for this module's runs."""
    data_dir = tmp_path_factory.mktemp("deflator-data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEFLATOR_DATA_DIR", str(data_dir))
        patch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
        patch.delenv("DEFLATOR_DB", raising=False)
        patch.delenv("DEFLATOR_ARCHIVE", raising=False)
        yield data_dir


@pytest.fixture(scope="module")
def first_run(env):
    from flows.nightly import nightly

    report = nightly(offline=True, source_names=SPINE_SOURCES)
    return env, report


def query(db: Path, sql: str, fmt: str = "json", capsys=None) -> list[dict]:
    assert main(["--db", str(db), "query", sql, "--format", fmt]) == 0
    return json.loads(capsys.readouterr().out, parse_float=Decimal)


def test_offline_run_loads_both_sources(first_run):
    _, report = first_run
    assert report.status == "ok"
    by_source = {s.source: s for s in report.sources}
    assert by_source["openrouter"].rows_parsed == 1360
    assert by_source["litellm"].rows_parsed == 6605
    assert by_source["litellm"].rows_quarantined == 30
    assert report.observations_new == 1360 + 6605 - 30


def test_price_history_after_the_run(first_run, capsys):
    data_dir, _ = first_run
    db = data_dir / "deflator.duckdb"
    rows = query(
        db, "select count(*) as n from price_history where valid_to is null", capsys=capsys
    )
    assert rows == [{"n": 7935}]
    gpt4o = query(
        db,
        "select component, price from price_history where source = 'openrouter' "
        "and sku = 'openai/gpt-4o' and tier = 'standard' order by component",
        capsys=capsys,
    )
    assert gpt4o == [
        {"component": "cached_input", "price": Decimal("1.25")},
        {"component": "input", "price": Decimal("2.5")},
        {"component": "output", "price": Decimal("10")},
    ]
    observed = query(
        db,
        "select distinct observed_at from observations where source = 'openrouter'",
        capsys=capsys,
    )
    assert observed == [{"observed_at": "2026-08-18T20:01:54"}]


def test_every_replayed_response_is_in_the_raw_archive(first_run, shared_data):
    import hashlib

    data_dir, _ = first_run
    for relative in (OPENROUTER_FILE, LITELLM_FILE):
        sha = hashlib.sha256((shared_data / relative).read_bytes()).hexdigest()
        assert (data_dir / "archive" / "objects" / sha[:2] / f"{sha}.gz").is_file()


def test_second_offline_run_adds_nothing(first_run):
    from flows.nightly import nightly
    from warehouse.connection import connect

    data_dir, _ = first_run
    db = data_dir / "deflator.duckdb"
    con = connect(db)
    before = counts(con)
    con.close()
    report = nightly(offline=True, source_names=SPINE_SOURCES)
    con = connect(db)
    after = counts(con)
    con.close()
    assert report.observations_new == 0
    assert report.history_changes == 0
    assert report.quarantined == 0
    assert after["observations"] == before["observations"]
    assert after["price_history"] == before["price_history"]
    assert after["quarantine"] == before["quarantine"]
    assert after["runs"] == before["runs"] + 1


def test_a_broken_recording_fails_only_its_source(first_run, shared_data, tmp_path, monkeypatch):
    from flows.nightly import nightly
    from warehouse.connection import connect

    data_dir, _ = first_run
    broken = tmp_path / "shared"
    (broken / "llm/openrouter").mkdir(parents=True)
    (broken / "llm/litellm_snapshot").mkdir(parents=True)
    shutil.copy(shared_data / OPENROUTER_FILE, broken / OPENROUTER_FILE)
    body = (shared_data / LITELLM_FILE).read_bytes()
    (broken / LITELLM_FILE).write_bytes(body[: len(body) // 2])  # cut mid-document
    monkeypatch.setenv("DEFLATOR_SHARED_DATA", str(broken))
    db = data_dir / "deflator.duckdb"
    con = connect(db)
    history_before = con.execute("select * from price_history order by all").fetchall()
    con.close()

    report = nightly(offline=True, source_names=SPINE_SOURCES)

    by_source = {s.source: s for s in report.sources}
    assert report.status == "partial"
    assert by_source["openrouter"].status == "ok"
    assert by_source["litellm"].status == "failed"
    assert "not valid JSON" in by_source["litellm"].error
    con = connect(db)
    assert con.execute("select * from price_history order by all").fetchall() == history_before
    ledger = con.execute(
        "select status, error from run_sources where run_id = ? and source = 'litellm'",
        [report.run_id],
    ).fetchone()
    con.close()
    assert ledger[0] == "failed"
    assert ledger[1].startswith("parse: ValueError: litellm: body is not valid JSON")
