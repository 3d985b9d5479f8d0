"""Hand what the table reader found to a :class:`~scrapers.collect.PageCollector`.

:func:`record` (and :func:`record_all`, which every table source uses) refuses to resolve a
conflict by order: two different prices for one price key (provider, sku, component, tier,
region, currency, effective date) on one page fail the source, naming both cells. A page that
says which applies (a date, a mode) gives different keys (effective date, tier), so both are
kept. :class:`TableCollector` gathers all conflicts of a page before failing it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from weakref import WeakKeyDictionary

from schemas.enums import Currency
from schemas.observation import GLOBAL_REGION, FetchedPage
from scrapers.base import ParseResult, PriceConflict
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.pricing_tables import page_tables
from scrapers.pricing_tables.headers import Aliases
from scrapers.pricing_tables.model import Table
from scrapers.pricing_tables.reader import PriceCell, TableReading, read_table


@dataclasses.dataclass(frozen=True)
class _Kept:
    price: Decimal
    text: str
    where: str


# Per collector (one per page): the first price recorded for each price key.
_KEPT: WeakKeyDictionary[PageCollector, dict[tuple, _Kept]] = WeakKeyDictionary()


class TableCollector(PageCollector):
    """A :class:`PageCollector` that gathers every conflict of a page before failing it.

    With a plain collector, :func:`record` raises at the first conflict; with this one it
    reports each conflict as a problem and :meth:`finish` raises naming the first (and how
    many more), so one run shows all of them.
    """

    def __init__(self, page: FetchedPage, **kwargs) -> None:
        super().__init__(page, **kwargs)
        self.conflicts: list[str] = []

    def finish(self) -> ParseResult:
        """The page's result; raises :class:`PriceConflict` if any key got two prices."""
        if self.conflicts:
            more = f" (and {len(self.conflicts) - 1} more)" if len(self.conflicts) > 1 else ""
            raise PriceConflict(f"{self.source}: {self.conflicts[0]}{more}")
        return self.result


def _conflict(out: PageCollector, key: tuple, price: Decimal, text: str, where: str) -> str | None:
    """Why ``price`` conflicts with the price already recorded for ``key``, or None."""
    kept = _KEPT.setdefault(out, {})
    first = kept.setdefault(key, _Kept(price, text, where))
    if first.price == price:
        return None
    provider, sku, component, tier, region, _, effective = key
    return (
        f"conflicting prices for {provider} {sku} {component} tier {tier} region {region}"
        f"{f' from {effective}' if effective else ''}: {first.text!r} at {first.where} and "
        f"{text!r} at {where}; the page does not say which applies"
    )


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
    """One price cell as an observation of ``provider``'s ``sku``.

    A second, different price for the same key (provider, sku, component, tier, region,
    currency, effective date) on the page is a conflict, never resolved by order: it raises
    :class:`PriceConflict` naming both cells (a :class:`TableCollector` gathers them first).
    """
    price = round_to_stored_scale(cell.price.amount)
    key = (provider, sku, cell.component.value, cell.tier, GLOBAL_REGION,
           cell.price.currency.value, cell.effective_date)  # fmt: skip
    conflict = _conflict(out, key, price, cell.text, cell.where)
    if conflict and isinstance(out, TableCollector):
        out.conflicts.append(conflict)
        out.problem(cell.text, conflict, cell.where)
        return
    if conflict:
        raise PriceConflict(f"{out.source}: {conflict}")
    out.price(
        provider=provider,
        sku=sku,
        model=model,
        component=cell.component,
        tier=cell.tier,
        region=GLOBAL_REGION,
        currency=cell.price.currency,
        price=price,
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
    """Record every cell for each model its label names; the others are problems.

    ``sku_of`` and ``model_of`` see one model at a time: a cell whose label names several
    ("Claude Opus 5 / Claude Opus 4.8") is handed over once per name, as ``cell.item``.
    """
    for cell in cells:
        if not cell.names:
            out.problem(cell.text, "no model named for this price", cell.where)
            continue
        for name in cell.names:
            one = dataclasses.replace(cell, item=name, names=(name,))
            sku = sku_of(one)
            if not sku:
                out.problem(name, "not a model name of this provider", cell.where)
                continue
            record(out, one, provider=provider, sku=sku, model=model_of(one))


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
