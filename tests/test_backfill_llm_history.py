"""LiteLLM's price-change history, simonw/llm-prices and the sophie daily log, on the recordings."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scrapers.backfill import litellm_history, simonw_llm_prices, sophie_pricing_history
from scrapers.registry import all_sources
from tests.backfill_utils import parse_dataset, points


@pytest.fixture(scope="module")
def litellm(shared_data):
    return parse_dataset(shared_data, litellm_history.DATASET)[1]


@pytest.fixture(scope="module")
def simonw(shared_data):
    return parse_dataset(shared_data, simonw_llm_prices.DATASET)[1]


@pytest.fixture(scope="module")
def sophie(shared_data):
    return parse_dataset(shared_data, sophie_pricing_history.DATASET)[1]


def test_datasets_are_not_nightly_sources() -> None:
    nightly = set(all_sources())
    for name in ("litellm_history", "simonw_llm_prices", "sophie_pricing_history"):
        assert name not in nightly


def test_litellm_history_counts(litellm) -> None:
    assert len(litellm.observations) == 14384
    assert litellm.problems == []
    assert litellm.skipped["mode image_generation not token-priced"] == 54
    assert litellm.skipped["superseded by a later commit the same day"] == 6
    assert sum(litellm.skipped.values()) == 113


def test_litellm_history_gpt_4o(litellm) -> None:
    """Observed at the mirror's commit dates (first and last seen of each price); no effective
    date: the $5 → $2.50 cut shows when the mirror saw it, 2024-11-14."""
    assert [(p[0], p[2]) for p in points(litellm, "gpt-4o", "input")] == [
        ("2024-05-14", "5"),
        ("2024-10-14", "5"),
        ("2024-10-17", "5"),
        ("2024-11-08", "5"),
        ("2024-11-14", "2.5"),
        ("2026-07-24", "2.5"),
    ]
    first = min((o for o in litellm.observations if o.sku == "gpt-4o"), key=lambda o: o.observed_at)
    assert first.effective_date is None
    assert first.provider == "openai" and first.region == "global"
    assert first.published_text == "0.000005"
    assert first.published_unit == "per token (input_cost_per_token)"
    assert first.source_url == (
        "https://github.com/AgentOps-AI/tokencost/blob/d9f3f38cef349413c0064d05a80e6cd53b5c22e1/"
        "tokencost/model_prices.json"
    )


def test_litellm_history_keeps_known_errors_for_the_warehouse(litellm) -> None:
    """The parser does not filter magnitudes: a per-1M value typed into a per-token field
    (0.0032 USD 'per token' = $3,200 per 1M) and zeroed models are observed as published."""
    assert [p[2] for p in points(litellm, "azure_ai/jais-30b-chat", "input")] == ["3200", "3200"]
    zero = [p[2] for p in points(litellm, "gemini-1.5-pro", "input")][:2]
    assert zero == ["0", "0"]


def test_litellm_history_same_day_rows_keep_the_days_final_state(litellm) -> None:
    """gemini/gemini-2.0-flash was first seen at 0.00015 per token (a per-1K value) and
    corrected the same day; the file lists the correction first. The final state wins."""
    assert [(p[0], p[2]) for p in points(litellm, "gemini/gemini-2.0-flash", "input")] == [
        ("2025-02-07", "0.1"),
        ("2025-07-14", "0.1"),
        ("2025-07-15", "0.1"),
        ("2026-07-24", "0.1"),
    ]


def test_litellm_history_regions(litellm) -> None:
    regions = {o.region for o in litellm.observations if o.sku.startswith("bedrock/us-east-1/")}
    assert regions == {"us-east-1"}


def test_simonw_from_and_to_dates(simonw) -> None:
    assert len(simonw.observations) == 360
    assert simonw.problems == []
    assert simonw.skipped == {
        "ended before the capture with no from_date: cannot be placed in time": 5
    }
    # in force at the capture until 2026-09-01, then $3 from its from_date
    assert points(simonw, "claude-sonnet-5", "input") == [
        ("2026-08-06", "2026-08-06T01:25:35+00:00", "2"),
        ("2026-09-01", "2026-08-06T01:25:35+00:00", "3"),
    ]
    # the entry that ended on 2025-02-08 has no start: skipped; the one from it is kept
    assert points(simonw, "deepseek-chat", "input") == [
        ("2025-02-08", "2026-08-06T01:25:35+00:00", "0.27")
    ]


def test_simonw_context_tiers(simonw) -> None:
    assert simonw_llm_prices.tier_and_sku("gpt-5.4-272k", "GPT-5.4 >272k") == (
        "prompt>272k",
        "gpt-5.4",
    )
    assert simonw_llm_prices.tier_and_sku("gpt-5.4", "GPT-5.4 ≤272k") == ("standard", "gpt-5.4")
    assert points(simonw, "gpt-5.4", "input", "prompt>272k")[0][2] == "5"
    assert points(simonw, "gpt-5.4", "input")[0][2] == "2.5"
    vendors = {o.provider for o in simonw.observations}
    assert len(vendors) == 11 and "meta-ai" in vendors


def test_sophie_attribution_is_kept() -> None:
    dataset = sophie_pricing_history.DATASET
    assert "CC BY 4.0" in dataset.source.description
    assert "Nguyen Thu Thuy" in dataset.source.description
    assert "llm-pricing-history" in dataset.license


def test_sophie_snapshots_and_change_log(sophie) -> None:
    assert len(sophie.observations) == 12857
    assert sophie.problems == []
    assert sophie.skipped == {
        "free variant": 44,
        "variable price (router)": 20,
        "component dropped: a dataset cannot close a series": 8,
        "removed: a dataset cannot close a series": 4,
    }
    # baseline 02:45:08, then the day's change at the CI's time of day, and so on
    assert points(sophie, "qwen/qwen3.5-397b-a17b", "input")[:3] == [
        ("2026-08-09", "2026-08-09T02:45:08+00:00", "0.5"),
        ("2026-08-09", "2026-08-09T03:57:57+00:00", "0.39"),
        ("2026-08-11", "2026-08-11T03:57:57+00:00", "0.5"),
    ]
    # an 'added' event carries input/output
    assert points(sophie, "claude-mythos-5", "output")[0] == (
        "2026-08-12",
        "2026-08-12T03:57:57+00:00",
        "50",
    )
    gpt4o = [o for o in sophie.observations if o.sku == "openai/gpt-4o"]
    assert {o.provider for o in gpt4o} == {"openrouter"}
    assert {o.observed_at for o in gpt4o} == {
        datetime(2026, 8, 9, 2, 45, 8, tzinfo=UTC),
        datetime(2026, 8, 22, 3, 57, 57, tzinfo=UTC),
    }
    assert all(o.effective_date is None for o in sophie.observations)
    assert date(2026, 8, 22) == max(o.observed_at.date() for o in sophie.observations)
