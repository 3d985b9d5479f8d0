"""EIA Electric Power Monthly Table 5.6.A: average retail price of electricity by state and sector.

What it is: an HTML page (SAS ODS output) holding one table. Its caption is the title and unit,
"Table 5.6.A. Average Price of Electricity to Ultimate Customers by End-Use Sector, by State,
April 2025 and 2024 (Cents per Kilowatthour)". Two header rows: the sectors (Residential,
Commercial, Industrial, Transportation, All Sectors), each spanning two columns, then
"Census Division and State" and the two periods under each sector ("April 2025", "April
2024": the month and the same month a year earlier). Then one row per census division
(New England, Middle Atlantic, …), per state, and "U.S. Total".

Mapping: the latest month only (the prior-year column is counted as skipped: it was current
a year ago, and the history already moved past it). One observation per state (or ``US``)
and sector: provider ``eia``, sku ``us-retail-electricity`` (the average retail price over
that month), region = the state's postal code or ``US``, tier = sector (``all-sectors`` for
"All Sectors"), component ``kwh``, USD per kWh converted exactly from cents with
:func:`schemas.units.parse_price` ("29.61" -> 0.2961), effective date = the first day of
the month. The table is read by its header text, not by cell positions or CSS classes.

Known traps and how they are handled:

* ``--`` (no sales in the sector, e.g. transportation in Maine) is counted as skipped.
* ``W`` (withheld), ``NM`` (not meaningful) and any other non-number are ParseProblems with
  the state, sector and month, never stored as zero.
* Census-division rows are aggregates of the states below them: skipped, counted.
* A row label that is neither a state, a division nor the U.S. total is a ParseProblem.
* A page without the table, without "Cents per Kilowatthour" in the title, with an unknown
  sector header, or with year-to-date periods (Table 5.6.B) fails the source loudly rather
  than guess.

The live page has no recording in the shared data folder; tests use a hand-built fixture
(tests/fixtures/eia/) carrying real published values, and offline runs have nothing to replay.
"""

from __future__ import annotations

from datetime import date

from bs4 import BeautifulSoup, Tag

from schemas.enums import Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.eia import (
    CENSUS_DIVISIONS,
    MONTHLY_SKU,
    STATE_CODES,
    US_REGION,
    US_TOTAL_LABELS,
    cents_cell,
    month_start,
    sector_tier,
)

NAME = "eia_electricity"
URL = "https://www.eia.gov/electricity/monthly/epm_table_grapher.php?t=epmt_5_6_a"
PARSER_VERSION = "1"

_TITLE_MARK = "average price of electricity"
_UNIT_MARK = "cents per kilowatthour"

Grid = list[list[tuple[str, bool]]]  # per row: (cell text, is a header cell), spans expanded


def parse(page: FetchedPage) -> ParseResult:
    """Read Table 5.6.A into USD-per-kWh observations for the latest month."""
    soup = BeautifulSoup(page.text(), "lxml")
    table, title = _price_table(soup)
    if _UNIT_MARK not in title.lower():
        raise ValueError(f"{NAME}: the table does not say it is in cents per kilowatthour")
    grid = _grid(table)
    header = [row for row in grid if row and all(is_header for _, is_header in row[1:])]
    body = [row for row in grid if row and not all(is_header for _, is_header in row[1:])]
    sectors = _sector_columns(header)
    periods = _period_columns(header)
    latest = max(periods.values())

    out = PageCollector(page, source=NAME, leg=Leg.ENERGY, parser_version=PARSER_VERSION)
    for row in body:
        label = row[0][0]
        if label in CENSUS_DIVISIONS:
            out.skip("census division (aggregate of its states)")
            continue
        region = US_REGION if label in US_TOTAL_LABELS else STATE_CODES.get(label)
        if region is None:
            out.problem(
                label, "unknown row: not a state, a census division or the U.S. total", label
            )
            continue
        for column, tier in sectors.items():
            period = periods.get(column)
            if period is None:
                raise ValueError(f"{NAME}: column {column} has a sector but no period")
            if period != latest:
                out.skip("earlier period column (same month a year before)")
                continue
            text = row[column][0] if column < len(row) else ""
            cents_cell(
                out,
                text=text,
                sku=MONTHLY_SKU,
                tier=tier,
                region=region,
                effective_date=period,
                where=f"{label} / {tier} / {period:%B %Y}",
            )
    return out.result


def _price_table(soup: BeautifulSoup) -> tuple[Tag, str]:
    """The table whose caption (or the heading just before it) names average price."""
    for table in soup.find_all("table"):
        caption = table.find("caption")
        title = caption.get_text(" ", strip=True) if caption else ""
        if not title:
            previous = table.find_previous(["h1", "h2", "h3", "h4", "p", "div"])
            title = previous.get_text(" ", strip=True) if previous else ""
        if _TITLE_MARK in title.lower():
            return table, " ".join(title.split())
    raise ValueError(f"{NAME}: no table titled 'Average Price of Electricity' on the page")


def _grid(table: Tag) -> Grid:
    """Every row of the table with colspans and rowspans expanded into plain columns."""
    grid: Grid = []
    carried: dict[int, tuple[int, tuple[str, bool]]] = {}  # column -> (rows left, cell)
    for tr in table.find_all("tr"):
        row: list[tuple[str, bool]] = []
        column = 0
        cells = tr.find_all(["th", "td"], recursive=False)
        position = 0
        while position < len(cells) or column in carried:
            if column in carried:
                left, cell = carried[column]
                row.append(cell)
                if left > 1:
                    carried[column] = (left - 1, cell)
                else:
                    del carried[column]
                column += 1
                continue
            tag = cells[position]
            position += 1
            cell = (" ".join(tag.get_text(" ", strip=True).split()), tag.name == "th")
            span = _span(tag, "colspan")
            down = _span(tag, "rowspan")
            for _ in range(span):
                if down > 1:
                    carried[column] = (down - 1, cell)
                row.append(cell)
                column += 1
        grid.append(row)
    return grid


def _span(tag: Tag, attribute: str) -> int:
    try:
        return max(1, int(str(tag.get(attribute, "1"))))
    except ValueError:
        return 1


def _sector_columns(header: Grid) -> dict[int, str]:
    """Column -> tier, from the header row naming the sectors."""
    for row in header:
        labels = {column: text for column, (text, _) in enumerate(row) if column and text}
        if labels and any(sector_tier(text) for text in labels.values()):
            unknown = sorted({text for text in labels.values() if sector_tier(text) is None})
            if unknown:
                raise ValueError(f"{NAME}: unknown sector header(s) {unknown}")
            return {column: str(sector_tier(text)) for column, text in labels.items()}
    raise ValueError(f"{NAME}: no header row naming the sectors")


def _period_columns(header: Grid) -> dict[int, date]:
    """Column -> first day of its month, from the header row naming the periods."""
    for row in header:
        labels = {column: text for column, (text, _) in enumerate(row) if column and text}
        months = {column: month_start(text) for column, text in labels.items()}
        if labels and all(months.values()):
            return {column: month for column, month in months.items() if month is not None}
    raise ValueError(f"{NAME}: no header row of monthly periods (a year-to-date table?)")


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_PAGE,
    leg=Leg.ENERGY,
    description="EIA Electric Power Monthly Table 5.6.A: retail electricity price by state and "
    "sector, latest month",
    urls=(URL,),
    recordings=(),
    parser_version=PARSER_VERSION,
    parse=parse,
)
