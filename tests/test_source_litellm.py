"""The LiteLLM parser against the recorded cost map of 2026-07-24 (read in place)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.litellm import SOURCE, URL, classify_field, region_of

CAPTURED_AT = datetime(2026, 7, 24, 18, 23, 43, tzinfo=UTC)

# Per-token fields holding a value ≥ 0.001 (≥ $1000 per 1M tokens): per-1K or per-1M values
# typed into per-token fields. The parser reports them; the warehouse quarantines them.
KNOWN_UNIT_ERRORS = {
    "azure_ai/jais-30b-chat",
    "watsonx/bigscience/mt0-xxl-13b",
    "watsonx/core42/jais-13b-chat",
    "wandb/Qwen/Qwen3-235B-A22B-Instruct-2507",
    "wandb/Qwen/Qwen3-235B-A22B-Thinking-2507",
    "wandb/Qwen/Qwen3-Coder-480B-A35B-Instruct",
    "wandb/deepseek-ai/DeepSeek-R1-0528",
    "wandb/deepseek-ai/DeepSeek-V3-0324",
    "wandb/deepseek-ai/DeepSeek-V3.1",
    "wandb/meta-llama/Llama-3.1-8B-Instruct",
    "wandb/meta-llama/Llama-3.3-70B-Instruct",
    "wandb/meta-llama/Llama-4-Scout-17B-16E-Instruct",
    "wandb/microsoft/Phi-4-mini-instruct",
    "wandb/openai/gpt-oss-120b",
    "wandb/openai/gpt-oss-20b",
    "wandb/zai-org/GLM-4.5",
}


def _page(body: bytes) -> FetchedPage:
    return FetchedPage(
        source="litellm",
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


def test_source_definition() -> None:
    assert SOURCE.name == "litellm"
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == (
        "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json",
    )
    assert SOURCE.parser_version == "1"
    (recording,) = SOURCE.recordings
    assert recording.url == URL
    assert recording.path == "llm/litellm_snapshot/model_prices_and_context_window_2026-07-24.json"
    assert recording.captured_at == CAPTURED_AT
    assert recording.content_type == "application/json"


def test_registry_lists_both_llm_api_sources() -> None:
    sources = all_sources()
    assert sources["litellm"] is SOURCE
    assert "openrouter" in sources


def test_recording_parses_cleanly(result: ParseResult) -> None:
    assert result.problems == []
    assert len(result.observations) == 6605
    assert result.skipped["not a model entry"] == 2  # sample_spec, last_updated
    assert not any(o.sku in {"sample_spec", "last_updated"} for o in result.observations)


def test_gpt_4o(result: ParseResult) -> None:
    assert _prices(result, "gpt-4o") == {
        ("input", "standard"): Decimal("2.5"),
        ("output", "standard"): Decimal("10"),
        ("cached_input", "standard"): Decimal("1.25"),
        ("batch_input", "standard"): Decimal("1.25"),
        ("batch_output", "standard"): Decimal("5"),
        ("input", "priority"): Decimal("4.25"),
        ("output", "priority"): Decimal("17"),
        ("cached_input", "priority"): Decimal("2.125"),
    }
    assert {(o.provider, o.model, o.region) for o in result.observations if o.sku == "gpt-4o"} == {
        ("openai", "gpt-4o", "global")
    }


def test_claude_sonnet_4_tiers(result: ParseResult) -> None:
    assert _prices(result, "claude-sonnet-4-20250514") == {
        ("input", "standard"): Decimal("3"),
        ("output", "standard"): Decimal("15"),
        ("cached_input", "standard"): Decimal("0.3"),
        ("cache_write", "standard"): Decimal("3.75"),
        ("cache_write", "cache-1h"): Decimal("6"),
        ("input", "prompt>200k"): Decimal("6"),
        ("output", "prompt>200k"): Decimal("22.5"),
        ("cached_input", "prompt>200k"): Decimal("0.6"),
        ("cache_write", "prompt>200k"): Decimal("7.5"),
    }
    (obs,) = [
        o
        for o in result.observations
        if o.sku == "claude-sonnet-4-20250514" and o.tier == "cache-1h"
    ]
    assert obs.published_text == "6e-06"
    assert obs.published_unit == "per token (cache_creation_input_token_cost_above_1hr)"


def test_gemini_2_5_pro_context_and_priority_tiers(result: ParseResult) -> None:
    prices = _prices(result, "gemini/gemini-2.5-pro")
    assert prices[("input", "prompt>200k")] == Decimal("2.5")
    assert prices[("output", "prompt>200k")] == Decimal("15")
    assert prices[("input", "standard")] == Decimal("1.25")
    assert prices[("output", "priority+prompt>200k")] == Decimal("15")


def test_openai_flex_and_combined_tiers(result: ParseResult) -> None:
    prices = _prices(result, "gpt-5.4")
    assert prices[("input", "flex")] == Decimal("1.25")
    assert prices[("output", "prompt>272k")] == Decimal("22.5")
    assert prices[("cached_input", "flex")] == Decimal("0.13")
    tiers = {o.tier for o in result.observations}
    assert "priority+prompt>272k" in tiers
    assert "cache-1h+prompt>200k" in tiers


def test_deepseek_cache_hit_alias_is_cached_input(result: ParseResult) -> None:
    # Both cache_read_input_token_cost and input_cost_per_token_cache_hit are 2.8e-08: one
    # observation, no problem; cache_creation_input_token_cost 0.0 is skipped.
    assert _prices(result, "deepseek/deepseek-chat") == {
        ("input", "standard"): Decimal("0.28"),
        ("output", "standard"): Decimal("0.42"),
        ("cached_input", "standard"): Decimal("0.028"),
    }


def test_tiered_pricing_bands(result: ParseResult) -> None:
    assert _prices(result, "dashscope/qwen3-coder-plus") == {
        ("input", "standard"): Decimal("1"),
        ("output", "standard"): Decimal("5"),
        ("cached_input", "standard"): Decimal("0.1"),
        ("input", "prompt>32k"): Decimal("1.8"),
        ("output", "prompt>32k"): Decimal("9"),
        ("cached_input", "prompt>32k"): Decimal("0.18"),
        ("input", "prompt>128k"): Decimal("3"),
        ("output", "prompt>128k"): Decimal("15"),
        ("cached_input", "prompt>128k"): Decimal("0.3"),
        ("input", "prompt>256k"): Decimal("6"),
        ("output", "prompt>256k"): Decimal("60"),
        ("cached_input", "prompt>256k"): Decimal("0.6"),
    }


def test_zero_prices_are_skipped_not_observed(result: ParseResult) -> None:
    skus = {o.sku for o in result.observations}
    assert "ollama/codegeex4" not in skus  # input and output 0.0
    assert "fireworks-ai-default" not in skus  # no mode, 0.0
    assert all(o.price > 0 for o in result.observations)
    assert result.skipped["zero price: free or placeholder"] == 367


def test_entries_without_mode_but_with_token_prices_are_read(result: ParseResult) -> None:
    assert _prices(result, "fireworks-ai-up-to-4b") == {
        ("input", "standard"): Decimal("0.2"),
        ("output", "standard"): Decimal("0.2"),
    }
    assert result.skipped["no mode and no per-token price"] == 1  # fallback_generalizations


def test_modes_not_priced_per_token_are_skipped(result: ParseResult) -> None:
    skus = {o.sku for o in result.observations}
    assert "gpt-4o-realtime-preview" not in skus
    assert "azure/gpt-image-1" not in skus
    assert result.skipped["mode image_generation not token-priced"] == 209
    assert result.skipped["mode audio_transcription not token-priced"] == 62
    assert result.skipped["mode realtime not token-priced"] == 28


def test_fields_in_other_units_are_counted(result: ParseResult) -> None:
    assert result.skipped["unit not tracked: input_cost_per_character"] == 11
    assert result.skipped["unit not tracked: input_cost_per_second"] == 28
    assert result.skipped["unit not tracked: search_context_cost_per_query"] == 171
    assert result.skipped["unit not tracked: input_dbu_cost_per_token"] == 28
    # Provisioned-throughput Bedrock keys are priced per second only.
    assert "bedrock/us-east-1/1-month-commitment/anthropic.claude-v1" not in {
        o.sku for o in result.observations
    }


def test_known_unit_errors_are_reported_with_their_absurd_price(result: ParseResult) -> None:
    absurd = [o for o in result.observations if o.price >= 1000]
    assert {o.sku for o in absurd} == KNOWN_UNIT_ERRORS
    assert len(absurd) == 30
    assert _prices(result, "wandb/deepseek-ai/DeepSeek-R1-0528") == {
        ("input", "standard"): Decimal("135000"),
        ("output", "standard"): Decimal("540000"),
    }
    assert _prices(result, "azure_ai/jais-30b-chat") == {
        ("input", "standard"): Decimal("3200"),
        ("output", "standard"): Decimal("9710"),
    }
    assert _prices(result, "watsonx/bigscience/mt0-xxl-13b") == {
        ("input", "standard"): Decimal("500"),
        ("output", "standard"): Decimal("2000"),
    }


def test_regions_from_key_path_segments(result: ParseResult) -> None:
    by_sku = {o.sku: o.region for o in result.observations}
    assert by_sku["bedrock/us-east-1/meta.llama3-8b-instruct-v1:0"] == "us-east-1"
    assert by_sku["bedrock/us-gov-west-1/amazon.nova-pro-v1:0"] == "us-gov-west-1"
    assert by_sku["azure/eu/gpt-4o-2024-08-06"] == "eu"
    assert by_sku["azure/global/gpt-4o-2024-08-06"] == "global"
    assert by_sku["gpt-4o"] == "global"
    assert by_sku["vertex_ai/qwen/qwen3-235b-a22b-instruct-2507-maas"] == "global"
    assert _prices(result, "azure/eu/gpt-4o-2024-08-06") == {
        ("input", "standard"): Decimal("2.75"),
        ("output", "standard"): Decimal("11"),
        ("cached_input", "standard"): Decimal("1.375"),
    }


@pytest.mark.parametrize(
    ("key", "region"),
    [
        ("bedrock/ap-northeast-1/anthropic.claude-v1", "ap-northeast-1"),
        ("vertex_ai/us-central1/gemini-pro", "us-central1"),
        ("azure/eastus2/gpt-4o", "eastus2"),
        ("azure/us/gpt-5.4", "us"),
        ("openrouter/us/model", "global"),
        ("us-east-1", "global"),
        ("bedrock/us.anthropic.claude-3-haiku", "global"),
    ],
)
def test_region_of(key: str, region: str) -> None:
    assert region_of(key) == region


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("input_cost_per_token", (Component.INPUT, "standard")),
        ("output_cost_per_token_batches", (Component.BATCH_OUTPUT, "standard")),
        (
            "input_cost_per_token_above_200k_tokens_priority",
            (Component.INPUT, "priority+prompt>200k"),
        ),
        ("cache_creation_input_token_cost_above_1hr", (Component.CACHE_WRITE, "cache-1h")),
        (
            "cache_creation_input_token_cost_above_1hr_above_200k_tokens",
            (Component.CACHE_WRITE, "cache-1h+prompt>200k"),
        ),
        ("cache_read_input_token_cost_flex", (Component.CACHED_INPUT, "flex")),
        ("input_cost_per_token_cache_hit", (Component.CACHED_INPUT, "standard")),
        ("input_cost_per_character", None),
        ("input_cost_per_audio_token", None),
        ("input_cost_per_image_above_128k_tokens", None),
        ("cache_read_input_token_cost_batches", None),
        ("input_cost_per_token_above_1hr", None),
    ],
)
def test_classify_field(field: str, expected: tuple[Component, str] | None) -> None:
    assert classify_field(field) == expected


def test_every_observation_carries_provenance(result: ParseResult, page: FetchedPage) -> None:
    page_hash = page.sha256
    for obs in result.observations:
        assert obs.source == "litellm"
        assert obs.leg is Leg.LLM
        assert obs.currency is Currency.USD
        assert obs.unit is CanonicalUnit.PER_1M_TOKENS
        assert obs.observed_at == CAPTURED_AT
        assert obs.effective_date is None
        assert obs.source_url == URL
        assert obs.page_hash == page_hash
        assert obs.parser_version == "1"
        assert obs.model == obs.sku
        assert obs.published_unit.startswith("per token (")
        assert abs(Decimal(obs.published_text) * 1_000_000 - obs.price) < Decimal("1e-12")
    keys = [(o.provider, o.sku, o.component, o.tier, o.region) for o in result.observations]
    assert len(keys) == len(set(keys))


def _cost_map(**entries: object) -> bytes:
    return json.dumps(entries).encode()


def test_truncated_json_raises_value_error(page: FetchedPage) -> None:
    with pytest.raises(ValueError, match="not valid JSON"):
        SOURCE.parse(_page(page.body[:-100]))


@pytest.mark.parametrize("body", [b"[]", b'"x"', b'{"last_updated": "2026-07-24"}'])
def test_wrong_shape_raises_value_error(body: bytes) -> None:
    with pytest.raises(ValueError, match="litellm"):
        SOURCE.parse(_page(body))


def test_non_numeric_price_is_a_problem_naming_sku_and_field() -> None:
    body = _cost_map(
        **{
            "acme/model-1": {
                "litellm_provider": "acme",
                "mode": "chat",
                "input_cost_per_token": "about a dollar",
                "output_cost_per_token": 2e-06,
            }
        }
    )
    result = SOURCE.parse(_page(body))
    (problem,) = result.problems
    assert problem.where == "acme/model-1.input_cost_per_token"
    assert problem.text == "about a dollar"
    assert problem.source == "litellm"
    assert _prices(result, "acme/model-1") == {("output", "standard"): Decimal("2")}


def test_negative_price_is_a_problem() -> None:
    body = _cost_map(m={"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": -1e-06})
    result = SOURCE.parse(_page(body))
    assert result.observations == []
    (problem,) = result.problems
    assert problem.where == "m.input_cost_per_token"
    assert problem.reason == "negative price"


def test_differing_duplicate_is_kept_once_and_reported() -> None:
    body = _cost_map(
        **{
            "deepseek/x": {
                "litellm_provider": "deepseek",
                "mode": "chat",
                "input_cost_per_token_cache_hit": 3e-08,
                "cache_read_input_token_cost": 2.8e-08,
            }
        }
    )
    result = SOURCE.parse(_page(body))
    # The canonical field is kept, the alias reported.
    assert _prices(result, "deepseek/x") == {("cached_input", "standard"): Decimal("0.028")}
    (problem,) = result.problems
    assert problem.where == "deepseek/x.input_cost_per_token_cache_hit"
    assert "different price" in problem.reason
