"""DeepSeek's API pricing page, in both its published currencies.

What it is: the DeepSeek API docs "Models & Pricing" page. The Chinese page
(``/zh-cn/quick_start/pricing``) publishes the CNY list ("0.02元"), the English page
(``/quick_start/pricing``) the USD list ("$0.07"). Both are read and kept in the currency
published: never converted. ``provider`` is ``deepseek``.

Layout: one table with the models across (first row: "模型" / "MODEL", then the model ids)
and attribute rows down; a rowspan label ("价格" / "PRICING") over three price rows whose
labels name the component: "百万tokens输入（缓存命中）" / "1M INPUT TOKENS (CACHE HIT)" →
cached_input, "…（缓存未命中）" / "(CACHE MISS)" → input, "百万tokens输出" / "1M OUTPUT TOKENS"
→ output; the unit ("百万tokens", "1M … TOKENS") is in the label. A price cell may span both
model columns when the models share a price. The sku is the model id as published
(``deepseek-v4-flash``), footnote marks removed.

Currency: stated by the page, so chosen by the page's URL (``/zh-cn/`` → CNY, else USD) and
passed to the price parser: "¥" and "元" are never guessed.

Offline: only the Chinese page has a real recording; the English page is covered by a
hand-built test fixture (tests/fixtures/deepseek/) and fetched live.
"""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.pricing_tables.output import read_page, record

NAME = "deepseek_pricing"
PROVIDER = "deepseek"
URL_CNY = "https://api-docs.deepseek.com/zh-cn/quick_start/pricing"
URL_USD = "https://api-docs.deepseek.com/quick_start/pricing"
PARSER_VERSION = "1"


def page_currency(url: str) -> Currency:
    """The currency a DeepSeek pricing page publishes: CNY on the Chinese page, else USD."""
    return Currency.CNY if "/zh-cn/" in url else Currency.USD


def parse(page: FetchedPage) -> ParseResult:
    """Read DeepSeek's model table into per-1M-token observations in the page's currency."""
    out = PageCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    for reading in read_page(page, out, currency=page_currency(page.url)):
        for cell in reading.prices:
            if not cell.item:
                out.problem(cell.text, "no model named for this price", cell.where)
                continue
            sku = cell.item.strip().lower()
            record(out, cell, provider=PROVIDER, sku=sku, model=cell.item.strip())
    return out.result


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.LLM,
    description="DeepSeek API pricing: CNY list (Chinese page) and USD list (English page)",
    urls=(URL_CNY, URL_USD),
    recordings=(
        Recording(
            url=URL_CNY,
            path="pages/deepseek/lzc0403_deepseek_pricing_zh.html",
            # PROVENANCE: last changed in a commit of 2026-07-17 (time of day not recorded).
            captured_at=datetime(2026, 7, 17, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
