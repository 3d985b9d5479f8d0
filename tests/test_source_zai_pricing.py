"""The Z.ai parser on its real recording: text and vision model tables, free and storage cells."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas.enums import Currency, Leg
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.zai_pricing import SOURCE, URL
from tests.pricing_pages import expect, prices, recorded

# pages/zai/lzc0403_zai_pricing.html as published (USD per 1M tokens): model | input |
# cached input | output (the "Cached Input Storage" column is a storage price, not read).
TEXT_AND_VISION = """
glm-5.2 | $1.4 | $0.26 | $4.4
glm-5.1 | $1.4 | $0.26 | $4.4
glm-5 | $1 | $0.2 | $3.2
glm-5-turbo | $1.2 | $0.24 | $4.0
glm-4.7 | $0.6 | $0.11 | $2.2
glm-4.7-flashx | $0.07 | $0.01 | $0.4
glm-4.6 | $0.6 | $0.11 | $2.2
glm-4.5 | $0.6 | $0.11 | $2.2
glm-4.5-x | $2.2 | $0.45 | $8.9
glm-4.5-air | $0.2 | $0.03 | $1.1
glm-4.5-airx | $1.1 | $0.22 | $4.5
glm-4-32b-0414-128k | $0.1 | - | $0.1
glm-4.7-flash | - | - | -
glm-4.5-flash | - | - | -
glm-5v-turbo | $1.2 | $0.24 | $4
glm-4.6v | $0.3 | $0.05 | $0.9
glm-ocr | $0.03 | - | $0.03
glm-4.6v-flashx | $0.04 | $0.004 | $0.4
glm-4.5v | $0.6 | $0.11 | $1.8
glm-4.6v-flash | - | - | -
"""


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded(shared_data, SOURCE))


def test_source_definition() -> None:
    assert all_sources()["zai_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://docs.z.ai/guides/overview/pricing",)
    (recording,) = SOURCE.recordings
    assert recording.path == "pages/zai/lzc0403_zai_pricing.html"
    assert recording.captured_at == datetime(2026, 8, 18, tzinfo=UTC)


def test_every_price_on_the_page(result: ParseResult) -> None:
    assert result.problems == []
    expected = expect(
        TEXT_AND_VISION,
        [("input", "standard"), ("cached_input", "standard"), ("output", "standard")],
    )
    assert len(expected) == 49
    assert prices(result) == expected


def test_free_and_missing_cells_are_not_prices(result: ParseResult) -> None:
    # "Free" (12 cells of three free models), "-" and "\\" (GLM-4-32B, GLM-OCR cached input).
    assert result.skipped["no price stated"] == 11
    assert "glm-4.7-flash" not in {o.sku for o in result.observations}
    assert all(o.price > 0 for o in result.observations)
    for obs in result.observations:
        assert (obs.provider, obs.currency, obs.source_url) == ("zai", Currency.USD, URL)
