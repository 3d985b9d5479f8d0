"""Epoch AI's API price export and model/benchmark tables, on the recorded files (read in place)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from schemas.enums import Component, Leg
from scrapers.backfill import epoch_api_prices, epoch_benchmark_tables
from tests.backfill_utils import parse_dataset, points


@pytest.fixture(scope="module")
def prices(shared_data):
    return parse_dataset(shared_data, epoch_api_prices.DATASET)[1]


@pytest.fixture(scope="module")
def tables(shared_data):
    _, result, scores = parse_dataset(shared_data, epoch_benchmark_tables.DATASET)
    return result, scores


def test_full_view_dataset_definition() -> None:
    dataset = epoch_api_prices.DATASET
    assert dataset.name == "epoch_api_prices"
    assert dataset.source.leg is Leg.LLM
    (recording,) = dataset.source.recordings
    assert recording.path == (
        "llm/epoch_llm_benchmark_efficiency/epoch_api_prices_full_view_2025-02-05.csv"
    )
    assert recording.captured_at == datetime(2025, 2, 6, 0, 24, 18, tzinfo=UTC)
    assert "1eee4d291d5cb4449becab901c873d4fb790fade" in dataset.provenance
    assert "attribute to Epoch AI" in dataset.license


def test_full_view_counts(prices) -> None:
    assert len(prices.observations) == 132
    assert prices.problems == []
    assert prices.skipped["fine-tuned model price"] == 15
    assert prices.skipped["per-character price: not a token price"] == 2  # tts-1, tts-1-hd
    assert prices.skipped["unit not tracked: $/minute"] == 1  # Whisper
    assert sum(prices.skipped.values()) == 38


def test_gpt3_davinci_60_then_20_per_million(prices) -> None:
    """$60 per 1M tokens (input or output) from 2021-11-20, $20 from 2022-09-01, each read off
    an archived pricing page whose capture time is the observation time."""
    expected = [
        ("2021-11-20", "2021-11-20T08:23:10+00:00", "60"),
        ("2022-08-31", "2022-09-05T19:13:40+00:00", "60"),
        ("2022-09-01", "2022-09-05T19:13:40+00:00", "20"),
        ("2024-01-04", "2024-01-04T00:00:00+00:00", "20"),  # archive.ph: no capture time
    ]
    assert points(prices, "GPT-3 175B (davinci)", "input") == expected
    assert points(prices, "GPT-3 175B (davinci)", "output") == expected
    first = next(o for o in prices.observations if o.sku == "GPT-3 175B (davinci)")
    assert first.provider == "openai"
    assert first.effective_date == date(2021, 11, 20)
    assert first.source_url.startswith("https://web.archive.org/web/20211120082310/")
    assert first.published_text == "$60.00000"
    assert first.published_unit == "$/1M tokens (input or output)"


def test_snapshots_keep_their_own_prices(prices) -> None:
    assert points(prices, "gpt-4o-2024-08-06", "input") == [
        ("2024-08-06", "2024-08-12T00:31:33+00:00", "2.5")
    ]
    assert points(prices, "gpt-4o-2024-05-13", "output")[0][2] == "15"
    assert points(prices, "gpt-4o-mini-2024-07-18", "input")[0][2] == "0.15"


def test_context_tiers_and_cached_input(prices) -> None:
    assert points(prices, "Gemini 1.5 Pro", "input", "prompt>128k") == [
        ("2024-08-12", "2024-08-12T21:37:20+00:00", "7"),
        ("2024-10-01", "2024-09-27T12:42:32+00:00", "2.5"),  # announced before it took effect
    ]
    assert [p[2] for p in points(prices, "Gemini 1.5 Pro", "input")] == ["3.5", "1.25"]
    assert [p[2] for p in points(prices, "Gemini 1.5 Pro", "cached_input")] == ["0.875", "0.3125"]


def test_an_empty_vendor_falls_back_to_the_developer(prices) -> None:
    haiku = {
        (o.provider, o.component.value, str(o.price))
        for o in prices.observations
        if o.model == "Claude 3.5 Haiku"
    }
    assert haiku == {("anthropic", "input", "1"), ("anthropic", "output", "5")}
    assert epoch_api_prices.provider_slug("Fireworks AI", "Meta AI") == "fireworks"
    assert epoch_api_prices.provider_slug("", "Cohere,Cohere for AI") == "cohere"


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("$/1M input tokens", ([Component.INPUT], "standard")),
        ("$/1M output tokens (for > 128k tokens)", ([Component.OUTPUT], "prompt>128k")),
        ("$/1M cashed tokens (for <= 128k tokens)", ([Component.CACHED_INPUT], "standard")),
        ("$/1M tokens (input or output)", ([Component.INPUT, Component.OUTPUT], "standard")),
        ("$/1M characters", "per-character price: not a token price"),
        ("$/1k 1024^2 px images generated", "unit not tracked: $/1k 1024^2 px images generated"),
    ],
)
def test_price_units(unit, expected) -> None:
    assert epoch_api_prices.components_of(unit) == expected


def test_tables_blended_prices(tables) -> None:
    result, _ = tables
    assert len(result.observations) == 73
    assert result.problems == [] and not result.skipped
    assert points(result, "GPT-3 175B (davinci)", "blended") == [
        ("2021-11-20", "2025-03-13T00:00:00+00:00", "60"),
        ("2022-08-31", "2025-03-13T00:00:00+00:00", "60"),
        ("2022-09-01", "2025-03-13T00:00:00+00:00", "20"),
        ("2024-01-04", "2025-03-13T00:00:00+00:00", "20"),
    ]
    o1_mini = points(result, "o1-mini", "blended")
    assert [(p[0], p[2]) for p in o1_mini] == [("2024-09-12", "5.25"), ("2025-01-31", "1.925")]
    providers = {o.provider for o in result.observations}
    assert providers == {"artificial_analysis", "epoch"}
    assert all(o.component is Component.BLENDED for o in result.observations)


def test_tables_benchmarks(tables) -> None:
    _, scores = tables
    assert len(scores) == 322
    by = {(s.model_name, s.benchmark, s.date): s.score for s in scores}
    assert by[("GPT-4o-2024-05", "mmlu", date(2024, 5, 13))] == Decimal("87")
    assert by[("GPT-4o-2024-05", "chatbot_arena_elo", date(2024, 5, 13))] == Decimal("1285")
    assert by[("o1", "gpqa_diamond", date(2024, 12, 17))] == Decimal("75.8")
    assert by[("DeepSeek-R1", "math_level_5", date(2025, 1, 20))] == Decimal("93.1")
    assert by[("Claude-3-Opus", "humaneval", date(2024, 3, 4))] == Decimal("83")
    # the same model on two dates keeps both rows (GPT-3 davinci's MMLU was re-measured)
    assert by[("GPT-3 175B (davinci)", "mmlu", date(2021, 11, 20))] == Decimal("43.9")
    assert by[("GPT-3 175B (davinci)", "mmlu", date(2024, 1, 4))] == Decimal("63.1")
    assert {s.source for s in scores} == {"epoch_benchmark_tables"}
