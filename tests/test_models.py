"""Model identity: normalization rules, the reviewed catalog, real listings as one model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas.models import (
    ANY_PROVIDER,
    Alias,
    ModelCatalog,
    ModelFacts,
    match_key,
    normalization_steps,
)

LITELLM = "llm/litellm_snapshot/model_prices_and_context_window_2026-07-24.json"
OPENROUTER = "llm/openrouter/openrouter_models_2026-08-18.json"


@pytest.fixture(scope="module")
def catalog() -> ModelCatalog:
    return ModelCatalog.load()


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Claude 3.5 Sonnet", "claude-3-5-sonnet"),
        ("claude-3.5-sonnet", "claude-3-5-sonnet"),
        ("GPT-3 175B (davinci)", "gpt-3-175b-davinci"),
        ("meta.llama3-1-70b-instruct", "meta-llama-3-1-70b-instruct"),
        ("Llama 3.1 70B Instruct", "llama-3-1-70b-instruct"),
        ("kimi-k2p5", "kimi-k-2-5"),  # Fireworks writes 2.5 as 2p5
        ("gpt-4o", "gpt-4o"),  # a digit before a letter is not split
        ("openai/gpt-4o", "openai/gpt-4o"),  # paths are the path step's business
    ],
)
def test_match_key(text: str, key: str) -> None:
    assert match_key(text) == key


@pytest.mark.parametrize(
    ("listing", "steps", "last"),
    [
        ("gpt-4o", "", "gpt-4o"),
        ("openai/gpt-4o", "path", "gpt-4o"),
        ("azure/eu/gpt-4o-2024-08-06", "path+date", "gpt-4o"),
        (
            "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0",
            "path+region+vendor+version+date",
            "claude-3-5-sonnet",
        ),
        ("vertex_ai/claude-3-5-sonnet@20240620", "path+date", "claude-3-5-sonnet"),
        ("amazon.titan-text-express-v1", "vendor+version", "titan-text-express"),
        ("deepseek/deepseek-v3", "path", "deepseek-v3"),  # "-v3" is a name, not a version
        ("anthropic/claude-3.7-sonnet:thinking", "path+version", "claude-3.7-sonnet"),
        ("GPT-4o-2024-05", "date", "GPT-4o"),
        ("gemini-2.5-flash-preview-05-20", "date", "gemini-2.5-flash-preview"),
        ("gemini-2.5-flash-lite-preview-09-2025", "date", "gemini-2.5-flash-lite-preview"),
        ("gemini-1.5-pro-001", "date", "gemini-1.5-pro"),
        ("gpt-4-0613", "date", "gpt-4"),
        ("mistral-large-2407", "date", "mistral-large"),
        ("vertex_ai/claude-opus-4-6@default", "path+date", "claude-opus-4-6"),
        ("gpt-4-0125-preview", "", "gpt-4-0125-preview"),  # not a trailing date
    ],
)
def test_normalization_steps(listing: str, steps: str, last: str) -> None:
    assert normalization_steps(listing)[-1] == (steps, last)
    assert normalization_steps(listing)[0] == ("", listing)


GPT_4O_LISTINGS = [
    ("openai", "gpt-4o"),
    ("openai", "gpt-4o-2024-08-06"),
    ("openai", "gpt-4o-2024-05-13"),
    ("azure", "azure/gpt-4o"),
    ("azure", "azure/gpt-4o-2024-08-06"),
    ("azure", "azure/eu/gpt-4o-2024-08-06"),
    ("azure", "azure/global-standard/gpt-4o-2024-11-20"),
    ("openrouter", "openai/gpt-4o"),
    ("openrouter", "openai/gpt-4o-2024-11-20"),
    ("openrouter", "openai/gpt-4o:extended"),
    ("openai", "GPT-4o"),  # Epoch's full view
    ("artificial_analysis", "GPT-4o-2024-08"),  # Epoch's AA table
]


@pytest.mark.parametrize(("provider", "listing"), GPT_4O_LISTINGS)
def test_every_gpt_4o_listing_resolves_to_one_model(catalog, provider, listing) -> None:
    match = catalog.resolve(provider, listing)
    assert match is not None and match.model_id == "gpt-4o"


def test_the_model_itself_is_not_a_variant_but_a_snapshot_is(catalog) -> None:
    assert catalog.resolve("openai", "gpt-4o").variant is False
    assert catalog.resolve("openrouter", "openai/gpt-4o").variant is False
    assert catalog.resolve("openai", "gpt-4o-2024-08-06").variant is True
    assert catalog.resolve("openai", "gpt-4o-2024-08-06").rule == "model id after date"
    assert catalog.resolve("openrouter", "openai/gpt-4o:extended").variant is True


@pytest.mark.parametrize(
    ("provider", "listing", "model"),
    [
        ("anthropic", "claude-3-5-sonnet-20240620", "claude-3.5-sonnet"),
        ("bedrock", "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3.5-sonnet"),
        (
            "vertex_ai-anthropic_models",
            "vertex_ai/claude-3-5-sonnet-v2@20241022",
            "claude-3.5-sonnet",
        ),
        ("openrouter", "anthropic/claude-3.5-sonnet", "claude-3.5-sonnet"),
        ("epoch", "Claude-3.5-Sonnet-06", "claude-3.5-sonnet"),
        ("artificial_analysis", "Claude-3.5-Sonnet-2024-10", "claude-3.5-sonnet"),
        ("bedrock", "anthropic.claude-v2:1", "claude-2.1"),  # an alias beats the version rule
        ("bedrock", "anthropic.claude-v2", "claude-2"),
        ("bedrock", "anthropic.claude-instant-v1", "claude-instant"),
        ("openai", "GPT-4-0125", "gpt-4-turbo"),  # an alias beats the date rule
        ("openai", "GPT-3 175B (davinci)", "davinci"),
        ("epoch", "GPT-3.5", "text-davinci-003"),
        (
            "deepinfra",
            "deepinfra/meta-llama/Meta-Llama-3.1-405B-Instruct",
            "llama-3.1-405b-instruct",
        ),
        ("bedrock", "meta.llama3-1-405b-instruct-v1:0", "llama-3.1-405b-instruct"),
        (
            "fireworks_ai",
            "accounts/fireworks/models/llama-v3p1-405b-instruct",
            "llama-3.1-405b-instruct",
        ),
        ("gemini", "gemini/gemini-1.5-pro-002", "gemini-1.5-pro"),
        ("vertex_ai-language-models", "gemini-1.5-pro", "gemini-1.5-pro"),
    ],
)
def test_listings_across_providers(catalog, provider, listing, model) -> None:
    match = catalog.resolve(provider, listing)
    assert match is not None and match.model_id == model


@pytest.mark.parametrize(
    ("provider", "listing"),
    [
        ("openai", "gpt-4o-audio-preview"),  # another product, never folded into gpt-4o
        ("azure", "azure/gpt-4o-realtime-preview-2024-10-01"),
        ("openai", "chatgpt-4o-latest"),
        ("deepseek", "deepseek-chat"),  # a moving pointer (V2.5, V3, V3.1…), not one model
        ("bedrock", "anthropic.claude-v1"),
        ("openai", "ft:gpt-4o-2024-08-06"),  # a fine-tune
    ],
)
def test_listings_that_must_not_match(catalog, provider, listing) -> None:
    assert catalog.resolve(provider, listing) is None


def test_gpt_4o_in_the_real_recordings_is_one_model(catalog, shared_data: Path) -> None:
    """Every gpt-4o key of LiteLLM's map and OpenRouter's listing resolves to gpt-4o, and nothing
    that merely starts with 'gpt-4o' (mini, audio, realtime, search) does."""
    litellm = json.loads((shared_data / LITELLM).read_text())
    openrouter = json.loads((shared_data / OPENROUTER).read_text())
    listings = [
        (v.get("litellm_provider", ""), k) for k, v in litellm.items() if isinstance(v, dict)
    ]
    listings += [("openrouter", m["id"]) for m in openrouter["data"]]
    gpt_4o = sorted(
        name for p, name in listings if (m := catalog.resolve(p, name)) and m.model_id == "gpt-4o"
    )
    assert "gpt-4o" in gpt_4o
    assert "azure/gpt-4o" in gpt_4o
    assert "azure/eu/gpt-4o-2024-08-06" in gpt_4o
    assert "openai/gpt-4o" in gpt_4o
    assert all("mini" not in n and "audio" not in n and "realtime" not in n for n in gpt_4o)
    assert all("search" not in n for n in gpt_4o)
    assert len(gpt_4o) == 31


def test_catalog_files_are_consistent(catalog) -> None:
    assert len(catalog.models) == 261
    assert catalog.models["gpt-4o"].developer == "openai"
    assert catalog.models["gpt-4o"].release_date.isoformat() == "2024-05-13"
    assert catalog.models["gpt-4o"].context_window == 128000
    assert catalog.models["llama-3.1-405b-instruct"].open_weights is True
    developers = {m.developer for m in catalog.models.values()}
    first_party = set(catalog.providers.values())
    # every big developer sells under at least one provider name the providers file knows
    for developer in ("openai", "anthropic", "google", "meta", "mistral", "deepseek", "xai"):
        assert developer in developers and developer in first_party


def test_a_listing_mapped_to_two_models_is_refused() -> None:
    models = [
        ModelFacts("a-1", "x", "a", None, None, None),
        ModelFacts("b", "x", "b", None, None, None),
    ]
    with pytest.raises(ValueError, match="maps to both"):
        ModelCatalog(models, [Alias(ANY_PROVIDER, "A 1", "b")])


def test_an_alias_to_an_unknown_model_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown model"):
        ModelCatalog([], [Alias(ANY_PROVIDER, "x", "nope")])


def test_provider_scoped_alias_wins_over_any_provider() -> None:
    models = [
        ModelFacts("m1", "x", "m", None, None, None),
        ModelFacts("m2", "x", "m", None, None, None),
    ]
    aliases = [Alias(ANY_PROVIDER, "same", "m1"), Alias("acme", "same", "m2")]
    catalog = ModelCatalog(models, aliases)
    assert catalog.resolve("acme", "same").model_id == "m2"
    assert catalog.resolve("other", "same").model_id == "m1"
