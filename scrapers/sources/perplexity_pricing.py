"""Perplexity's API pricing page (Sonar models).

What it is: ``docs.perplexity.ai/getting-started/pricing``; the recording is a whole-page
Markdown capture (Jina-Reader style). Read: the "Token Pricing" table, columns "Input Tokens
($/1M)" → input and "Output Tokens ($/1M)" → output (the unit is in the header). Citation,
search-query and reasoning-token columns are other charges, not read. The worked cost
examples further down ("Component | Cost") state no unit and are no price list: skipped.
Request fees (per 1,000 requests) are not token prices.

``provider`` is ``perplexity``; sku rule: the model name slugged, as in Perplexity's API
("Sonar Reasoning Pro" → ``sonar-reasoning-pro``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Currency
from scrapers.base import Recording
from scrapers.llm_page import llm_price_page, slug_id

NAME = "perplexity_pricing"
PROVIDER = "perplexity"
URL = "https://docs.perplexity.ai/getting-started/pricing"
PARSER_VERSION = "1"


SOURCE = llm_price_page(
    name=NAME,
    provider=PROVIDER,
    description="Perplexity API pricing page: Sonar models' input and output token prices",
    urls=(URL,),
    parser_version=PARSER_VERSION,
    currency=Currency.USD,
    sku_of=slug_id,
    recordings=(
        Recording(
            url=URL,
            path="pages/perplexity/tokentally_perplexity_pricing_jina.md",
            # PROVENANCE: committed 2025-10-15 (time of day not recorded).
            captured_at=datetime(2025, 10, 15, tzinfo=UTC),
            content_type="text/markdown; charset=utf-8",
        ),
    ),
)
