"""One declaration for an LLM provider's own pricing page read as tables.

Most first-party LLM pricing pages are the same job: fetch the page (HTML or Markdown), read
every price table with :mod:`scrapers.pricing_tables`, and record each priced cell under the
model its row names. Such a source is one call::

    SOURCE = llm_price_page(
        name="kimi_pricing",
        provider="moonshot",
        description="Kimi (Moonshot AI) K2.6 API pricing page, CNY",
        urls=(URL,),
        currency=Currency.CNY,
        parser_version="2",
        recordings=(Recording(url=URL, path="pages/kimi/…", captured_at=…),),
    )

What differs from page to page is declared, never coded around: the currency (or a function
of the URL for sites that publish one per domain), how a row's model name becomes a sku
(:func:`model_id` by default, or :func:`slug_id`, or the source's own rule), the canonical
model name, and which tables are not model price lists (``select`` returns why, or None).
A page needing more than this (prose prices, switchers, several layouts) keeps its own parser.
"""

from __future__ import annotations

from collections.abc import Callable

from schemas.enums import Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.pricing_tables.model import Table
from scrapers.pricing_tables.output import TableCollector, read_page, record_all, slugify
from scrapers.pricing_tables.reader import PriceCell

SkuRule = Callable[[PriceCell], str | None]
# Why a table is not a model price list (None: read it); may report a problem on the page.
TableFilter = Callable[[Table, PageCollector], str | None]


def model_id(cell: PriceCell) -> str | None:
    """The sku is the model id as published, lower case (``Kimi-K2.6`` → ``kimi-k2.6``)."""
    return cell.item.strip().lower() if cell.item else None


def slug_id(cell: PriceCell) -> str | None:
    """The sku is the slug of the published name (``Mistral Large 3`` → ``mistral-large-3``)."""
    return slugify(cell.item) if cell.item else None


def llm_price_page(
    *,
    name: str,
    provider: str,
    description: str,
    urls: tuple[str, ...],
    currency: Currency | Callable[[str], Currency],
    parser_version: str,
    recordings: tuple[Recording, ...] = (),
    sku_of: SkuRule = model_id,
    model_of: SkuRule = lambda cell: cell.item,
    select: TableFilter | None = None,
    kind: SourceKind = SourceKind.FIRST_PARTY_PAGE,
) -> Source:
    """A :class:`Source` reading an LLM pricing page's tables into per-token observations.

    Args:
        name: The source's name (its module's name).
        provider: Who sells at these prices (``provider`` of every observation).
        description: One line for ``deflator sources``.
        urls: The live pages, fetched in order.
        currency: The page's currency, or a function of the page's URL giving it.
        parser_version: Bumped whenever the output for the same page changes.
        recordings: Real recorded responses standing in for ``urls`` offline.
        sku_of: A row's model name → the sku (None: not a model of this provider, a problem).
        model_of: A row's model name → the model name stored with the price.
        select: Why a table is not a price list of models (it is then skipped), or None.
        kind: What kind of publisher the page is.
    """

    def parse(page: FetchedPage) -> ParseResult:
        out = TableCollector(page, source=name, leg=Leg.LLM, parser_version=parser_version)
        page_currency = currency(page.url) if callable(currency) else currency
        chooser = (lambda table: select(table, out)) if select is not None else None
        for reading in read_page(page, out, currency=page_currency, select=chooser):
            record_all(out, reading.prices, provider=provider, sku_of=sku_of, model_of=model_of)
        return out.finish()

    parse.__doc__ = f"Read {name}'s price tables into per-token observations."
    return Source(
        name=name,
        kind=kind,
        leg=Leg.LLM,
        description=description,
        urls=urls,
        recordings=recordings,
        parser_version=parser_version,
        parse=parse,
    )
