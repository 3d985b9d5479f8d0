"""The Fireworks parser on a hand-built fixture (no real recording exists; price cited in it)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from schemas.enums import Currency, Leg
from scrapers.registry import all_sources
from scrapers.sources.fireworks_pricing import SOURCE, URL
from tests.pricing_pages import FIXTURES, fixture, prices


def test_source_has_live_urls_and_no_recording() -> None:
    assert all_sources()["fireworks_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://fireworks.ai/pricing",)
    assert SOURCE.recordings == ()


def test_fixture_says_it_is_hand_built() -> None:
    head = (FIXTURES / "fireworks/fireworks_pricing.html").read_text(encoding="utf-8")[:200]
    assert "HAND-BUILT FIXTURE" in head


def test_one_price_for_input_and_output() -> None:
    # "Price per 1M tokens (input and output)": pricing_page_facts.csv rows 24 and 33.
    page = fixture(
        SOURCE, "fireworks/fireworks_pricing.html", URL, datetime(2024, 8, 19, tzinfo=UTC)
    )
    result = SOURCE.parse(page)
    assert result.problems == []
    assert prices(result) == {
        ("llama-3-1-405b", "input", "standard"): Decimal("3"),
        ("llama-3-1-405b", "output", "standard"): Decimal("3"),
    }
    assert {(o.provider, o.currency, o.model) for o in result.observations} == {
        ("fireworks", Currency.USD, "Llama 3.1 405B")
    }
