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

from schemas.enums import Currency
from scrapers.llm_page import llm_price_page, slug_id

NAME = "fireworks_pricing"
PROVIDER = "fireworks"
URL = "https://fireworks.ai/pricing"
PARSER_VERSION = "1"


SOURCE = llm_price_page(
    name=NAME,
    provider=PROVIDER,
    description="Fireworks AI pricing page: serverless per-token prices (no recording yet)",
    urls=(URL,),
    parser_version=PARSER_VERSION,
    currency=Currency.USD,
    sku_of=slug_id,
)
