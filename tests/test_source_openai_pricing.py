"""The OpenAI pricing-page parser on its real recording (read in place): every price asserted."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Currency, Leg
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.openai_pricing import SOURCE, URL
from tests.pricing_pages import expect, page, prices, recorded

CAPTURED_AT = datetime(2025, 11, 21, tzinfo=UTC)

# The page's tables as published (pages/openai/aiadmin_openai_docs_pricing.md), model | input |
# cached input | output ("Text tokens" and "Legacy models") or model | cost | batch cost
# ("Embeddings"), USD per 1M tokens; "-" is the page's "no price".
BATCH = """
gpt-5.1 | $0.625 | $0.0625 | $5.00
gpt-5 | $0.625 | $0.0625 | $5.00
gpt-5-mini | $0.125 | $0.0125 | $1.00
gpt-5-nano | $0.025 | $0.0025 | $0.20
gpt-5-pro | $7.50 | - | $60.00
gpt-4.1 | $1.00 | - | $4.00
gpt-4.1-mini | $0.20 | - | $0.80
gpt-4.1-nano | $0.05 | - | $0.20
gpt-4o | $1.25 | - | $5.00
gpt-4o-2024-05-13 | $2.50 | - | $7.50
gpt-4o-mini | $0.075 | - | $0.30
o1 | $7.50 | - | $30.00
o1-pro | $75.00 | - | $300.00
o3-pro | $10.00 | - | $40.00
o3 | $1.00 | - | $4.00
o3-deep-research | $5.00 | - | $20.00
o4-mini | $0.55 | - | $2.20
o4-mini-deep-research | $1.00 | - | $4.00
o3-mini | $0.55 | - | $2.20
o1-mini | $0.55 | - | $2.20
computer-use-preview | $1.50 | - | $6.00
"""

FLEX = """
gpt-5.1 | $0.625 | $0.0625 | $5.00
gpt-5 | $0.625 | $0.0625 | $5.00
gpt-5-mini | $0.125 | $0.0125 | $1.00
gpt-5-nano | $0.025 | $0.0025 | $0.20
o3 | $1.00 | $0.25 | $4.00
o4-mini | $0.55 | $0.138 | $2.20
"""

STANDARD = """
gpt-5.1 | $1.25 | $0.125 | $10.00
gpt-5 | $1.25 | $0.125 | $10.00
gpt-5-mini | $0.25 | $0.025 | $2.00
gpt-5-nano | $0.05 | $0.005 | $0.40
gpt-5.1-chat-latest | $1.25 | $0.125 | $10.00
gpt-5-chat-latest | $1.25 | $0.125 | $10.00
gpt-5.1-codex | $1.25 | $0.125 | $10.00
gpt-5-codex | $1.25 | $0.125 | $10.00
gpt-5-pro | $15.00 | - | $120.00
gpt-4.1 | $2.00 | $0.50 | $8.00
gpt-4.1-mini | $0.40 | $0.10 | $1.60
gpt-4.1-nano | $0.10 | $0.025 | $0.40
gpt-4o | $2.50 | $1.25 | $10.00
gpt-4o-2024-05-13 | $5.00 | - | $15.00
gpt-4o-mini | $0.15 | $0.075 | $0.60
gpt-realtime | $4.00 | $0.40 | $16.00
gpt-realtime-mini | $0.60 | $0.06 | $2.40
gpt-4o-realtime-preview | $5.00 | $2.50 | $20.00
gpt-4o-mini-realtime-preview | $0.60 | $0.30 | $2.40
gpt-audio | $2.50 | - | $10.00
gpt-audio-mini | $0.60 | - | $2.40
gpt-4o-audio-preview | $2.50 | - | $10.00
gpt-4o-mini-audio-preview | $0.15 | - | $0.60
o1 | $15.00 | $7.50 | $60.00
o1-pro | $150.00 | - | $600.00
o3-pro | $20.00 | - | $80.00
o3 | $2.00 | $0.50 | $8.00
o3-deep-research | $10.00 | $2.50 | $40.00
o4-mini | $1.10 | $0.275 | $4.40
o4-mini-deep-research | $2.00 | $0.50 | $8.00
o3-mini | $1.10 | $0.55 | $4.40
o1-mini | $1.10 | $0.55 | $4.40
gpt-5.1-codex-mini | $0.25 | $0.025 | $2.00
codex-mini-latest | $1.50 | $0.375 | $6.00
gpt-5-search-api | $1.25 | $0.125 | $10.00
gpt-4o-mini-search-preview | $0.15 | - | $0.60
gpt-4o-search-preview | $2.50 | - | $10.00
computer-use-preview | $3.00 | - | $12.00
gpt-image-1 | $5.00 | $1.25 | -
gpt-image-1-mini | $2.00 | $0.20 | -
"""

PRIORITY = """
gpt-5.1 | $2.50 | $0.25 | $20.00
gpt-5 | $2.50 | $0.25 | $20.00
gpt-5-mini | $0.45 | $0.045 | $3.60
gpt-5.1-codex | $2.50 | $0.25 | $20.00
gpt-5-codex | $2.50 | $0.25 | $20.00
gpt-4.1 | $3.50 | $0.875 | $14.00
gpt-4.1-mini | $0.70 | $0.175 | $2.80
gpt-4.1-nano | $0.20 | $0.05 | $0.80
gpt-4o | $4.25 | $2.125 | $17.00
gpt-4o-2024-05-13 | $8.75 | - | $26.25
gpt-4o-mini | $0.25 | $0.125 | $1.00
o3 | $3.50 | $0.875 | $14.00
o4-mini | $2.00 | $0.50 | $8.00
"""

EMBEDDINGS = """
text-embedding-3-small | $0.02 | $0.01
text-embedding-3-large | $0.13 | $0.065
text-embedding-ada-002 | $0.10 | $0.05
"""

LEGACY_BATCH = """
gpt-4-turbo-2024-04-09 | $5.00 | $15.00
gpt-4-0125-preview | $5.00 | $15.00
gpt-4-1106-preview | $5.00 | $15.00
gpt-4-1106-vision-preview | $5.00 | $15.00
gpt-4-0613 | $15.00 | $30.00
gpt-4-0314 | $15.00 | $30.00
gpt-4-32k | $30.00 | $60.00
gpt-3.5-turbo-0125 | $0.25 | $0.75
gpt-3.5-turbo-1106 | $1.00 | $2.00
gpt-3.5-turbo-0613 | $1.50 | $2.00
gpt-3.5-0301 | $1.50 | $2.00
gpt-3.5-turbo-16k-0613 | $1.50 | $2.00
davinci-002 | $1.00 | $1.00
babbage-002 | $0.20 | $0.20
"""

LEGACY_STANDARD = """
chatgpt-4o-latest | $5.00 | $15.00
gpt-4-turbo-2024-04-09 | $10.00 | $30.00
gpt-4-0125-preview | $10.00 | $30.00
gpt-4-1106-preview | $10.00 | $30.00
gpt-4-1106-vision-preview | $10.00 | $30.00
gpt-4-0613 | $30.00 | $60.00
gpt-4-0314 | $30.00 | $60.00
gpt-4-32k | $60.00 | $120.00
gpt-3.5-turbo | $0.50 | $1.50
gpt-3.5-turbo-0125 | $0.50 | $1.50
gpt-3.5-turbo-1106 | $1.00 | $2.00
gpt-3.5-turbo-0613 | $1.50 | $2.00
gpt-3.5-0301 | $1.50 | $2.00
gpt-3.5-turbo-instruct | $1.50 | $2.00
gpt-3.5-turbo-16k-0613 | $3.00 | $4.00
davinci-002 | $2.00 | $2.00
babbage-002 | $0.40 | $0.40
"""

STD = [("input", "standard"), ("cached_input", "standard"), ("output", "standard")]


def _merge(*parts: dict) -> dict:
    merged: dict = {}
    for part in parts:
        assert not merged.keys() & part.keys()
        merged.update(part)
    return merged


EXPECTED = _merge(
    expect(
        BATCH,
        [("batch_input", "standard"), ("cached_input", "batch"), ("batch_output", "standard")],
    ),
    expect(FLEX, [("input", "flex"), ("cached_input", "flex"), ("output", "flex")]),
    expect(STANDARD, STD),
    expect(PRIORITY, [("input", "priority"), ("cached_input", "priority"), ("output", "priority")]),
    expect(EMBEDDINGS, [("input", "standard"), ("batch_input", "standard")]),
    expect(LEGACY_BATCH, [("batch_input", "standard"), ("batch_output", "standard")]),
    expect(LEGACY_STANDARD, [("input", "standard"), ("output", "standard")]),
)


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded(shared_data, SOURCE))


def test_source_definition() -> None:
    assert all_sources()["openai_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://platform.openai.com/docs/pricing",)
    (recording,) = SOURCE.recordings
    assert recording.url == URL
    assert recording.path == "pages/openai/aiadmin_openai_docs_pricing.md"
    assert recording.captured_at == CAPTURED_AT


def test_every_price_on_the_page(result: ParseResult) -> None:
    assert result.problems == []
    assert len(EXPECTED) == 277
    assert prices(result) == EXPECTED


def test_tier_tables_are_told_apart_by_their_label(result: ParseResult) -> None:
    found = prices(result)
    assert found[("gpt-5.1", "input", "standard")] == Decimal("1.25")
    assert found[("gpt-5.1", "batch_input", "standard")] == Decimal("0.625")
    assert found[("gpt-5.1", "cached_input", "batch")] == Decimal("0.0625")
    assert found[("gpt-5.1", "input", "flex")] == Decimal("0.625")
    assert found[("gpt-5.1", "output", "priority")] == Decimal("20")
    assert {tier for (_, _, tier) in found} == {"standard", "batch", "flex", "priority"}


def test_sections_not_tracked_are_skipped_not_read(result: ParseResult) -> None:
    # gpt-realtime's audio input ($32) and the fine-tuned gpt-4.1 prices are not text list
    # prices; the text tokens table's $4.00 is kept.
    assert prices(result)[("gpt-realtime", "input", "standard")] == Decimal("4")
    assert not any("2025-04-14" in sku for (sku, _, _) in prices(result))
    for title in ("Image tokens", "Audio tokens", "Video", "Built-in tools", "AgentKit"):
        assert result.skipped[f"section not tracked: {title}"] == 1
    assert result.skipped["section not tracked: Fine-tuning"] == 2
    assert result.skipped["section not tracked: Transcription and speech generation"] == 3
    # The "-" cells of the tables read (17 batch, 13 standard, 1 priority): none kept as 0.
    assert result.skipped["no price stated"] == 31


def test_provenance(result: ParseResult) -> None:
    for obs in result.observations:
        assert obs.source == "openai_pricing"
        assert obs.provider == "openai"
        assert obs.currency is Currency.USD
        assert obs.observed_at == CAPTURED_AT
        assert obs.source_url == URL
        assert obs.published_unit == "per 1M tokens"
        assert obs.price > 0
    o1_pro = next(
        o
        for o in result.observations
        if o.sku == "o1-pro" and o.component is Component.INPUT and o.tier == "standard"
    )
    assert o1_pro.price == Decimal("150")
    assert o1_pro.published_text == "$150.00"
    assert o1_pro.model == "o1-pro"


def test_an_older_capture_in_another_markdown_dialect(shared_data: Path) -> None:
    # pages/openai/tokentally_openai_docs_pricing_jina.md (2025-10-15): padded pipe tables,
    # "### Text tokens" headings; the same four tier tables.
    body = (shared_data / "pages/openai/tokentally_openai_docs_pricing_jina.md").read_bytes()
    older = SOURCE.parse(
        page(SOURCE, URL, body, datetime(2025, 10, 15, tzinfo=UTC), "text/markdown")
    )
    found = prices(older)
    assert older.problems == []
    assert found[("gpt-5", "input", "standard")] == Decimal("1.25")
    assert found[("gpt-5", "cached_input", "standard")] == Decimal("0.125")
    assert found[("gpt-5", "output", "standard")] == Decimal("10")
    assert found[("gpt-5", "batch_input", "standard")] == Decimal("0.625")
    assert found[("gpt-4o", "input", "priority")] == Decimal("4.25")
    assert found[("gpt-4o", "cached_input", "priority")] == Decimal("2.125")
    assert found[("o3", "output", "priority")] == Decimal("14")
    assert ("gpt-5.1", "input", "standard") not in found
