"""The xAI parser on a hand-built fixture (no real recording exists; prices cited in it)."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Currency, Leg
from scrapers.registry import all_sources
from scrapers.sources.xai_pricing import SOURCE, URL
from tests.pricing_pages import FIXTURES, expect, fixture, prices

FETCHED = datetime(2026, 8, 5, tzinfo=UTC)
COLUMNS = ["input", "cached_input", "output"]


def test_source_has_live_urls_and_no_recording() -> None:
    assert all_sources()["xai_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://docs.x.ai/docs/models",)
    assert SOURCE.recordings == ()


def test_fixture_says_it_is_hand_built() -> None:
    head = (FIXTURES / "xai/xai_models_pricing.html").read_text(encoding="utf-8")[:200]
    assert "HAND-BUILT FIXTURE" in head


def test_every_price_and_context_tier_on_the_fixture() -> None:
    # Two-row header (colspan "Pricing" over Input / Cached input / Output), model cells
    # spanning their context-tier rows (rowspan).
    result = SOURCE.parse(fixture(SOURCE, "xai/xai_models_pricing.html", URL, FETCHED))
    assert result.problems == []
    expected = {}
    for tier, rows in {
        "prompt<=200k": "grok-4.5 | 2 | 0.3 | 6\ngrok-4.3 | 1.25 | 0.2 | 2.5",
        "prompt>200k": "grok-4.5 | 4 | 0.6 | 12\ngrok-4.3 | 2.5 | 0.4 | 5",
        "prompt<=128k": "grok-4 | 3 | 0.75 | 15\ngrok-4-fast-reasoning | 0.2 | 0.05 | 0.5",
        "prompt>128k": "grok-4 | 6 | 0.75 | 30\ngrok-4-fast-reasoning | 0.4 | 0.05 | 1",
        "standard": "grok-code-fast-1 | 0.2 | 0.02 | 1.5\ngrok-3 | 3 | 0.75 | 15\n"
        "grok-3-mini | 0.3 | 0.075 | 0.5",
    }.items():
        expected.update(expect(rows, [(component, tier) for component in COLUMNS]))
    assert len(expected) == 33
    assert prices(result) == expected
    assert {o.currency for o in result.observations} == {Currency.USD}
    assert {o.provider for o in result.observations} == {"xai"}
