"""End to end: the backfill Prefect flow on three real datasets, twice."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from flows.cli import main

pytestmark = pytest.mark.flow

NAMES = ["aws_p5_tracker", "epoch_api_prices", "litellm_history"]


@pytest.fixture(scope="module")
def env(tmp_path_factory, shared_data):
    data_dir = tmp_path_factory.mktemp("deflator-backfill")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEFLATOR_DATA_DIR", str(data_dir))
        patch.setenv("DEFLATOR_SHARED_DATA", str(shared_data))
        patch.delenv("DEFLATOR_DB", raising=False)
        patch.delenv("DEFLATOR_ARCHIVE", raising=False)
        yield data_dir


@pytest.fixture(scope="module")
def first(env):
    from flows.backfill import backfill

    return backfill(dataset_names=NAMES)


def test_backfill_loads_the_datasets(first, env, capsys) -> None:
    assert first.run.status == "ok" and first.run.mode == "backfill"
    by = {s.source: s for s in first.run.sources}
    assert list(by) == NAMES
    assert by["epoch_api_prices"].rows_new == 132
    assert by["litellm_history"].rows_quarantined == 1455  # 42 unit slips (input-hygiene.md)
    reasons = {reason for source, reason, _ in first.quarantine_by_reason}
    assert "zero or negative price: not a list price" in reasons
    assert first.identity.models == 261 and first.identity.matched > 1000
    # the published snapshot answers `deflator query`
    db = env / "deflator.duckdb"
    assert (
        main(
            [
                "--db",
                str(db),
                "query",
                "select price, valid_from from price_history where "
                "source = 'aws_p5_tracker' order by valid_from",
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out, parse_float=Decimal)
    assert rows == [
        {"price": Decimal("98.32"), "valid_from": "2025-04-23T00:00:00"},
        {"price": Decimal("55.04"), "valid_from": "2025-06-05T00:00:00"},
    ]


def test_every_dataset_file_is_in_the_raw_archive(first, env, shared_data) -> None:
    import hashlib

    from scrapers.backfill.registry import select_datasets

    for dataset in select_datasets(NAMES):
        for recording in dataset.source.recordings:
            sha = hashlib.sha256((shared_data / recording.path).read_bytes()).hexdigest()
            assert (env / "archive" / "objects" / sha[:2] / f"{sha}.gz").is_file()


def test_a_second_backfill_adds_nothing(first, env, capsys) -> None:
    from flows.backfill import backfill

    again = backfill(dataset_names=NAMES)
    assert (again.run.observations_new, again.run.history_changes, again.run.quarantined) == (
        0,
        0,
        0,
    )
    assert again.identity == first.identity
    out = capsys.readouterr().out
    assert "deflator run" in out and "LLM listings" in out
