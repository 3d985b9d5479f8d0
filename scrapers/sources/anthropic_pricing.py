"""Anthropic's Claude API pricing page, read from its Markdown version.

What it is: the Claude docs pricing page (``platform.claude.com/docs/en/about-claude/pricing``),
which the docs also serve as Markdown (the ``.md`` URL below). Prices are USD per million
tokens ("$3 / MTok"). ``provider`` is ``anthropic``.

Tables read (found by their headers, see :mod:`scrapers.pricing_tables`):

* Model pricing: "Base Input Tokens" → input, "5m Cache Writes" → cache_write (tier
  ``standard``: 5 minutes is the default cache), "1h Cache Writes" → cache_write tier
  ``cache-1h``, "Cache Hits & Refreshes" → cached_input, "Output Tokens" → output.
* Batch processing: "Batch input" / "Batch output" → batch_input / batch_output.
* Long context pricing: headers "≤ 200K input tokens" / "> 200K input tokens" → tiers
  ``prompt<=200k`` / ``prompt>200k``; each cell names its component ("Input: $6 / MTok"). The
  table names no model: the models are those the section's text names ("When using Claude
  Sonnet 4 or Sonnet 4.5 …"), and each gets the table's prices.
* Tool-use tables count tokens, not money: not read.

SKU rule: the published model name without notes in parentheses, lower case, "." and spaces
to "-" ("Claude Sonnet 4.5" → ``claude-sonnet-4-5``; "Claude Sonnet 3.7 (deprecated)" →
``claude-sonnet-3-7``). ``model`` keeps the name as published.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import PageCollector
from scrapers.pricing_tables.output import read_page, record, slugify
from scrapers.pricing_tables.reader import PriceCell

NAME = "anthropic_pricing"
PROVIDER = "anthropic"
URL = "https://platform.claude.com/docs/en/about-claude/pricing.md"
PARSER_VERSION = "1"

_SECTION_MODEL = re.compile(r"\b(?:Claude\s+)?(Opus|Sonnet|Haiku)\s+(\d+(?:\.\d+)?)\b")


def parse(page: FetchedPage) -> ParseResult:
    """Read the Claude pricing page's tables into per-1M-token observations."""
    out = PageCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for reading in read_page(page, out, currency=Currency.USD):
        for cell in reading.prices:
            names = [cell.item] if cell.item else _models_named_by_section(cell)
            if not names:
                out.problem(cell.text, "no model named for this price", cell.where)
            for name in names:
                sku = _sku(name)
                if sku is None:
                    out.problem(name, "not a Claude model name", cell.where)
                    continue
                record(out, cell, provider=PROVIDER, sku=sku, model=name)
    return out.result


def _sku(name: str) -> str | None:
    slug = slugify(name)
    return slug if slug.startswith("claude-") else None


def _models_named_by_section(cell: PriceCell) -> list[str]:
    """Models the text of the table's section names (the long-context table names none)."""
    if not cell.table.headings:
        return []
    names: list[str] = []
    for line in cell.table.headings[-1].body:
        for family, version in _SECTION_MODEL.findall(line):
            name = f"Claude {family} {version}"
            if name not in names:
                names.append(name)
    return names


SOURCE = Source(
    name=NAME,
    leg=Leg.LLM,
    description="Anthropic Claude API pricing page (Markdown): input, cache writes 5m/1h, "
    "cache hits, output, batch, long context",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/anthropic/xiaoyuge886_claude_docs_pricing.md",
            # PROVENANCE: committed 2026-01-22 (time of day not recorded).
            captured_at=datetime(2026, 1, 22, tzinfo=UTC),
            content_type="text/markdown; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
