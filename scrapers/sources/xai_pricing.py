"""xAI's models and pricing page (Grok API).

What it is: ``docs.x.ai/docs/models``, section "Model Pricing": a table of model ids with
input, cached input and output prices per million tokens (USD); models whose price depends on
the prompt length carry one row per context tier ("≤ 200K tokens" / "> 200K tokens" →
tiers ``prompt<=200k`` / ``prompt>200k``). ``provider`` is ``xai``; the sku is the model id as
published (``grok-4.5``).

No real recording of this page exists in the shared data: the source has live URLs only and
no offline recording (``deflator run --offline`` skips it). Its parser is tested on a
hand-built fixture (tests/fixtures/xai/) whose every price cites llm_prices_simonw/xai.json.
"""

from __future__ import annotations

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Source
from scrapers.pricing_tables.output import TableCollector, read_page, record_all

NAME = "xai_pricing"
PROVIDER = "xai"
URL = "https://docs.x.ai/docs/models"
PARSER_VERSION = "2"


def parse(page: FetchedPage) -> ParseResult:
    """Read xAI's model pricing table into per-1M-token USD observations."""
    out = TableCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for reading in read_page(page, out, currency=Currency.USD):
        record_all(
            out,
            reading.prices,
            provider=PROVIDER,
            sku_of=lambda cell: cell.item.strip().lower() if cell.item else None,
        )
    return out.finish()


SOURCE = Source(
    name=NAME,
    leg=Leg.LLM,
    description="xAI Grok API models and pricing page: input, cached input, output, context "
    "tiers (no recording yet)",
    urls=(URL,),
    recordings=(),
    parser_version=PARSER_VERSION,
    parse=parse,
)
