"""The Anthropic pricing-page parser on its real recording (Markdown docs page, read in place)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Currency, Leg
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.anthropic_pricing import SOURCE, URL
from tests.pricing_pages import expect, page, prices, recorded

CAPTURED_AT = datetime(2026, 1, 22, tzinfo=UTC)

# pages/anthropic/xiaoyuge886_claude_docs_pricing.md as published, sku | base input | 5m cache
# writes | 1h cache writes | cache hits & refreshes | output (lines 25-34), and
# sku | batch input | batch output (lines 76-85); USD per MTok.
MODEL_PRICING = """
claude-opus-4-5 | $5 | $6.25 | $10 | $0.50 | $25
claude-opus-4-1 | $15 | $18.75 | $30 | $1.50 | $75
claude-opus-4 | $15 | $18.75 | $30 | $1.50 | $75
claude-sonnet-4-5 | $3 | $3.75 | $6 | $0.30 | $15
claude-sonnet-4 | $3 | $3.75 | $6 | $0.30 | $15
claude-sonnet-3-7 | $3 | $3.75 | $6 | $0.30 | $15
claude-haiku-4-5 | $1 | $1.25 | $2 | $0.10 | $5
claude-haiku-3-5 | $0.80 | $1 | $1.6 | $0.08 | $4
claude-opus-3 | $15 | $18.75 | $30 | $1.50 | $75
claude-haiku-3 | $0.25 | $0.30 | $0.50 | $0.03 | $1.25
"""

BATCH = """
claude-opus-4-5 | $2.50 | $12.50
claude-opus-4-1 | $7.50 | $37.50
claude-opus-4 | $7.50 | $37.50
claude-sonnet-4-5 | $1.50 | $7.50
claude-sonnet-4 | $1.50 | $7.50
claude-sonnet-3-7 | $1.50 | $7.50
claude-haiku-4-5 | $0.50 | $2.50
claude-haiku-3-5 | $0.40 | $2
claude-opus-3 | $7.50 | $37.50
claude-haiku-3 | $0.125 | $0.625
"""


EXPECTED = {
    **expect(
        MODEL_PRICING,
        [
            ("input", "standard"),
            ("cache_write", "standard"),
            ("cache_write", "cache-1h"),
            ("cached_input", "standard"),
            ("output", "standard"),
        ],
    ),
    **expect(BATCH, [("batch_input", "standard"), ("batch_output", "standard")]),
}

# Long context pricing (lines 97-100) has no Model column; only the prose above it names
# Sonnet 4 and 4.5. A table that names no model gets none: its four prices are problems.
LONG_CONTEXT_PROBLEMS = [
    ("$3 / MTok", "table 3, row 2, line 99, column 1"),
    ("$6 / MTok", "table 3, row 2, line 99, column 2"),
    ("$15 / MTok", "table 3, row 3, line 100, column 1"),
    ("$22.50 / MTok", "table 3, row 3, line 100, column 2"),
]


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded(shared_data, SOURCE))


def test_source_definition() -> None:
    assert all_sources()["anthropic_pricing"] is SOURCE
    assert SOURCE.leg is Leg.LLM
    assert SOURCE.urls == ("https://platform.claude.com/docs/en/about-claude/pricing.md",)
    (recording,) = SOURCE.recordings
    assert recording.url == URL
    assert recording.path == "pages/anthropic/xiaoyuge886_claude_docs_pricing.md"
    assert recording.captured_at == CAPTURED_AT
    assert recording.content_type.startswith("text/markdown")


def test_every_price_on_the_page(result: ParseResult) -> None:
    assert [(p.text, p.where.split(" [")[0]) for p in result.problems] == LONG_CONTEXT_PROBLEMS
    assert {p.reason for p in result.problems} == {"no model named for this price"}
    assert len(EXPECTED) == 70
    assert prices(result) == EXPECTED


def test_cache_writes_reads_and_long_context(result: ParseResult) -> None:
    found = prices(result)
    assert found[("claude-sonnet-4-5", "cache_write", "standard")] == Decimal("3.75")  # 5m
    assert found[("claude-sonnet-4-5", "cache_write", "cache-1h")] == Decimal("6")
    assert found[("claude-sonnet-4-5", "cached_input", "standard")] == Decimal("0.3")
    # The long-context table names no model: no model gets its tiers by a guess.
    assert not [key for key in found if key[2].startswith("prompt")]


def test_tool_tables_count_tokens_and_are_not_prices(result: ParseResult) -> None:
    assert result.skipped == {"table without prices": 3}


def test_provenance(result: ParseResult) -> None:
    for obs in result.observations:
        assert (obs.source, obs.provider, obs.currency) == (
            "anthropic_pricing",
            "anthropic",
            Currency.USD,
        )
        assert obs.observed_at == CAPTURED_AT
        assert obs.source_url == URL
        assert obs.published_unit == "per 1M tokens"
    sonnet_37 = [o for o in result.observations if o.sku == "claude-sonnet-3-7"]
    assert {o.model for o in sonnet_37} == {"Claude Sonnet 3.7"}  # "(deprecated)" is a badge
    assert {o.published_text for o in sonnet_37 if o.component.value == "output"} == {"$15 / MTok"}


def test_other_captures_read_the_same_way(shared_data: Path) -> None:
    # A newer excerpt with <sup> footnote marks in price cells (nougentracker catalog) and the
    # older crawler conversion whose tables have no leading pipes (docscraper, 2025-05-24).
    catalog = (
        shared_data / "pages/anthropic/nougentracker_claude_standard_catalog.md"
    ).read_bytes()
    newer = SOURCE.parse(page(SOURCE, URL, catalog, CAPTURED_AT, "text/markdown"))
    found = prices(newer)
    assert newer.problems == []
    assert len(found) == 19 * 5
    assert found[("claude-fable-5-1", "cached_input", "standard")] == Decimal(
        "0.25"
    )  # "…<sup>1</sup>"
    assert found[("claude-opus-5-5", "cached_input", "standard")] == Decimal("0.2")
    assert found[("claude-sonnet-5", "input", "standard")] == Decimal("2")
    assert found[("claude-mythos-5", "cache_write", "cache-1h")] == Decimal("20")

    old = (
        shared_data / "pages/anthropic/docscraper_claude_docs_pricing_2025-05-24.md"
    ).read_bytes()
    older = SOURCE.parse(
        page(SOURCE, URL, old, datetime(2025, 5, 24, 19, 39, 31, tzinfo=UTC), "text/markdown")
    )
    found = prices(older)
    assert older.problems == []
    assert len(found) == 7 * 7  # seven models: five list components, batch input and output
    assert found[("claude-opus-4", "input", "standard")] == Decimal("15")
    assert found[("claude-opus-4", "cache_write", "cache-1h")] == Decimal("30")
    assert found[("claude-haiku-3", "cached_input", "standard")] == Decimal("0.03")
    assert found[("claude-haiku-3", "batch_output", "standard")] == Decimal("0.625")
