"""Hand what the table reader found to a :class:`~scrapers.collect.PageCollector`.

:class:`TableCollector` is the collector every table source uses: two different prices for one
price key (provider, sku, component, tier, region, currency, effective date) on one page are a
conflict, and :meth:`TableCollector.finish` fails the source naming both cells. Order never
decides which price is right; a page that says which applies (a date, a mode) gives different
keys (effective date, tier), so both are kept.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from schemas.enums import Currency
from schemas.observation import GLOBAL_REGION, FetchedPage, Observation
from scrapers.base import ParseResult
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.pricing_tables import page_tables
from scrapers.pricing_tables.headers import Aliases
from scrapers.pricing_tables.model import Table
from scrapers.pricing_tables.reader import PriceCell, TableReading, read_table

# The price key of scrapers.collect.PriceKey, by the names PageCollector.price takes.
_KEY_FIELDS = ("provider", "sku", "component", "tier", "region", "currency", "effective_date")


class PriceConflict(ValueError):
    """One page gives two different prices for the same price key."""


@dataclasses.dataclass(frozen=True)
class _Kept:
    price: Decimal
    text: str
    where: str


class TableCollector(PageCollector):
    """A :class:`PageCollector` that fails the page on conflicting prices.

    The same price twice (Opus 4.5 in two tables at $5) is kept once. Two different prices for
    one key are a conflict: both cells are reported as a problem and :meth:`finish` raises, so
    the source fails and nothing from the page is stored.
    """

    def __init__(self, page: FetchedPage, **kwargs) -> None:
        super().__init__(page, **kwargs)
        self._kept: dict[tuple, _Kept] = {}
        self.conflicts: list[str] = []

    def price(self, **fields) -> Observation | None:
        """:meth:`PageCollector.price`, after checking the key has no other price."""
        key = tuple(fields.get(name) for name in _KEY_FIELDS)
        price, text, where = fields["price"], fields["published_text"], fields["where"]
        kept = self._kept.get(key)
        if kept is not None and kept.price != price:
            provider, sku, component, tier, region, _, effective = key
            message = (
                f"conflicting prices for {provider} {sku} {component} tier {tier} region "
                f"{region}{f' from {effective}' if effective else ''}: {kept.text!r} at "
                f"{kept.where} and {text!r} at {where}; the page does not say which applies"
            )
            self.conflicts.append(message)
            self.problem(text, message, where)
            return None
        if kept is None:
            self._kept[key] = _Kept(price, text, where)
        return super().price(**fields)

    def finish(self) -> ParseResult:
        """The page's result; raises :class:`PriceConflict` if any key got two prices."""
        if self.conflicts:
            more = f" (and {len(self.conflicts) - 1} more)" if len(self.conflicts) > 1 else ""
            raise PriceConflict(f"{self.source}: {self.conflicts[0]}{more}")
        return self.result


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
