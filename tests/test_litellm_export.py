"""`deflator export --format litellm`: the first-party prices in force as LiteLLM's cost map,
read back by deflator's own LiteLLM parser to the same Decimals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import duckdb

from flows.cli import main
from schemas.observation import FetchedPage
from scrapers.sources import litellm
from warehouse.litellm_export import field_of, key_of, per_token


def test_fields_keys_and_numbers_as_litellm_names_them():
    assert field_of("input", "standard") == "input_cost_per_token"
    assert (
        field_of("cached_input", "prompt>200k") == "cache_read_input_token_cost_above_200k_tokens"
    )
    assert field_of("cache_write", "cache-1h") == "cache_creation_input_token_cost_above_1hr"
    assert field_of("batch_output", "standard") == "output_cost_per_token_batches"
    assert field_of("output", "priority") == "output_cost_per_token_priority"
    assert field_of("input", "prompt<=200k") == "input_cost_per_token"
    assert field_of("cached_input", "batch") is None  # LiteLLM has no such field
    assert field_of("gpu_hour", "standard") is None
    # Every field written is one LiteLLM's parser maps back to the same component and tier.
    for component, tier in [
        ("input", "flex"),
        ("output", "prompt>272k"),
        ("batch_input", "standard"),
    ]:
        assert litellm.classify_field(field_of(component, tier))[0].value == component
    assert key_of("openai", "gpt-4o") == ("gpt-4o", "openai")
    assert key_of("anthropic", "claude-sonnet-4-5") == ("claude-sonnet-4-5", "anthropic")
    assert key_of("google", "gemini-2.5-pro") == ("gemini/gemini-2.5-pro", "gemini")
    assert per_token(Decimal("2.500000000000")) == "0.0000025"
    assert per_token(Decimal("0.075")) == "0.000000075"


def test_export_round_trips_through_the_litellm_parser(full_warehouse, tmp_path, capsys):
    out = tmp_path / "model_prices_and_context_window.json"
    assert (
        main(["--db", str(full_warehouse), "export", "--format", "litellm", "--out", str(out)]) == 0
    )
    assert "models" in capsys.readouterr().out
    document = json.loads(out.read_text())
    # gpt-4o: $2.50 / $10.00 per 1M tokens on OpenAI's page (pricing_page_facts.csv).
    assert document["gpt-4o"]["input_cost_per_token"] == 2.5e-06
    assert document["gpt-4o"]["output_cost_per_token"] == 1e-05
    assert document["gpt-4o"]["litellm_provider"] == "openai"
    assert document["gpt-4o"]["mode"] == "chat"
    assert document["text-embedding-3-small"]["mode"] == "embedding"
    assert document["gemini/gemini-2.5-pro"]["litellm_provider"] == "gemini"

    page = FetchedPage(
        source="litellm",
        url=out.as_uri(),
        status=200,
        body=out.read_bytes(),
        fetched_at=datetime.now(UTC),
    )
    parsed = litellm.parse(page)
    assert not parsed.problems
    read_back = {(o.sku, o.component.value, o.tier): o.price for o in parsed.observations}

    con = duckdb.connect(str(full_warehouse), read_only=True)
    try:
        rows = con.execute(
            "select provider, sku, component, tier, price from prices_in_force "
            "where valid_to is null and source_kind in ('first_party_page', 'first_party_api') "
            "and currency = 'USD' and region = 'global' and price > 0"
        ).fetchall()
    finally:
        con.close()
    expected: dict[tuple[str, str, str], Decimal] = {}
    for provider, sku, component, tier, price in rows:
        name = field_of(component, tier)
        if name is None:
            continue
        key, _ = key_of(provider, sku)
        read_component, read_tier = litellm.classify_field(name)
        slot = (key, read_component.value, read_tier)
        if tier.startswith("prompt<=") and slot in expected:
            continue  # the standard tier fills the base field
        expected[slot] = price
    assert len(read_back) >= 300
    assert read_back == expected  # exactly: Decimal equality, every price


def test_a_folder_as_out_is_a_usage_error(mart_warehouse, tmp_path, capsys):
    command = ["--db", str(mart_warehouse), "export", "--format", "litellm", "--out", str(tmp_path)]
    assert main(command) == 2
    assert "is a folder: --format litellm writes one JSON file" in capsys.readouterr().err
