"""The Perplexity parser on its real recording: the token price table, not the cost examples."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from schemas.enums import Currency, Leg
from scrapers.registry import all_sources
from scrapers.sources.perplexity_pricing import SOURCE, URL
from tests.pricing_pages import expect, prices, recorded


def test_source_definition() -> None:
    assert all_sources()["perplexity_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://docs.perplexity.ai/getting-started/pricing",)
    (recording,) = SOURCE.recordings
    assert recording.path == "pages/perplexity/tokentally_perplexity_pricing_jina.md"
    assert recording.captured_at == datetime(2025, 10, 15, tzinfo=UTC)


def test_every_price_on_the_page(shared_data: Path) -> None:
    # Lines 112-118: Model | Input Tokens ($/1M) | Output Tokens ($/1M) | Citation Tokens ($/1M)
    # | Search Queries ($/1K) | Reasoning Tokens ($/1M); only input and output are token list
    # prices of the model.
    result = SOURCE.parse(recorded(shared_data, SOURCE))
    assert result.problems == []
    assert prices(result) == expect(
        """
        sonar | $1 | $1
        sonar-pro | $3 | $15
        sonar-reasoning | $1 | $5
        sonar-reasoning-pro | $2 | $8
        sonar-deep-research | $2 | $8
        """,
        [("input", "standard"), ("output", "standard")],
    )
    for obs in result.observations:
        assert (obs.provider, obs.currency, obs.source_url) == ("perplexity", Currency.USD, URL)
        assert obs.published_unit == "per 1M tokens"  # "($/1M)" in the header
    # The two worked examples ("Input tokens | $0.0005" … "Total") are bills, not price lists.
    assert result.skipped["worked example (a calculation), not a price list"] == 2
