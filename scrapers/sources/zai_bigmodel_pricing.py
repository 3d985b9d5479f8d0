"""Zhipu's bigmodel.cn pricing page (CNY): the GLM models' input, output and cache-hit prices.

What it is: ``https://bigmodel.cn/pricing``, the Chinese-market sibling of Z.ai's USD page
(:mod:`scrapers.sources.zai_pricing`). About 1 MB of Vue-rendered HTML; each price table is
drawn by Element UI's ``el-table`` as TWO ``<table>`` elements, a header-only one
(``el-table__header-wrapper``) and a body-only one (``el-table__body-wrapper``) right after it.
This parser joins each such pair back into one table (same section, same width) and writes
each row's length range into its model cell before the shared reader reads it by meaning.

Read: the "旗舰模型" (flagship models) tables, columns 模型名称 (model), 上下文 (千tokens)
(context, or the input/output length range a row's prices apply to), 输入单价 (百万tokens) →
input, 输出单价 (百万tokens) → output, 缓存存储 (百万tokens/小时) (cache storage per hour: not
tracked), 缓存命中 (百万tokens) → cached_input. Prices are "8元" per million tokens: CNY.

Length ranges are tiers, read from the row's 上下文 cell in thousands of tokens:
"输入长度 [0, 32)" → ``prompt<32k``; "输入长度 [32+)" → ``prompt>=32k``; "输入长度 [32, 200)"
→ ``prompt<200k+prompt>=32k``; "输出长度 [0, 0.2)" / "[0.2+)" → ``output<200`` /
``output>=200`` (joined with ``+``, sorted). A context size ("1M", "200K") is no tier. A cell
that is neither is a problem, never dropped into the standard tier.

Not read, each with its reason: tables with one "单价" (unit price) for input and output
together (older GLM-4 series, vision, embedding, role-play models): the page does not split
them by component, so they are neither input nor output; fine-tuning, private instances,
private deployment, search tools and knowledge-base storage (not token list prices).
"限时免费" (free for a limited time) and "免费" are no price. Badges in the model cell ("新品",
new) never reach the sku.

``provider`` is ``zhipu`` (the bigmodel.cn seller, billing in CNY; Z.ai's USD page is
provider ``zai``); sku = the model name as published, lower case (``glm-5.1``).

Recording: ``pages-history/zai/lzc0403_bigmodel-pricing_2026-07-17.html``
(lzc0403/token-pricing-scraper ``tests/fixtures/bigmodel.html``, commit 481ee588884a of
2026-07-17 06:22:04 UTC, the capture time in MANIFEST.csv).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from decimal import Decimal

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.pricing_tables.html import html_tables
from scrapers.pricing_tables.model import Table
from scrapers.pricing_tables.output import TableCollector, decoded_text, record, report
from scrapers.pricing_tables.reader import PriceCell, read_table

NAME = "zai_bigmodel_pricing"
PROVIDER = "zhipu"
URL = "https://bigmodel.cn/pricing"
PARSER_VERSION = "1"

# Sections whose tables are not token list prices.
_NOT_LIST_PRICES = {
    "模型微调": "fine-tuning and its deployment, not a token list price",
    "模型私有实例": "private instance per compute unit and day, not a token list price",
    "云端私有化套餐": "private cloud package, not a token list price",
    "本地私有化解决方案": "on-premises solution, not a token list price",
    "搜索工具服务": "search tool per call, not a token price",
    "知识库扩容服务": "knowledge-base storage, not a token price",
}
_UNIFIED = "one 单价 (unit price) for input and output together: neither component"
_RANGE = re.compile(r"(输入|输出)长度\s*\[\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*\)|\+\s*\))")
_SIZE = re.compile(r"^(?:\d+(?:\.\d+)?\s*[KkMm]|/)$")
_MODEL = re.compile(r"^(?P<model>[A-Za-z][\w.-]*)(?:\s+(?P<rest>.*))?$")


def joined_tables(tables: list[Table]) -> list[Table]:
    """Each el-table header-only table joined with the body table right after it."""
    joined: list[Table] = []
    index = 0
    while index < len(tables):
        table = tables[index]
        body = tables[index + 1] if index + 1 < len(tables) else None
        if (
            len(table.rows) == 1
            and body is not None
            and body.width == table.width
            and body.headings == table.headings
        ):
            rows = (*table.rows, *body.rows)
            joined.append(dataclasses.replace(table, rows=rows, header_rows=1))
            index += 2
            continue
        joined.append(table)
        index += 1
    return joined


def with_ranges(table: Table) -> Table:
    """The table with each row's length range (上下文 column) written into its model cell.

    The shared reader takes "上下文" for a context window (not a price, not a label); here a
    range in it says which prices the row holds, so it must travel with the model's name.
    """
    header = [cell.text for cell in table.rows[0]] if table.rows else []
    if len(header) < 2 or not header[1].startswith("上下文"):
        return table
    rows = [table.rows[0]]
    for row in table.rows[1:]:
        model, context = row[0], row[1]
        text = f"{model.text}\n{context.text}" if _RANGE.search(context.text) else model.text
        rows.append((dataclasses.replace(model, text=text), *row[1:]))
    return dataclasses.replace(table, rows=tuple(rows))


def _skip_reason(table: Table) -> str | None:
    for heading in table.headings:
        if heading.title in _NOT_LIST_PRICES:
            return _NOT_LIST_PRICES[heading.title]
    headers = " ".join(cell.text for cell in table.rows[0]) if table.rows else ""
    if "单价" in headers and "输入单价" not in headers:
        return _UNIFIED
    return None


def _thousands(number: str) -> str:
    """A length in thousands of tokens as a tier threshold: "32" -> "32k", "0.2" -> "200"."""
    tokens = Decimal(number) * 1000
    if tokens != tokens.to_integral_value():
        raise ValueError(f"{NAME}: length {number}K is not a whole number of tokens")
    whole = int(tokens)
    return f"{whole // 1000}k" if whole % 1000 == 0 else str(whole)


def range_tiers(text: str) -> list[str] | None:
    """Tier parts of a 上下文 cell ("输入长度 [0, 32) 输出长度 [0.2+)"), [] for a size, or None."""
    text = text.strip()
    if not text or _SIZE.match(text):
        return []
    parts: list[str] = []
    rest = text
    for match in _RANGE.finditer(text):
        side = "prompt" if match.group(1) == "输入" else "output"
        low, high = match.group(2), match.group(3)
        if Decimal(low) > 0:
            parts.append(f"{side}>={_thousands(low)}")
        if high is not None:
            parts.append(f"{side}<{_thousands(high)}")
        rest = rest.replace(match.group(0), " ")
    return parts if parts and not rest.strip() else None


def parse(page: FetchedPage) -> ParseResult:
    """Read bigmodel.cn's flagship GLM price tables into per-1M-token CNY observations."""
    out = TableCollector(page, source=NAME, leg=Leg.LLM, parser_version=PARSER_VERSION)
    text = decoded_text(page, out)
    if text is None:
        return out.finish()
    as_of = page.fetched_at.date()
    for table in map(with_ranges, joined_tables(html_tables(text))):
        reason = _skip_reason(table)
        if reason:
            out.skip(reason)
            continue
        reading = read_table(table, currency=Currency.CNY, as_of=as_of)
        report(out, reading)
        for cell in reading.prices:
            _record(out, cell)
    return out.finish()


def _record(out: TableCollector, cell: PriceCell) -> None:
    match = _MODEL.match(cell.item or "")
    if match is None:
        out.problem(cell.text, "no model named for this price", cell.where)
        return
    tiers = range_tiers(match.group("rest") or "")
    if tiers is None:
        out.problem(match.group("rest"), "length range not understood", cell.where)
        return
    parts = set(tiers) | ({cell.tier} - {"standard"})
    tier = "+".join(sorted(parts)) if parts else "standard"
    model = match.group("model")
    record(out, dataclasses.replace(cell, tier=tier), provider=PROVIDER, sku=model.lower(),
           model=model)  # fmt: skip


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.LLM,
    description="Zhipu bigmodel.cn GLM pricing (CNY): input, output, cache hits, length tiers",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="pages-history/zai/lzc0403_bigmodel-pricing_2026-07-17.html",
            captured_at=datetime(2026, 7, 17, 6, 22, 4, tzinfo=UTC),
            content_type="text/html; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
