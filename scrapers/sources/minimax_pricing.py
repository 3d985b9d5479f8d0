"""MiniMax's pay-as-you-go API prices: the international site in USD, the Chinese site in CNY.

What it is: two docs pages, "Pay as You Go" (``platform.minimax.io/docs/pricing/pay-as-you-go``,
"$0.3 / M tokens") and "按量计费" (``platform.minimaxi.com/docs/pricing/pay-as-you-go``, headers
"输入价格 元/百万 tokens" over bare amounts "2.1"). Read as Markdown (the docs' ``.md`` form, the
way the recordings were captured) by :mod:`scrapers.pricing_tables`: the "Text" / "文本" table
with columns Input / 输入价格 → input, Output / 输出价格 → output, Prompt caching Read / 缓存读取
→ cached_input, Prompt caching Write / 缓存写入 → cache_write. Speech, video, music and image
tables are priced per character, video, song or image: skipped by unit or modality. The rate
limits table (RPM, TPM) holds no money.

``provider`` is ``minimax``; the currency is the page's: USD on platform.minimax.io, CNY on
platform.minimaxi.com (the Chinese page writes bare amounts under a "元/百万 tokens" header;
"元" is what makes them CNY, and the page's currency is passed explicitly). Both pages price the
same models, as two series (one per currency), never converted.

SKU rule: the MiniMax model id in the Model cell ("**MiniMax-M2-Stable** <br />High
Concurrency, Commercial Use" → ``minimax-m2-stable``), lower case. A Model cell without exactly
one MiniMax id is a problem, not a guess.

Recordings: ``pages-history/minimax/petehsu_payg-{en,zh}_2025-12-20.md`` (petehsu/LLM-Docs,
commit fe4ebf53d566 of 2025-12-20 00:00:17 UTC, the capture time in MANIFEST.csv).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from schemas.enums import Currency
from scrapers.base import Recording
from scrapers.llm_page import llm_price_page
from scrapers.pricing_tables.reader import PriceCell

NAME = "minimax_pricing"
PROVIDER = "minimax"
URL_USD = "https://platform.minimax.io/docs/pricing/pay-as-you-go.md"
URL_CNY = "https://platform.minimaxi.com/docs/pricing/pay-as-you-go.md"
PARSER_VERSION = "1"

_CURRENCY = {"platform.minimax.io": Currency.USD, "platform.minimaxi.com": Currency.CNY}
_MODEL_ID = re.compile(r"\bMiniMax-[A-Za-z0-9][A-Za-z0-9.-]*")
_CAPTURED = datetime(2025, 12, 20, 0, 0, 17, tzinfo=UTC)


def page_currency(url: str) -> Currency:
    """The currency of the site a URL is on; an unknown site is an error, not a guess."""
    host = url.split("/")[2] if "//" in url else ""
    if host not in _CURRENCY:
        raise ValueError(f"{NAME}: no known currency for {url}")
    return _CURRENCY[host]


def _sku(cell: PriceCell) -> str | None:
    ids = _MODEL_ID.findall(cell.item or "")
    return ids[0].lower() if len(set(ids)) == 1 else None


SOURCE = llm_price_page(
    name=NAME,
    provider=PROVIDER,
    currency=page_currency,
    sku_of=_sku,
    model_of=lambda cell: _MODEL_ID.findall(cell.item or "")[0],
    description="MiniMax pay-as-you-go text API prices: USD (minimax.io) and CNY (minimaxi.com)",
    urls=(URL_USD, URL_CNY),
    recordings=(
        Recording(
            url=URL_USD,
            path="pages-history/minimax/petehsu_payg-en_2025-12-20.md",
            captured_at=_CAPTURED,
            content_type="text/markdown; charset=utf-8",
        ),
        Recording(
            url=URL_CNY,
            path="pages-history/minimax/petehsu_payg-zh_2025-12-20.md",
            captured_at=_CAPTURED,
            content_type="text/markdown; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
)
