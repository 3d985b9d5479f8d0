"""OpenAI's API pricing page.

What it is: since 2026 ``developers.openai.com/api/docs/pricing``, an Astro page whose tables
are tabbed (Standard / Batch / Flex / Fast mode); it is read by
:mod:`scrapers.sources.openai_pricing_2026` (the layout is recognised by its content, not its
URL). The offline run replays the newest real capture of it
(``pages-history/openai/lzc0403_pricing-raw_2026-08-21.html``). Before 2026 the page was
``platform.openai.com/docs/pricing``; its recordings (whole-page Markdown conversions, in
``pages/openai/``) are still read as below. Prices are USD per 1M tokens; ``provider`` is
``openai``; the sku is the model id as published (``gpt-5.1``, ``gpt-4o-2024-05-13``).

Older layout: sections read (by the title of the section a table stands in):

* "Text tokens": four tables with identical headers told apart only by the label before each
  ("Batch", "Flex", "Standard", "Priority"). Batch → batch_input / batch_output (cached input
  gets tier ``batch``); Flex → tier ``flex``; Priority → tier ``priority``; Standard →
  ``standard``.
* "Embeddings": "Cost" is the input price, "Batch cost" the batch input price.
* "Legacy models": Batch and Standard tables of input and output.

Not read, counted as skipped ``section not tracked: <title>``: image and audio tokens (same
model ids as the text tables, other modality), fine-tuning (prices of fine-tuned models),
transcription and speech, video, image generation, built-in tools, AgentKit.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.pricing_tables.model import Table
from scrapers.pricing_tables.output import decoded_text, read_page, record
from scrapers.sources.openai_pricing_2026 import is_2026_layout, parse_2026

NAME = "openai_pricing"
PROVIDER = "openai"
URL = "https://developers.openai.com/api/docs/pricing"
PLATFORM_URL = "https://platform.openai.com/docs/pricing"  # the page's address before 2026
PARSER_VERSION = "2"

TRACKED_SECTIONS = frozenset({"text tokens", "embeddings", "legacy models"})
# The embeddings table heads its prices "Cost" and "Batch cost" (per 1M input tokens).
EMBEDDING_ALIASES = {
    "cost": (Component.INPUT,),
    "batch cost": (Component.BATCH_INPUT,),
}


def section_title(table: Table) -> str:
    """The title of the page section a table stands in (below the page's own title)."""
    for heading in table.headings:
        if heading.level >= 2 and heading.title:
            return heading.title
    return table.headings[-1].title if table.headings else ""


def _untracked(table: Table) -> str | None:
    title = section_title(table)
    return None if title.lower() in TRACKED_SECTIONS else f"section not tracked: {title}"


def parse(page: FetchedPage) -> ParseResult:
    """Read OpenAI's token price tables into per-1M-token observations."""
    out = PageCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    text = decoded_text(page, out)
    if text is not None and is_2026_layout(text):
        parse_2026(text, out)
        return out.result
    readings = read_page(
        page,
        out,
        currency=Currency.USD,
        aliases=lambda table: EMBEDDING_ALIASES if section_title(table) == "Embeddings" else None,
        select=_untracked,
    )
    for reading in readings:
        for cell in reading.prices:
            if not cell.item:
                out.problem(cell.text, "no model named for this price", cell.where)
                continue
            record(out, cell, provider=PROVIDER, sku=cell.item.strip().lower(), model=cell.item)
    return out.result


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.LLM,
    description="OpenAI API pricing page: every token-priced table and tab (standard, batch, "
    "flex, priority/fast mode, long context), embeddings, legacy models",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages-history/openai/lzc0403_pricing-raw_2026-08-21.html",
            # MANIFEST.csv captured_at (the commit time of the capture).
            captured_at=datetime(2026, 8, 21, 12, 37, 46, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
