"""Mistral AI's API pricing (La Plateforme).

What it is: the "API pricing" section of ``mistral.ai/pricing``: tables of models with
"Input" and "Output" columns, each cell a USD price with its unit ("$0.4 /M tokens").
``provider`` is ``mistral``. SKU rule: the published model name slugged
("Mistral Medium 3" → ``mistral-medium-3``, "Ministral 8B 24.10" → ``ministral-8b-24-10``);
``model`` keeps the name.

No real recording of this page exists in the shared data: the source has live URLs only and
no offline recording (``deflator run --offline`` skips it). Its parser is tested on a
hand-built fixture (tests/fixtures/mistral/) whose every price cites llm_prices_simonw or
pricing_page_facts.csv.
"""

from __future__ import annotations

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.pricing_tables.output import read_page, record_all, slugify

NAME = "mistral_pricing"
PROVIDER = "mistral"
URL = "https://mistral.ai/pricing"
PARSER_VERSION = "1"


def parse(page: FetchedPage) -> ParseResult:
    """Read Mistral's API price tables into per-1M-token USD observations."""
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
    description="Mistral AI API pricing page: input and output per model (no recording yet)",
    urls=(URL,),
    recordings=(),
    parser_version=PARSER_VERSION,
    parse=parse,
)
