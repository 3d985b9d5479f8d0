"""Hand what the table reader found to a :class:`~scrapers.collect.PageCollector`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from schemas.enums import Currency
from schemas.observation import GLOBAL_REGION, FetchedPage
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.pricing_tables import page_tables
from scrapers.pricing_tables.headers import Aliases
from scrapers.pricing_tables.model import Table
from scrapers.pricing_tables.reader import PriceCell, TableReading, read_table


def decoded_text(page: FetchedPage, out: PageCollector) -> str | None:
    """The page's text, or None after reporting a page that is not text in its charset."""
    try:
        return page.text()
    except (UnicodeDecodeError, LookupError) as error:
        out.problem(
            page.body[:200].decode("utf-8", "replace"), f"page is not text: {error}", "page"
        )
        return None


def read_page(
    page: FetchedPage,
    out: PageCollector,
    *,
    currency: Currency,
    aliases: Aliases | Callable[[Table], Aliases | None] | None = None,
    select: Callable[[Table], str | None] | None = None,
) -> list[TableReading]:
    """Every table of the page, read; problems and skips already handed to ``out``.

    Args:
        page: The fetched page (HTML or Markdown).
        out: The page's collector.
        currency: The currency the page states.
        aliases: Provider words for components, for every table or per table.
        select: Says why a table is not to be read (counted as skipped), or None to read it.

    A page that is not text, or has no table, gives no readings (and so no observations: the
    warehouse's drift check then fails the source instead of withdrawing its prices).
    """
    text = decoded_text(page, out)
    if text is None:
        return []
    tables = page_tables(page, text)
    if not tables:
        out.skip("page without tables")
    as_of = page.fetched_at.date()
    readings = []
    for table in tables:
        reason = select(table) if select else None
        if reason:
            out.skip(reason)
            continue
        table_aliases = aliases(table) if callable(aliases) else aliases
        reading = read_table(table, currency=currency, as_of=as_of, aliases=table_aliases)
        report(out, reading)
        readings.append(reading)
    return readings


def report(out: PageCollector, reading: TableReading) -> None:
    """Hand a reading's problems and skips to the collector."""
    for problem in reading.problems:
        out.problem(problem.text, problem.reason, problem.where)
    for reason, count in reading.skipped.items():
        out.result.skipped[reason] += count


def record(
    out: PageCollector,
    cell: PriceCell,
    *,
    provider: str,
    sku: str,
    model: str | None,
) -> None:
    """One price cell as an observation of ``provider``'s ``sku``."""
    out.price(
        provider=provider,
        sku=sku,
        model=model,
        component=cell.component,
        tier=cell.tier,
        region=GLOBAL_REGION,
        currency=cell.price.currency,
        price=round_to_stored_scale(cell.price.amount),
        published_text=cell.text,
        published_unit=cell.price.published_unit,
        where=cell.where,
        effective_date=cell.effective_date,
    )


def record_all(
    out: PageCollector,
    cells: Iterable[PriceCell],
    *,
    provider: str,
    sku_of: Callable[[PriceCell], str | None],
    model_of: Callable[[PriceCell], str | None] = lambda cell: cell.item,
) -> None:
    """Record every cell whose sku ``sku_of`` knows; the others are reported as problems."""
    for cell in cells:
        sku = sku_of(cell)
        if not sku:
            out.problem(cell.text, "no model named for this price", cell.where)
            continue
        record(out, cell, provider=provider, sku=sku, model=model_of(cell))


def tables_of(readings: Iterable[TableReading]) -> list[Table]:
    """The tables behind some readings (for parsers that pick tables by their section)."""
    return [reading.table for reading in readings]


def slugify(name: str) -> str:
    """A stable id from a published model name: lower case, "." and spaces to "-".

    Text in parentheses (status notes such as "(deprecated)") and a trailing footnote mark
    are dropped; "+" becomes "-plus". "Claude Sonnet 4.5 (deprecated)" -> "claude-sonnet-4-5",
    "Command R+ 08-2024" -> "command-r-plus-08-2024".
    """
    base = re.sub(r"\([^)]*\)", " ", name).replace("+", " plus ")
    return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
