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

from schemas.enums import Currency
from scrapers.llm_page import llm_price_page

NAME = "xai_pricing"
PROVIDER = "xai"
URL = "https://docs.x.ai/docs/models"
PARSER_VERSION = "2"


SOURCE = llm_price_page(
    name=NAME,
    provider=PROVIDER,
    description="xAI Grok API models and pricing page: input, cached input, output, context "
    "tiers (no recording yet)",
    urls=(URL,),
    parser_version=PARSER_VERSION,
    currency=Currency.USD,
)
