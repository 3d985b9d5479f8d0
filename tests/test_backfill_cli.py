"""`deflator backfill` and `deflator models` on the command line (no Prefect started)."""

from __future__ import annotations

import pytest

from flows.cli import build_parser, main
from scrapers.backfill.registry import all_datasets, select_datasets
from scrapers.registry import all_sources

DATASETS = [
    "aws_p5_tracker",
    "eia_annual",
    "eia_history",
    "epoch_api_prices",
    "epoch_benchmark_tables",
    "gpu_price_history",
    "gpu_rental_monthly",
    "gpuhunt_offers",
    "litellm_history",
    "page_history",  # page_history.py: two datasets, first-party pages and aggregators
    "page_history_aggregators",
    "simonw_llm_prices",
    "sophie_pricing_history",
    "storage_history",
]


def test_the_registry_finds_every_dataset_and_the_nightly_none() -> None:
    assert list(all_datasets()) == DATASETS
    assert not set(DATASETS) & set(all_sources())
    with pytest.raises(KeyError, match="unknown dataset"):
        select_datasets(["litellm"])  # a nightly source is not a dataset


def test_every_recording_exists_and_every_dataset_states_a_license(shared_data) -> None:
    for dataset in all_datasets().values():
        assert dataset.license and dataset.provenance and dataset.about
        for recording in dataset.source.recordings:
            assert (shared_data / recording.path).is_file(), recording.path
            assert recording.captured_at.tzinfo is not None


def test_backfill_help_explains_each_dataset(capsys) -> None:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args(["backfill", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for name in DATASETS:
        assert f"  {name} (" in out
    assert "CC BY 4.0" in out  # the sophie attribution
    assert "effective_date" in out and "observed_at" in out


def test_an_unknown_dataset_is_a_usage_error(capsys) -> None:
    assert main(["backfill", "nope"]) == 2
    assert "unknown dataset(s) nope" in capsys.readouterr().err


def test_models_without_a_warehouse(tmp_path, capsys) -> None:
    assert main(["--db", str(tmp_path / "none.duckdb"), "models", "--unmatched"]) == 2
    assert "no warehouse" in capsys.readouterr().err
