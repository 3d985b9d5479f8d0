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

from schemas.enums import Currency
from scrapers.llm_page import llm_price_page, slug_id

NAME = "mistral_pricing"
PROVIDER = "mistral"
URL = "https://mistral.ai/pricing"
PARSER_VERSION = "1"


SOURCE = llm_price_page(
    name=NAME,
    provider=PROVIDER,
    description="Mistral AI API pricing page: input and output per model (no recording yet)",
    urls=(URL,),
    parser_version=PARSER_VERSION,
    currency=Currency.USD,
    sku_of=slug_id,
)
