"""Z.ai's (Zhipu) developer docs pricing page.

What it is: ``docs.z.ai/guides/overview/pricing`` ("All prices are in USD"). Read: the "Text
Models" and "Vision Models" tables, under the line "Prices per 1M tokens.", with columns
Model, Input, Cached Input, Cached Input Storage (a storage price, not read) and Output.
"Free" and "Limited-time Free" are no price; "-" and "\\" mark a price that does not exist.
Tables priced per image, per video or per use (image, video, audio models, tools, agents)
name no token component and give no token prices; the "Agents" and "Tools" sections are not
read (an agent's "$0.7 / MTok" names no component: it is not a model's input or output).

``provider`` is ``zai``; the sku is the model name as published, lower case
(``glm-4.5-air``), which is how Z.ai's API names its models.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Currency
from scrapers.base import Recording
from scrapers.collect import PageCollector
from scrapers.llm_page import llm_price_page
from scrapers.pricing_tables.model import Table

NAME = "zai_pricing"
PROVIDER = "zai"
URL = "https://docs.z.ai/guides/overview/pricing"
PARSER_VERSION = "2"

# Sections priced per agent task or tool call: not a model's token prices.
_NOT_MODELS = frozenset({"agents", "tools"})


def _select(table: Table, out: PageCollector) -> str | None:
    titles = {heading.title.strip().lower() for heading in table.headings}
    return "agent or tool prices, not a model's" if titles & _NOT_MODELS else None


SOURCE = llm_price_page(
    name=NAME,
    provider=PROVIDER,
    description="Z.ai (Zhipu) GLM API pricing page: input, cached input, output",
    urls=(URL,),
    parser_version=PARSER_VERSION,
    currency=Currency.USD,
    select=_select,
    recordings=(
        Recording(
            url=URL,
            path="pages/zai/lzc0403_zai_pricing.html",
            # PROVENANCE: last changed in a commit of 2026-08-18 (time of day not recorded).
            captured_at=datetime(2026, 8, 18, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
)
