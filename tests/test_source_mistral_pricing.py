"""The Mistral parser on a hand-built fixture (no real recording exists; prices cited in it)."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Currency, Leg
from scrapers.registry import all_sources
from scrapers.sources.mistral_pricing import SOURCE, URL
from tests.pricing_pages import FIXTURES, expect, fixture, prices

FETCHED = datetime(2026, 8, 5, tzinfo=UTC)


def test_source_has_live_urls_and_no_recording() -> None:
    assert all_sources()["mistral_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://mistral.ai/pricing",)
    assert SOURCE.recordings == ()


def test_fixture_says_it_is_hand_built() -> None:
    head = (FIXTURES / "mistral/mistral_pricing.html").read_text(encoding="utf-8")[:200]
    assert "HAND-BUILT FIXTURE" in head


def test_every_price_on_the_fixture() -> None:
    result = SOURCE.parse(fixture(SOURCE, "mistral/mistral_pricing.html", URL, FETCHED))
    assert result.problems == []
    assert result.skipped == {}
    assert prices(result) == expect(
        """
        mistral-medium-3 | 0.4 | 2
        mistral-large-24-11 | 2 | 6
        magistral-medium | 2 | 5
        pixtral-large | 2 | 6
        mistral-saba | 0.2 | 0.6
        codestral | 0.3 | 0.9
        ministral-8b-24-10 | 0.1 | 0.1
        ministral-3b-24-10 | 0.04 | 0.04
        mistral-small-3-1 | 0.1 | 0.3
        pixtral-12b | 0.15 | 0.15
        mistral-nemo | 0.15 | 0.15
        mistral-7b | 0.25 | 0.25
        mixtral-8x7b | 0.7 | 0.7
        mixtral-8x22b | 2 | 6
        """,
        [("input", "standard"), ("output", "standard")],
    )
    for obs in result.observations:
        assert (obs.provider, obs.currency) == ("mistral", Currency.USD)
        assert obs.published_text.endswith("/M tokens")
    assert {o.model for o in result.observations if o.sku == "mistral-nemo"} == {"Mistral NeMo"}
