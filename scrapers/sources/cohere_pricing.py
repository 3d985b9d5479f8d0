"""Cohere's pricing page.

What it is: ``cohere.com/pricing``. The recording is a whole-page Markdown capture of it
(Jina-Reader style). Its per-token list prices are not in a table but in the FAQ, in
sentences: "Command R+ 08-2024 pricing is $2.50/1M tokens for input and $10.00/1M tokens for
output" (legacy models "for existing customers", and the research Aya Expanse models). They
are read with :func:`scrapers.pricing_tables.prose.sentence_prices`; any pricing tables the
page may carry are read as well. ``provider`` is ``cohere``; prices are USD.

SKU rule: the slug of the name (lower case, "+" → "-plus", other punctuation and spaces → "-"):
"Command R+ 08-2024" → ``command-r-plus-08-2024``, "Command-light" → ``command-light``. One
explicit entry: "Aya Expanse models (8B and 32B)" prices two models, ``aya-expanse-8b`` and
``aya-expanse-32b``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Currency, Leg
from schemas.observation import GLOBAL_REGION, STANDARD_TIER, FetchedPage
from schemas.units import PriceParseError, parse_price
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.pricing_tables import is_html
from scrapers.pricing_tables.html import html_text
from scrapers.pricing_tables.output import decoded_text, read_page, record, slugify
from scrapers.pricing_tables.prose import sentence_prices

NAME = "cohere_pricing"
PROVIDER = "cohere"
URL = "https://cohere.com/pricing"
PARSER_VERSION = "1"

SKUS: dict[str, tuple[str, ...]] = {
    "aya expanse models (8b and 32b)": ("aya-expanse-8b", "aya-expanse-32b"),
}


def skus_of(subject: str) -> tuple[str, ...]:
    """Stable ids for what a sentence prices (explicit map first, then the slug rule)."""
    known = SKUS.get(" ".join(subject.lower().split()))
    if known:
        return known
    slug = slugify(subject)
    return (slug,) if slug else ()


def parse(page: FetchedPage) -> ParseResult:
    """Read Cohere's per-token prices (FAQ sentences and any tables) into observations."""
    out = PageCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    text = decoded_text(page, out)
    if text is None:
        return out.result
    if is_html(page, text):
        text = html_text(text)
    for found in sentence_prices(text):
        where = f"sentence: {found.sentence[:120]}"
        try:
            price = parse_price(found.text, currency=Currency.USD)
        except PriceParseError as error:
            out.problem(found.text, error.reason, where)
            continue
        skus = skus_of(found.subject)
        if not skus:
            out.problem(found.text, "no model named for this price", where)
        for sku in skus:
            out.price(
                provider=PROVIDER,
                sku=sku,
                model=found.subject,
                component=found.component,
                tier=STANDARD_TIER,
                region=GLOBAL_REGION,
                currency=price.currency,
                price=round_to_stored_scale(price.amount),
                published_text=found.text,
                published_unit=price.published_unit,
                where=where,
            )
    for reading in read_page(page, out, currency=Currency.USD):
        for cell in reading.prices:
            if cell.item:
                for sku in skus_of(cell.item):
                    record(out, cell, provider=PROVIDER, sku=sku, model=cell.item)
            else:
                out.problem(cell.text, "no model named for this price", cell.where)
    return out.result


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.LLM,
    description="Cohere pricing page: per-token prices stated in its FAQ (Command, Aya)",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages/cohere/tokentally_cohere_pricing_jina.md",
            # PROVENANCE: committed 2025-10-15 (time of day not recorded).
            captured_at=datetime(2025, 10, 15, tzinfo=UTC),
            content_type="text/markdown; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
