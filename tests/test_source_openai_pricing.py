"""The OpenAI pricing-page parser on real recordings (read in place): every price asserted,
on the 2026 page (developers.openai.com) and on the older platform.openai.com layouts."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from schemas.enums import Component, Currency, Leg
from scrapers.base import ParseResult
from scrapers.json_numbers import published_text
from scrapers.registry import all_sources
from scrapers.sources.astro_islands import astro_value, island_props
from scrapers.sources.openai_pricing import PLATFORM_URL, SOURCE, URL
from scrapers.sources.openai_pricing_2026 import PriceConflict
from tests.pricing_pages import expect, page, prices, recorded

# The page before 2026 (platform.openai.com/docs/pricing), Markdown recordings in pages/openai/.
OLD_PAGE = "pages/openai/aiadmin_openai_docs_pricing.md"
CAPTURED_AT = datetime(2025, 11, 21, tzinfo=UTC)  # PROVENANCE: committed 2025-11-21
# The page since 2026 (developers.openai.com), the recording the offline run replays.
PAGE_2026 = "pages-history/openai/lzc0403_pricing-raw_2026-08-21.html"
URL_2026 = URL
CAPTURED_2026 = datetime(2026, 8, 21, 12, 37, 46, tzinfo=UTC)  # MANIFEST.csv captured_at

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
    body = (shared_data / OLD_PAGE).read_bytes()
    return SOURCE.parse(page(SOURCE, PLATFORM_URL, body, CAPTURED_AT, "text/markdown"))


def test_source_definition(shared_data: Path) -> None:
    # The offline run replays the newest capture of the page where it lives since 2026.
    assert all_sources()["openai_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://developers.openai.com/api/docs/pricing",)
    (recording,) = SOURCE.recordings
    assert recording.url == URL
    assert recording.path == PAGE_2026
    assert recording.captured_at == CAPTURED_2026
    assert recording.content_type == "text/html; charset=utf-8"
    assert len(SOURCE.parse(recorded(shared_data, SOURCE)).observations) == 403


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
        assert obs.source_url == PLATFORM_URL
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
        page(SOURCE, PLATFORM_URL, body, datetime(2025, 10, 15, tzinfo=UTC), "text/markdown")
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


# --- The 2026 layout: developers.openai.com/api/docs/pricing (pages-history/openai/) ---------


# Every price of the 2026 page, as its tables publish them (USD per 1M tokens), columns
# input | cached input | cache writes | output; "-" is no price. One block per tab: the
# Standard, Batch, Flex and "Fast mode" (= priority) panes of every section read, then the
# long-context (>272K input tokens) columns of the flagship tables.
STANDARD_2026 = """
gpt-5.6-sol | $5 | $0.5 | $6.25 | $30
gpt-5.6-terra | $2 | $0.2 | $2.5 | $12
gpt-5.6-luna | $0.2 | $0.02 | $0.25 | $1.2
gpt-5.5 | $5 | $0.5 | - | $30
gpt-5.5-pro | $30 | - | - | $180
gpt-5.4 | $2.5 | $0.25 | - | $15
gpt-5.4-mini | $0.75 | $0.075 | - | $4.5
gpt-5.4-nano | $0.2 | $0.02 | - | $1.25
gpt-5.4-pro | $30 | - | - | $180
gpt-5.2 | $1.75 | $0.175 | - | $14
gpt-5.2-pro | $21 | - | - | $168
gpt-5.1 | $1.25 | $0.125 | - | $10
gpt-5 | $1.25 | $0.125 | - | $10
gpt-5-mini | $0.25 | $0.025 | - | $2
gpt-5-nano | $0.05 | $0.005 | - | $0.4
gpt-5-pro | $15 | - | - | $120
gpt-4.1 | $2 | $0.5 | - | $8
gpt-4.1-mini | $0.4 | $0.1 | - | $1.6
gpt-4.1-nano | $0.1 | $0.025 | - | $0.4
gpt-4o | $2.5 | $1.25 | - | $10
gpt-4o-2024-05-13 | $5 | - | - | $15
gpt-4o-mini | $0.15 | $0.075 | - | $0.6
o1 | $15 | $7.5 | - | $60
o1-pro | $150 | - | - | $600
o3-pro | $20 | - | - | $80
o3 | $2 | $0.5 | - | $8
o4-mini | $1.1 | $0.275 | - | $4.4
o3-mini | $1.1 | $0.55 | - | $4.4
gpt-4-turbo-2024-04-09 | $10 | - | - | $30
gpt-4-0613 | $30 | - | - | $60
gpt-3.5-turbo | $0.5 | - | - | $1.5
gpt-3.5-turbo-0125 | $0.5 | - | - | $1.5
gpt-3.5-turbo-1106 | $1 | - | - | $2
gpt-3.5-turbo-instruct | $1.5 | - | - | $2
davinci-002 | $2 | - | - | $2
babbage-002 | $0.4 | - | - | $0.4
gpt-5.6-cyber | $12.5 | $1.25 | $15.625 | $75
gpt-5.5-cyber | $12.5 | $1.25 | - | $75
gpt-realtime-2.1 | $4 | $0.4 | - | $24
gpt-realtime-2.1-mini | $0.6 | $0.06 | - | $2.4
gpt-realtime-2 | $4 | $0.4 | - | $24
gpt-realtime-1.5 | $4 | $0.4 | - | $16
gpt-realtime-mini | $0.6 | $0.06 | - | $2.4
gpt-realtime | $4 | $0.4 | - | $16
gpt-audio-1.5 | $2.5 | - | - | $10
gpt-audio-mini | $0.6 | - | - | $2.4
gpt-audio | $2.5 | - | - | $10
gpt-4o-mini-tts | $0.6 | - | - | -
gpt-image-2 | $5 | $1.25 | - | -
gpt-image-1.5 | $5 | $1.25 | - | $10
gpt-image-1-mini | $2 | $0.2 | - | -
gpt-image-1 | $5 | $1.25 | - | -
chatgpt-image-latest | $5 | $1.25 | - | $10
chat-latest | $5 | $0.5 | - | $30
gpt-5.3-codex | $1.75 | $0.175 | - | $14
gpt-5-search-api | $1.25 | $0.125 | - | $10
text-embedding-3-small | $0.02 | - | - | -
text-embedding-3-large | $0.13 | - | - | -
text-embedding-ada-002 | $0.1 | - | - | -
"""

BATCH_2026 = """
gpt-5.6-sol | $2.5 | $0.25 | $3.125 | $15
gpt-5.6-terra | $1 | $0.1 | $1.25 | $6
gpt-5.6-luna | $0.1 | $0.01 | $0.125 | $0.6
gpt-5.5 | $2.5 | $0.25 | - | $15
gpt-5.5-pro | $15 | - | - | $90
gpt-5.4 | $1.25 | $0.13 | - | $7.5
gpt-5.4-mini | $0.375 | $0.0375 | - | $2.25
gpt-5.4-nano | $0.1 | $0.01 | - | $0.625
gpt-5.4-pro | $15 | - | - | $90
gpt-5.2 | $0.875 | $0.0875 | - | $7
gpt-5.2-pro | $10.5 | - | - | $84
gpt-5.1 | $0.625 | $0.0625 | - | $5
gpt-5 | $0.625 | $0.0625 | - | $5
gpt-5-mini | $0.125 | $0.0125 | - | $1
gpt-5-nano | $0.025 | $0.0025 | - | $0.2
gpt-5-pro | $7.5 | - | - | $60
gpt-4.1 | $1 | - | - | $4
gpt-4.1-mini | $0.2 | - | - | $0.8
gpt-4.1-nano | $0.05 | - | - | $0.2
gpt-4o | $1.25 | - | - | $5
gpt-4o-2024-05-13 | $2.5 | - | - | $7.5
gpt-4o-mini | $0.075 | - | - | $0.3
o1 | $7.5 | - | - | $30
o1-pro | $75 | - | - | $300
o3-pro | $10 | - | - | $40
o3 | $1 | - | - | $4
o4-mini | $0.55 | - | - | $2.2
o3-mini | $0.55 | - | - | $2.2
gpt-4-turbo-2024-04-09 | $5 | - | - | $15
gpt-4-0613 | $15 | - | - | $30
gpt-3.5-turbo-0125 | $0.25 | - | - | $0.75
gpt-3.5-turbo-1106 | $1 | - | - | $2
davinci-002 | $1 | - | - | $1
babbage-002 | $0.2 | - | - | $0.2
gpt-image-2 | $2.5 | $0.625 | - | -
gpt-image-1.5 | $2.5 | $0.63 | - | $5
gpt-image-1-mini | $1 | $0.1 | - | -
gpt-image-1 | $2.5 | $0.63 | - | -
chatgpt-image-latest | $2.5 | $0.63 | - | $5
"""

FLEX_2026 = """
gpt-5.6-sol | $2.5 | $0.25 | $3.125 | $15
gpt-5.6-terra | $1 | $0.1 | $1.25 | $6
gpt-5.6-luna | $0.1 | $0.01 | $0.125 | $0.6
gpt-5.5 | $2.5 | $0.25 | - | $15
gpt-5.5-pro | $15 | - | - | $90
gpt-5.4 | $1.25 | $0.13 | - | $7.5
gpt-5.4-mini | $0.375 | $0.0375 | - | $2.25
gpt-5.4-nano | $0.1 | $0.01 | - | $0.625
gpt-5.4-pro | $15 | - | - | $90
gpt-5.2 | $0.875 | $0.0875 | - | $7
gpt-5.1 | $0.625 | $0.0625 | - | $5
gpt-5 | $0.625 | $0.0625 | - | $5
gpt-5-mini | $0.125 | $0.0125 | - | $1
gpt-5-nano | $0.025 | $0.0025 | - | $0.2
o3 | $1 | $0.25 | - | $4
o4-mini | $0.55 | $0.138 | - | $2.2
"""

PRIORITY_2026 = """
gpt-5.6-sol | $10 | $1 | $12.5 | $60
gpt-5.6-terra | $4 | $0.4 | $5 | $24
gpt-5.6-luna | $0.4 | $0.04 | $0.5 | $2.4
gpt-5.5 | $12.5 | $1.25 | - | $75
gpt-5.4 | $5 | $0.5 | - | $30
gpt-5.4-mini | $1.5 | $0.15 | - | $9
gpt-5.2 | $3.5 | $0.35 | - | $28
gpt-5.1 | $2.5 | $0.25 | - | $20
gpt-5 | $2.5 | $0.25 | - | $20
gpt-5-mini | $0.45 | $0.045 | - | $3.6
gpt-4.1 | $3.5 | $0.875 | - | $14
gpt-4.1-mini | $0.7 | $0.175 | - | $2.8
gpt-4.1-nano | $0.2 | $0.05 | - | $0.8
gpt-4o | $4.25 | $2.125 | - | $17
gpt-4o-2024-05-13 | $8.75 | - | - | $26.25
gpt-4o-mini | $0.25 | $0.125 | - | $1
o3 | $3.5 | $0.875 | - | $14
o4-mini | $2 | $0.5 | - | $8
gpt-5.3-codex | $3.5 | $0.35 | - | $28
"""

STANDARD_2026_LONG = """
gpt-5.6-sol | $10 | $1 | $12.5 | $45
gpt-5.6-terra | $4 | $0.4 | $5 | $18
gpt-5.6-luna | $0.4 | $0.04 | $0.5 | $1.8
"""

BATCH_2026_LONG = """
gpt-5.6-sol | $5 | $0.5 | $6.25 | $22.5
gpt-5.6-terra | $2 | $0.2 | $2.5 | $9
gpt-5.6-luna | $0.2 | $0.02 | $0.25 | $0.9
"""

FLEX_2026_LONG = """
gpt-5.6-sol | $5 | $0.5 | $6.25 | $22.5
gpt-5.6-terra | $2 | $0.2 | $2.5 | $9
gpt-5.6-luna | $0.2 | $0.02 | $0.25 | $0.9
"""

PRIORITY_2026_LONG = """
gpt-5.6-sol | $20 | $2 | $25 | $90
gpt-5.6-terra | $8 | $0.8 | $10 | $36
gpt-5.6-luna | $0.8 | $0.08 | $1 | $3.6
"""

_COLUMNS = ["input", "cached_input", "cache_write", "output"]


def _tiers(tier: str, batch: bool = False, context: str = "") -> list[tuple[str, str]]:
    """(component, tier) of the four columns in one tab; Batch moves input/output to the
    batch_* components and tiers the rest."""
    columns = []
    for component in _COLUMNS:
        parts = {tier} if tier != "standard" else set()
        if batch and component in ("input", "output"):
            component, parts = f"batch_{component}", set()
        elif batch:
            parts = {"batch"}
        if context:
            parts.add(context)
        columns.append((component, "+".join(sorted(parts)) or "standard"))
    return columns


LONG = "prompt>272k"
EXPECTED_2026 = _merge(
    expect(STANDARD_2026, _tiers("standard")),
    expect(BATCH_2026, _tiers("standard", batch=True)),
    expect(FLEX_2026, _tiers("flex")),
    expect(PRIORITY_2026, _tiers("priority")),
    expect(STANDARD_2026_LONG, _tiers("standard", context=LONG)),
    expect(BATCH_2026_LONG, _tiers("standard", batch=True, context=LONG)),
    expect(FLEX_2026_LONG, _tiers("flex", context=LONG)),
    expect(PRIORITY_2026_LONG, _tiers("priority", context=LONG)),
)


@pytest.fixture(scope="module")
def page_2026(shared_data: Path) -> bytes:
    return (shared_data / PAGE_2026).read_bytes()


def _parse_2026(body: bytes) -> ParseResult:
    return SOURCE.parse(page(SOURCE, URL_2026, body, CAPTURED_2026, "text/html; charset=utf-8"))


@pytest.fixture(scope="module")
def result_2026(page_2026: bytes) -> ParseResult:
    return _parse_2026(page_2026)


def test_2026_every_price_on_the_page(result_2026: ParseResult) -> None:
    assert result_2026.problems == []
    assert len(EXPECTED_2026) == 403
    assert prices(result_2026) == EXPECTED_2026


def test_2026_rows_per_tier(result_2026: ParseResult) -> None:
    assert Counter(o.tier for o in result_2026.observations) == {
        "standard": 227,
        "priority": 59,
        "flex": 49,
        "batch": 20,
        "prompt>272k": 18,
        "flex+prompt>272k": 12,
        "priority+prompt>272k": 12,
        "batch+prompt>272k": 6,
    }
    components = Counter(
        o.component.value for o in result_2026.observations if o.tier == "standard"
    )
    assert components == {
        "input": 59, "output": 52, "batch_input": 39, "batch_output": 36,
        "cached_input": 37, "cache_write": 4,
    }  # fmt: skip


def test_2026_tabs_are_tiers_never_the_list_price(result_2026: ParseResult) -> None:
    found = prices(result_2026)
    # gpt-4o as its four panes print it (props rows of the Standard, Batch, Fast mode tabs)
    assert found[("gpt-4o", "input", "standard")] == Decimal("2.5")
    assert found[("gpt-4o", "cached_input", "standard")] == Decimal("1.25")
    assert found[("gpt-4o", "output", "standard")] == Decimal("10")
    assert found[("gpt-4o", "batch_input", "standard")] == Decimal("1.25")
    assert found[("gpt-4o", "batch_output", "standard")] == Decimal("5")
    assert found[("gpt-4o", "input", "priority")] == Decimal("4.25")
    assert found[("gpt-4o", "output", "priority")] == Decimal("17")
    assert ("gpt-4o", "input", "flex") not in found  # the Flex tab does not list gpt-4o
    # gpt-5: Standard $1.25 / $10, Batch and Flex $0.625 / $5, Fast mode $2.50 / $20
    assert found[("gpt-5", "input", "standard")] == Decimal("1.25")
    assert found[("gpt-5", "input", "flex")] == Decimal("0.625")
    assert found[("gpt-5", "output", "flex")] == Decimal("5")
    assert found[("gpt-5", "output", "priority")] == Decimal("20")
    # the rendered flagship table: gpt-5.6-sol "$5.00 | $0.50 | $6.25 | $30.00" short and
    # "$10.00 | $1.00 | $12.50 | $45.00" long context; Batch cache writes "$3.125"
    assert found[("gpt-5.6-sol", "cache_write", "standard")] == Decimal("6.25")
    assert found[("gpt-5.6-sol", "output", "prompt>272k")] == Decimal("45")
    assert found[("gpt-5.6-sol", "cache_write", "batch")] == Decimal("3.125")
    # no tab's price is a standard price: every standard-tier input is the Standard tab's
    standard_inputs = {
        sku: p for (sku, c, t), p in found.items() if (c, t) == ("input", "standard")
    }
    for (sku, component, tier), price in found.items():
        if component == "input" and tier in ("flex", "priority"):
            assert standard_inputs[sku] != price, sku
    # A "(<272K context length)" label is the model's short-context list price.
    assert found[("gpt-5.5", "input", "standard")] == Decimal("5")
    assert not any("272" in sku or " " in sku for (sku, _, _) in found)


def test_2026_what_is_not_read_is_counted_by_reason(result_2026: ParseResult) -> None:
    skipped = result_2026.skipped
    assert skipped["another modality: audio tokens"] == 25
    assert skipped["another modality: image tokens"] == 42
    assert skipped["unit not tracked: per 1m characters"] == 2  # tts-1, tts-1-hd
    assert skipped["section not tracked: Video generation models (priced per second)"] == 8
    assert skipped["section not tracked: Tools (priced per call or per GB)"] == 8
    assert skipped["not a price: Free"] == 1  # omni-moderation-latest
    assert skipped["no price stated"] == 101


def test_2026_provenance(result_2026: ParseResult) -> None:
    for obs in result_2026.observations:
        assert obs.source == "openai_pricing"
        assert obs.provider == "openai"
        assert obs.currency is Currency.USD
        assert obs.observed_at == CAPTURED_2026
        assert obs.source_url == URL_2026
        assert obs.published_unit == "per 1M tokens"
        assert obs.effective_date is None
        assert obs.region == "global"


def test_2026_standard_prices_match_the_pricing_page_facts(
    result_2026: ParseResult, shared_data: Path
) -> None:
    # llm/pricing_page_facts.csv: OpenAI's page as archived (Epoch AI), newest row per model id.
    with (shared_data / "llm/pricing_page_facts.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["provider"] == "OpenAI"]
    newest = {}
    for row in sorted(rows, key=lambda r: r["page_date"]):
        if row["model_version"] and row["tier_or_condition"] == "standard":
            newest[row["model_version"]] = row
    found = prices(result_2026)
    compared = 0
    for sku, row in newest.items():
        if (sku, "input", "standard") in found:
            assert found[(sku, "input", "standard")] == Decimal(row["input_per_mtok"]), sku
            assert found[(sku, "output", "standard")] == Decimal(row["output_per_mtok"]), sku
            compared += 1
    assert compared == 3  # gpt-4o-2024-05-13 ($5 / $15), gpt-3.5-turbo-0125, gpt-3.5-turbo-1106


def test_2026_conflicting_cells_fail_the_page_naming_both(page_2026: bytes) -> None:
    # The Standard pane's props say gpt-5.6-sol input 5; make them say 6, while the rendered
    # table of the same pane (and the cyber table) still print $5.00.
    original = b"[[0,&quot;gpt-5.6-sol&quot;],[0,5],[0,0.5],[0,6.25],[0,30]]"
    assert page_2026.count(original) == 1
    with pytest.raises(PriceConflict) as failed:
        _parse_2026(page_2026.replace(original, original.replace(b"[0,5]", b"[0,6]")))
    props = "Flagship models [standard tab] TextTokenPricingTables: props row 1, 'Input' says 6"
    assert str(failed.value) == (
        f"openai_pricing: conflicting prices for gpt-5.6-sol input standard: {props}, "
        "Flagship models [standard tab] TextTokenPricingTables: rendered table row 3, "
        "'Short context Input' says $5.00 (and 2 more)"
    )
    # Three other cells give that price: the pane's rendered table, the cyber table's data
    # and the cyber table as rendered.
    first, second, third = failed.value.result.problems
    for problem in (first, second, third):
        assert problem.reason.startswith("conflicting prices for gpt-5.6-sol input standard: ")
        assert props in problem.reason
    assert first.reason.endswith("rendered table row 3, 'Short context Input' says $5.00")
    assert first.text == "6 vs $5.00"
    assert second.reason.endswith(
        "Cyber models [standard tab] GroupedPricingTable: group 'gpt-5.6-sol' row 1, "
        "'Short context Input' says 5"
    )
    assert third.reason.endswith(
        "Cyber models [standard tab] GroupedPricingTable rendered: group 'gpt-5.6-sol' row 1, "
        "'Short context Input' says $5.00"
    )
    assert failed.value.result.observations == []  # nothing of the page is stored


def test_2026_unknown_tab_section_and_column_are_problems(page_2026: bytes) -> None:
    pane = b'data-content-switcher-pane="true" data-value="flex"'
    turbo = _parse_2026(page_2026.replace(pane, pane.replace(b"flex", b"turbo")))
    assert [p.reason for p in turbo.problems] == ["tab not known: 'turbo'"]
    assert not any("flex" in o.tier or "turbo" in o.tier for o in turbo.observations)

    heading = b"<p>Specialized models</p>"
    assert page_2026.count(heading) == 1
    renamed = _parse_2026(page_2026.replace(heading, b"<p>Agent models</p>"))
    assert {p.reason for p in renamed.problems} == {"section not known: 'Agent models'"}
    assert not any(o.sku == "chat-latest" for o in renamed.observations)

    header = b"[0,&quot;Output / cost&quot;]"
    assert page_2026.count(header) == 1
    column = _parse_2026(page_2026.replace(header, b"[0,&quot;Output per minute&quot;]"))
    assert column.problems and {p.reason for p in column.problems} == {"column not understood"}
    assert column.problems[0].text == "Output per minute: 24"


def test_2026_a_props_row_that_gains_a_value_is_refused(page_2026: bytes) -> None:
    # The flagship props rows carry no header: their columns are known by their length. gpt-5.2's
    # Standard row (model | input | cached input | output) given a fifth value would read as
    # cache writes $14, output $15; it is refused instead. Six values: no layout at all.
    row = b"[1,[[0,&quot;gpt-5.2&quot;],[0,1.75],[0,0.175],[0,14]]]"
    assert page_2026.count(row) == 1
    wider = _parse_2026(page_2026.replace(row, row.replace(b"[0,14]", b"[0,14],[0,15]")))
    (problem,) = wider.problems
    assert problem.reason == (
        "row does not read as Input | Cached input | Cache writes | Output: "
        "cache writes not between input and twice input"
    )
    assert problem.where == "Flagship models [standard tab] TextTokenPricingTables: props row 10"
    for component in ("input", "cached_input", "cache_write", "output"):
        assert ("gpt-5.2", component, "standard") not in prices(wider)
    assert prices(wider)[("gpt-5.2", "batch_input", "standard")] == Decimal("0.875")
    assert len(wider.observations) == 400  # gpt-5.2's three Standard prices not stored

    widest = _parse_2026(page_2026.replace(row, row.replace(b"[0,14]", b"[0,14],[0,15],[0,16]")))
    assert [p.reason for p in widest.problems] == ["row layout not known (model and 3 or 4 prices)"]
    assert len(widest.observations) == 400


def test_2026_a_price_in_the_prose_is_a_problem(page_2026: bytes) -> None:
    # The page's text outside its tables states no price; one written there is reported.
    note = b"Tokens used for built-in tools are billed at the chosen model's per-token rates."
    assert page_2026.count(note) == 1
    noted = _parse_2026(page_2026.replace(note, note + b" Web search costs $12.00 / 1k calls."))
    (problem,) = noted.problems
    assert problem.reason == "price in the page's text, outside its tables: not read"
    assert problem.where == "prose"
    assert "Web search costs $12.00 / 1k calls." in problem.text
    assert len(noted.observations) == 403


def test_2026_a_label_naming_two_models_gives_one_sku_each(page_2026: bytes) -> None:
    # gpt-5.2's Standard row relabelled "gpt-5.2 / gpt-5.2-chat": both get its $1.75 / $14;
    # a label with a badge ("gpt-5.2 New") is not a model id and is a problem.
    label = b"[1,[[0,&quot;gpt-5.2&quot;],[0,1.75]"
    assert page_2026.count(label) == 1
    both = _parse_2026(
        page_2026.replace(label, label.replace(b"gpt-5.2", b"gpt-5.2 / gpt-5.2-chat"))
    )
    assert both.problems == []
    found = prices(both)
    assert found[("gpt-5.2", "input", "standard")] == Decimal("1.75")
    assert found[("gpt-5.2-chat", "input", "standard")] == Decimal("1.75")
    assert found[("gpt-5.2-chat", "output", "standard")] == Decimal("14")
    assert len(both.observations) == 406

    badged = _parse_2026(page_2026.replace(label, label.replace(b"gpt-5.2", b"gpt-5.2 New")))
    assert [(p.text, p.reason) for p in badged.problems] == [
        ("gpt-5.2 New", "model name not understood")
    ]
    assert ("gpt-5.2", "input", "standard") not in prices(badged)


def test_2026_page_agrees_with_the_2025_capture_on_every_common_price(
    result: ParseResult, result_2026: ParseResult
) -> None:
    # The same keys read off the two layouts (platform.openai.com Markdown, 2025-11-21, and the
    # developers.openai.com tabs, 2026-08-21): no list price of a model on both changed, so a
    # tab read into the wrong tier or component would show here as a difference.
    before, after = prices(result), prices(result_2026)
    common = before.keys() & after.keys()
    assert len(common) == 183
    assert {key: (before[key], after[key]) for key in common if before[key] != after[key]} == {}
    tiers = {tier for (_, _, tier) in common}
    assert tiers == {"standard", "batch", "flex", "priority"}
    assert ("gpt-4o", "input", "priority") in common and ("gpt-5", "output", "flex") in common


def test_2026_printed_prices_must_agree_with_the_tables_data(page_2026: bytes) -> None:
    # The specialized table prints chat-latest "$5.00 | $0.50 | $30.00"; its data says 5, 0.5,
    # 30. Data saying output 32 disagrees with the printed cell: the page fails.
    data = b"[0,&quot;chat-latest&quot;],[0,5],[0,0.5],[0,30]"
    assert page_2026.count(data) == 1
    with pytest.raises(PriceConflict) as failed:
        _parse_2026(page_2026.replace(data, data.replace(b"[0,30]", b"[0,32]")))
    (problem,) = failed.value.result.problems
    assert problem.reason == (
        "conflicting prices for chat-latest output standard: Specialized models [standard tab] "
        "GroupedPricingTable: group 'ChatGPT' row 1, 'Output' says 32, Specialized models "
        "[standard tab] GroupedPricingTable rendered: group 'ChatGPT' row 1, 'Output' says $30.00"
    )


def test_astro_island_props_are_decoded_exactly(page_2026: bytes) -> None:
    soup = BeautifulSoup(page_2026, "html.parser")
    switcher, standard = soup.find("article", id="mainContent").find_all("astro-island")[:2]
    options = island_props(switcher)["options"]
    assert [o["label"] for o in options] == ["Standard", "Batch", "Flex", "Fast mode"]
    assert [o["value"] for o in options] == ["standard", "batch", "flex", "fast"]
    rows = island_props(standard)["rows"]
    assert rows[6] == ["gpt-5.4-mini", 0.75, Decimal("0.075"), "-", 4.5]
    assert published_text(rows[6][2]) == "0.075" and isinstance(rows[6][2], Decimal)
    assert astro_value({"a": [1, [[0, 1], [0, "x"]]]}) == {"a": [1, "x"]}
    with pytest.raises(ValueError, match="Astro value tag 7 not known"):
        astro_value([7, "x"])
