"""Moonshot AI's Kimi API pricing page (Chinese, CNY).

What it is: the Kimi API platform docs page "Kimi K2.6 模型定价"
(``platform.kimi.com/docs/pricing/chat-k26``): one table with columns 模型 (model), 计费单位
(billing unit: "1M tokens", a unit column read per row), 输入价格（缓存命中） (input, cache hit →
cached_input), 输入价格（缓存未命中） (input, cache miss → input), 输出价格 (output) and
上下文窗口 (context window, not a price). Prices are CNY ("¥6.50"): the page is the Chinese
platform's and states "¥"; the currency is passed explicitly as CNY and kept.

``provider`` is ``moonshot`` (the company behind Kimi); the sku is the model id as published,
lower case (``kimi-k2.6``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Currency
from scrapers.base import Recording
from scrapers.llm_page import llm_price_page

NAME = "kimi_pricing"
PROVIDER = "moonshot"
URL = "https://platform.kimi.com/docs/pricing/chat-k26"
PARSER_VERSION = "2"


SOURCE = llm_price_page(
    name=NAME,
    provider=PROVIDER,
    description="Kimi (Moonshot AI) K2.6 API pricing page, CNY",
    urls=(URL,),
    parser_version=PARSER_VERSION,
    currency=Currency.CNY,
    recordings=(
        Recording(
            url=URL,
            path="pages/kimi/lzc0403_kimi_k26_pricing_zh.html",
            # PROVENANCE: last changed in a commit of 2026-07-17 (time of day not recorded).
            captured_at=datetime(2026, 7, 17, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
)
