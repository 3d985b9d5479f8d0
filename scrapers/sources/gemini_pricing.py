"""Google's Gemini Developer API pricing page.

What it is: ``ai.google.dev/gemini-api/docs/pricing``; the recording is the docs' Markdown
export of it (the ``.md.txt`` URL below). One section per model: a ``##`` heading with the
model's name, its model id as inline code (``gemini-2.5-pro``), then a "Standard" and a
"Batch" table whose rows name components ("Input price", "Output price (including thinking
tokens)", "Context caching price") and whose columns are "Free Tier" (not a list price) and
"Paid Tier, per 1M tokens in USD". ``provider`` is ``google``.

Cells hold several prices with conditions, read by :mod:`scrapers.pricing_tables.cells`:
"$1.25, prompts <= 200k tokens $2.50, prompts > 200k tokens" gives tiers ``prompt<=200k`` and
``prompt>200k``; "$0.30 (text / image / video) $1.00 (audio)" gives the text price (other
modalities are skipped); context-caching storage per token-hour, per-image and per-second
prices are skipped by reason. The Batch table's input and output are batch_input and
batch_output; its context caching price is cached_input with tier ``batch``. The live HTML
page (``table.pricing-table`` under an ``h2`` and its ``<code>`` model id) reads the same way.

Each table of the page stands under its own heading (the model's "##", then "### Standard" /
"### Batch"). A table that shares its innermost section with another table is not given the
section's model: in a conversion that lost its headings, an embeddings table lands under
"Veo 3" and would otherwise be priced as Veo.

SKU rule: the first inline-code model id of the model's section. A section without one
(Gemma 3, "Pricing for Tools") names no model: a price there is a problem, never a sku made
from the heading's words.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.pricing_tables.model import Table
from scrapers.pricing_tables.output import TableCollector, read_page, record

NAME = "gemini_pricing"
PROVIDER = "google"
URL = "https://ai.google.dev/gemini-api/docs/pricing.md.txt"
PARSER_VERSION = "2"

_MODEL_ID = re.compile(r"^[a-z][a-z0-9]*(?:[-.][a-z0-9]+)+$")


SHARED_SECTION = (
    "table shares its section with another table (no Standard/Batch heading of its own): "
    "which model it prices is not stated"
)


def _section(table: Table) -> tuple[tuple[int, str], ...]:
    return tuple((heading.level, heading.title) for heading in table.headings)


def model_section(table: Table) -> tuple[str | None, str | None]:
    """(sku, model name) of the model section a table stands in: the section's model id.

    A section without an inline-code model id names no model: its prices are problems. A
    heading's words are never turned into a sku (a conversion that lost the model headings
    put every table under "### Enterprise", a plan, not a model).
    """
    for heading in reversed(table.headings):
        ids = [code for code in heading.codes if _MODEL_ID.match(code)]
        if ids:
            return ids[0], heading.title or None
    return None, None


# "?hl=fr" in the URL, or in a capture's front matter ("source_url: …?hl=fr") or its
# "translated" banner image: Google's docs in another language, machine-translated.
# (Not any "hl=" link: an English HTML page links its translations with hreflang alternates.)
_HL = r"[?&]hl=([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)"
_URL_LOCALE = re.compile(_HL)
_BODY_LOCALE = re.compile(rf"^source_url:\s*\S*?{_HL}|translated\.svg\?hl=([A-Za-z-]+)", re.M)
_HEAD = 4000


def page_locale(page: FetchedPage) -> str | None:
    """The non-English locale a page was served in, or None for English (or unstated)."""
    head = page.body[:_HEAD].decode("utf-8", "replace")
    found = [m.group(1) for m in [_URL_LOCALE.search(page.url)] if m]
    found += [m.group(1) or m.group(2) for m in _BODY_LOCALE.finditer(head)]
    return next((hl for hl in found if not hl.lower().startswith("en")), None)


def parse(page: FetchedPage) -> ParseResult:
    """Read the Gemini API pricing page into per-1M-token observations.

    A machine-translated page (``hl=`` other than English) is not read: its labels ("Prezzo
    di input", "入力価格") and amounts ("3,60 $") are not the English page's, and reading part of
    it could store a price under the wrong component. It gives one problem and no prices, so
    the source fails and keeps its previous prices.
    """
    out = TableCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    locale = page_locale(page)
    if locale:
        out.problem(
            page.url,
            f"machine-translated page (hl={locale}): only the English page is read",
            "page",
        )
        return out.finish()
    readings = read_page(page, out, currency=Currency.USD)
    sections = Counter(_section(reading.table) for reading in readings)
    for reading in readings:
        shared = sections[_section(reading.table)] > 1
        sku, model = (None, None) if shared else model_section(reading.table)
        for cell in reading.prices:
            if shared:
                out.problem(cell.text, SHARED_SECTION, cell.where)
                continue
            if sku is None:
                out.problem(cell.text, "no model section for this price", cell.where)
                continue
            record(out, cell, provider=PROVIDER, sku=sku, model=model)
    return out.finish()


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.LLM,
    description="Google Gemini Developer API pricing page: paid tier, standard and batch, "
    "context-length tiers, context caching",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/gemini/aiadmin_gemini_docs_pricing.md",
            # PROVENANCE: committed 2025-11-21 (time of day not recorded).
            captured_at=datetime(2025, 11, 21, tzinfo=UTC),
            content_type="text/markdown; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
