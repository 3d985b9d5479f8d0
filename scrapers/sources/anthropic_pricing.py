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
  ``prompt<=200k`` / ``prompt>200k``; each cell names its component ("Input: $6 / MTok"). A row
  with an empty Model cell continues the row above ("Claude Opus 4.6" then "Output: …"); a
  label naming several models ("Claude Sonnet 4.6 / 4.5 / 4") gives each its prices. The
  2025 version of this table has no Model column: its prices are reported as problems ("no
  model named"), never given to the models the section's prose mentions.
* Fast mode pricing: tier ``fast`` (a mode, never the standard price); a fast-mode table with
  no Model column names no model and is reported, not guessed.
* Rows dated in their label ("Claude Sonnet 5 through August 31, 2026" / "… starting
  September 1, 2026"): the same sku; the "starting" row carries that day as effective date.
* The models overview's comparison table ("Feature | Claude Fable 5 | …", a "Pricing" row of
  "$5 / input MTok $25 / output MTok") is a summary, not this page's list: on 2026-07-23 it
  shows Sonnet 5 at "$3 / input MTok" with a footnote saying the $2 introductory price
  applies. Given such a page, the table is reported as a problem and not read.
* Tool-use tables count tokens, not money: not read.

SKU rule: the published model name without notes in parentheses, lower case, "." and spaces
to "-" ("Claude Sonnet 4.5" → ``claude-sonnet-4-5``; "Claude Sonnet 3.7 (deprecated)" →
``claude-sonnet-3-7``). ``model`` keeps the name as published.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Currency
from scrapers.base import Recording
from scrapers.collect import PageCollector
from scrapers.llm_page import llm_price_page
from scrapers.pricing_tables.cells import has_money
from scrapers.pricing_tables.model import Table
from scrapers.pricing_tables.output import slugify
from scrapers.pricing_tables.reader import PriceCell

NAME = "anthropic_pricing"
PROVIDER = "anthropic"
URL = "https://platform.claude.com/docs/en/about-claude/pricing.md"
PARSER_VERSION = "2"


COMPARISON = (
    "a model comparison table (Feature | models): a summary whose footnotes change its prices "
    "(the pricing page's tables are the list), not read"
)


def _select(table: Table, out: PageCollector) -> str | None:
    """The "Feature | models" comparison table is reported and skipped; the rest is read."""
    first = table.rows[0][0].text.strip().lower() if table.rows and table.width else ""
    priced = any(has_money(cell.text) for row in table.rows for cell in row)
    if first == "feature" and table.width > 2 and priced:
        out.problem(" | ".join(c.text for c in table.rows[0])[:200], COMPARISON, table.where)
        return "model comparison table"
    return None


def _sku(cell: PriceCell) -> str | None:
    slug = slugify(cell.item or "")
    return slug if slug.startswith("claude-") else None


SOURCE = llm_price_page(
    name=NAME,
    provider=PROVIDER,
    currency=Currency.USD,
    sku_of=_sku,
    select=_select,
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
)
