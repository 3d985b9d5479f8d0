"""The OpenRouter parser against the recorded /api/v1/models response (read in place)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage, Observation
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.openrouter import SOURCE, URL

CAPTURED_AT = datetime(2026, 8, 18, 20, 1, 54, tzinfo=UTC)


def _page(body: bytes) -> FetchedPage:
    return FetchedPage(
        source="openrouter",
        url=URL,
        status=200,
        headers={"content-type": "application/json"},
        body=body,
        fetched_at=CAPTURED_AT,
        replayed=True,
    )


@pytest.fixture(scope="module")
def page(shared_data: Path) -> FetchedPage:
    return _page((shared_data / SOURCE.recordings[0].path).read_bytes())


@pytest.fixture(scope="module")
def result(page: FetchedPage) -> ParseResult:
    return SOURCE.parse(page)


def _prices(result: ParseResult, sku: str) -> dict[tuple[str, str], Decimal]:
    return {(o.component.value, o.tier): o.price for o in result.observations if o.sku == sku}


def _one(
    result: ParseResult, sku: str, component: Component, tier: str = "standard"
) -> Observation:
    found = [
        o
        for o in result.observations
        if o.sku == sku and o.component is component and o.tier == tier
    ]
    assert len(found) == 1, (sku, component, tier, found)
    return found[0]


def test_source_definition() -> None:
    assert SOURCE.name == "openrouter"
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://openrouter.ai/api/v1/models",)
    assert SOURCE.parser_version == "1"
    (recording,) = SOURCE.recordings
    assert recording.url == URL
    assert recording.path == "llm/openrouter/openrouter_models_2026-08-18.json"
    assert recording.captured_at == CAPTURED_AT
    assert recording.content_type == "application/json"


def test_registry_lists_both_llm_api_sources() -> None:
    sources = all_sources()
    assert sources["openrouter"] is SOURCE
    assert "litellm" in sources


def test_recording_parses_cleanly(result: ParseResult) -> None:
    assert result.problems == []
    assert len(result.observations) == 1360


def test_gpt_4o(result: ParseResult) -> None:
    assert _prices(result, "openai/gpt-4o") == {
        ("input", "standard"): Decimal("2.5"),
        ("output", "standard"): Decimal("10"),
        ("cached_input", "standard"): Decimal("1.25"),
    }
    obs = _one(result, "openai/gpt-4o", Component.INPUT)
    assert obs.provider == "openrouter"
    assert obs.model == "OpenAI: GPT-4o"
    assert obs.published_text == "0.0000025"
    assert obs.published_unit == "per token (prompt)"


def test_claude_sonnet_4_with_cache_and_context_tiers(result: ParseResult) -> None:
    assert _prices(result, "anthropic/claude-sonnet-4") == {
        ("input", "standard"): Decimal("3"),
        ("output", "standard"): Decimal("15"),
        ("cached_input", "standard"): Decimal("0.3"),
        ("cache_write", "standard"): Decimal("3.75"),
        ("cache_write", "cache-1h"): Decimal("6"),
        ("input", "prompt>200k"): Decimal("6"),
        ("output", "prompt>200k"): Decimal("22.5"),
        ("cached_input", "prompt>200k"): Decimal("0.6"),
        ("cache_write", "prompt>200k"): Decimal("7.5"),
        ("cache_write", "cache-1h+prompt>200k"): Decimal("12"),
    }
    tiered = _one(result, "anthropic/claude-sonnet-4", Component.OUTPUT, "prompt>200k")
    assert tiered.published_text == "0.0000225"
    assert "min_prompt_tokens 200000" in tiered.published_unit


def test_other_context_thresholds_become_tiers(result: ParseResult) -> None:
    # bytedance-seed/seed-2.0-code: overrides min_prompt_tokens 128000.
    assert _prices(result, "bytedance-seed/seed-2.0-code") == {
        ("input", "standard"): Decimal("0.5"),
        ("output", "standard"): Decimal("3"),
        ("input", "prompt>128k"): Decimal("1"),
        ("output", "prompt>128k"): Decimal("6"),
    }
    tiers = {o.tier for o in result.observations}
    assert {"prompt>32k", "prompt>128k", "prompt>200k", "prompt>256k", "prompt>272k"} <= tiers


def test_routers_are_skipped_as_variable_price(result: ParseResult) -> None:
    skus = {o.sku for o in result.observations}
    assert "openrouter/auto" not in skus
    assert not any(sku.startswith("openrouter/") for sku in skus)
    # auto, auto-beta, fusion, pareto-code, bodybuilder: prompt and completion "-1" each.
    assert result.skipped["variable price (router)"] == 10


def test_free_variants_are_skipped(result: ParseResult) -> None:
    assert not any(o.sku.endswith(":free") for o in result.observations)
    assert result.skipped["free variant"] == 22


def test_zero_prices_are_skipped_not_observed(result: ParseResult) -> None:
    # Embedding models publish completion "0": the input price is kept, the zero is not.
    assert _prices(result, "voyageai/voyage-4") == {("input", "standard"): Decimal("0.06")}
    assert all(o.price > 0 for o in result.observations)
    assert result.skipped["zero price: free or placeholder"] == 38


def test_fields_in_other_units_are_counted_not_observed(result: ParseResult) -> None:
    assert result.skipped["unit not tracked: web_search"] == 157
    assert result.skipped["unit not tracked: internal_reasoning"] == 30
    assert result.skipped["unit not tracked: audio"] == 43
    # Override fields in other units (audio, input_audio_cache) are counted, not tiered.
    assert _prices(result, "google/gemini-2.5-pro") == {
        ("input", "standard"): Decimal("1.25"),
        ("output", "standard"): Decimal("10"),
        ("cached_input", "standard"): Decimal("0.125"),
        ("cache_write", "standard"): Decimal("0.375"),
        ("input", "prompt>200k"): Decimal("2.5"),
        ("output", "prompt>200k"): Decimal("15"),
        ("cached_input", "prompt>200k"): Decimal("0.25"),
    }


def test_non_text_models_are_not_read_as_token_prices(result: ParseResult) -> None:
    # whisper-1's "prompt": "0.006" is dollars per audio minute, not per token.
    skus = {o.sku for o in result.observations}
    assert "openai/whisper-1" not in skus
    assert "fish-audio/s1" not in skus
    assert result.skipped["output transcription not token-priced"] == 19
    assert result.skipped["output speech not token-priced"] == 16
    # Embedding models are token-priced and kept.
    assert "google/gemini-embedding-2" in skus


def test_time_window_overrides_are_counted_not_tiered(result: ParseResult) -> None:
    assert _prices(result, "deepseek/deepseek-v4-pro") == {
        ("input", "standard"): Decimal("0.66"),
        ("output", "standard"): Decimal("1.98"),
        ("cached_input", "standard"): Decimal("0.022"),
    }
    assert result.skipped["time-window override not tracked"] == 8


def test_long_fractions_round_to_stored_scale_keeping_published_text(result: ParseResult) -> None:
    obs = _one(result, "google/gemini-2.5-flash", Component.CACHE_WRITE)
    assert obs.published_text == "0.0000000833333333333333"
    assert obs.price == Decimal("0.083333333333")


def test_every_observation_carries_provenance(result: ParseResult, page: FetchedPage) -> None:
    page_hash = page.sha256
    for obs in result.observations:
        assert obs.source == "openrouter"
        assert obs.leg is Leg.LLM
        assert obs.provider == "openrouter"
        assert obs.currency is Currency.USD
        assert obs.unit is CanonicalUnit.PER_1M_TOKENS
        assert obs.region == "global"
        assert obs.observed_at == CAPTURED_AT
        assert obs.effective_date is None
        assert obs.source_url == URL
        assert obs.page_hash == page_hash
        assert obs.parser_version == "1"
        assert obs.published_unit.startswith("per token (")
        assert Decimal(obs.published_text) * 1_000_000 - obs.price < Decimal("1e-12")
    keys = [(o.sku, o.component, o.tier, o.region) for o in result.observations]
    assert len(keys) == len(set(keys))


def _listing(*models: dict[str, object]) -> bytes:
    return json.dumps({"data": list(models)}).encode()


def test_truncated_json_raises_value_error(page: FetchedPage) -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        SOURCE.parse(_page(page.body[: len(page.body) // 2]))


@pytest.mark.parametrize("body", [b"[]", b'{"models": []}', b'{"data": {}}'])
def test_wrong_shape_raises_value_error(body: bytes) -> None:
    with pytest.raises(ValueError, match="'data' list"):
        SOURCE.parse(_page(body))


def test_non_numeric_price_is_a_problem_naming_sku_and_field() -> None:
    body = _listing(
        {
            "id": "acme/model-1",
            "name": "Acme 1",
            "pricing": {"prompt": "call us", "completion": "0.00001"},
        }
    )
    result = SOURCE.parse(_page(body))
    (problem,) = result.problems
    assert problem.where == "acme/model-1.prompt"
    assert problem.text == "call us"
    assert problem.source == "openrouter"
    assert problem.url == URL
    assert _prices(result, "acme/model-1") == {("output", "standard"): Decimal("10")}


def test_override_edge_cases() -> None:
    body = _listing(
        {
            "id": "acme/model-2",
            "name": "Acme 2",
            "pricing": {
                "prompt": "0.000001",
                "completion": "-1",
                "request": "0.01",
                "overrides": [
                    {"min_prompt_tokens": 131072, "prompt": "0.000002", "completion": "0"},
                    {"min_prompt_tokens": 64000, "prompt": "oops"},
                ],
            },
        }
    )
    result = SOURCE.parse(_page(body))
    assert _prices(result, "acme/model-2") == {
        ("input", "standard"): Decimal("1"),
        ("input", "prompt>131072"): Decimal("2"),
    }
    assert result.skipped["variable price (router)"] == 1
    assert result.skipped["zero price: free or placeholder"] == 1
    assert result.skipped["unit not tracked: request"] == 1
    (problem,) = result.problems
    assert problem.where == "acme/model-2.overrides[1].prompt"


def test_duplicate_price_key_keeps_first_and_reports_a_difference() -> None:
    same = {"id": "acme/dup", "name": "Dup", "pricing": {"prompt": "0.000001"}}
    other = {"id": "acme/dup", "name": "Dup", "pricing": {"prompt": "0.000003"}}
    result = SOURCE.parse(_page(_listing(same, same)))
    assert len(result.observations) == 1
    assert result.problems == []
    result = SOURCE.parse(_page(_listing(same, other)))
    assert _prices(result, "acme/dup") == {("input", "standard"): Decimal("1")}
    (problem,) = result.problems
    assert problem.where == "acme/dup.prompt"
    assert "different price" in problem.reason
