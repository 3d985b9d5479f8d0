"""The Cohere parser on its real recording: list prices stated in FAQ sentences."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from schemas.enums import Currency, Leg
from scrapers.registry import all_sources
from scrapers.sources.cohere_pricing import SOURCE, URL, skus_of
from tests.pricing_pages import expect, page, prices, recorded


def test_source_definition() -> None:
    assert all_sources()["cohere_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://cohere.com/pricing",)
    (recording,) = SOURCE.recordings
    assert recording.path == "pages/cohere/tokentally_cohere_pricing_jina.md"
    assert recording.captured_at == datetime(2025, 10, 15, tzinfo=UTC)


def test_sku_rule() -> None:
    assert skus_of("Command R+ 08-2024") == ("command-r-plus-08-2024",)
    assert skus_of("Command-light") == ("command-light",)
    assert skus_of("Aya Expanse models (8B and 32B)") == ("aya-expanse-8b", "aya-expanse-32b")


def test_every_price_on_the_page(shared_data: Path) -> None:
    # Lines 376-385 of the capture: "<model> pricing is $X/1M tokens for input and $Y/1M tokens
    # for output"; "Aya Expanse models (8B and 32B) … are charged at $0.50/1M tokens for
    # input and $1.50/1M tokens for output".
    result = SOURCE.parse(recorded(shared_data, SOURCE))
    assert result.problems == []
    assert prices(result) == expect(
        """
        command | $1.00 | $2.00
        command-light | $0.30 | $0.60
        command-r-03-2024 | $0.50 | $1.50
        command-r-plus-04-2024 | $3.00 | $15.00
        command-r-plus-08-2024 | $2.50 | $10.00
        aya-expanse-8b | $0.50 | $1.50
        aya-expanse-32b | $0.50 | $1.50
        """,
        [("input", "standard"), ("output", "standard")],
    )
    for obs in result.observations:
        assert (obs.provider, obs.currency, obs.source_url) == ("cohere", Currency.USD, URL)
        assert obs.published_unit == "per 1M tokens"
    # "$250 in outstanding balances" is money but no per-token price.
    assert "$250" not in {o.published_text for o in result.observations}


def test_the_same_sentences_in_html() -> None:
    body = (
        b"<html><body><h2>FAQ</h2><ul><li>Command R+ 08-2024 pricing is <b>$2.50/1M tokens</b>"
        b" for input and <b>$10.00/1M tokens</b> for output</li></ul></body></html>"
    )  # the capture's line 381, as the live page's HTML would carry it
    result = SOURCE.parse(page(SOURCE, URL, body, datetime(2025, 10, 15, tzinfo=UTC), "text/html"))
    assert prices(result) == expect(
        "command-r-plus-08-2024 | $2.50 | $10.00", [("input", "standard"), ("output", "standard")]
    )
