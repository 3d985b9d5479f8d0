"""Fireworks AI's pricing page (serverless text models).

What it is: ``fireworks.ai/pricing``: serverless models priced per 1M tokens, one price for
input and output alike; the price column's header says so ("Price per 1M tokens (input and
output)"), so each price is recorded as both the input and the output price. ``provider`` is
``fireworks``; SKU rule: the published model name slugged ("Llama 3.1 405B" →
``llama-3-1-405b``).

No real recording of this page exists in the shared data: the source has live URLs only and
no offline recording (``deflator run --offline`` skips it). Its parser is tested on a
hand-built fixture (tests/fixtures/fireworks/) citing pricing_page_facts.csv.
"""

from __future__ import annotations

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.pricing_tables.output import read_page, record_all, slugify

NAME = "fireworks_pricing"
PROVIDER = "fireworks"
URL = "https://fireworks.ai/pricing"
PARSER_VERSION = "1"


def parse(page: FetchedPage) -> ParseResult:
    """Read Fireworks' serverless price table into per-1M-token USD observations."""
    out = PageCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for reading in read_page(page, out, currency=Currency.USD):
        record_all(
            out,
            reading.prices,
            provider=PROVIDER,
            sku_of=lambda cell: slugify(cell.item) if cell.item else None,
        )
    return out.result


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.LLM,
    description="Fireworks AI pricing page: serverless per-token prices (no recording yet)",
    urls=(URL,),
    recordings=(),
    parser_version=PARSER_VERSION,
    parse=parse,
)
