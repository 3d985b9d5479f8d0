"""EIA Monthly Energy Review Table 9.8: US average retail price of electricity, monthly by sector.

What it is: the monthly sheet of MER Table 9.8 "Average Retail Prices of Electricity" saved as
CSV (as committed in tech-david/capstonePython, commit 093e0bc, 2022-09-25): a header row
``Month, "Average Retail Price of Electricity, Residential", … Commercial, Industrial,
Transportation, Other, Total``, a unit row ``(Cents per Kilowatthour,  Including Taxes)``
under every price column, then one row per month from "1976 January" to "2022 May". The
first line starts with a byte-order mark.

Mapping: one observation per month and sector. provider ``eia``, sku
``us-retail-electricity`` (the average retail price over that month), region ``US``,
tier = sector (``residential``, ``commercial``, ``industrial``, ``transportation``,
``other``, ``all-sectors`` for "Total"), component ``kwh``, USD per kWh converted exactly
from the cents (3.9 -> 0.039), effective date = the first day of the month. The warehouse
turns the ~2,200 dated points into SCD2 history rows, one per month-to-month change.

Known traps and how they are handled:

* "Not Available" (1976 January-June, transportation before 2003, other after 2003) and
  "Not Applicable" are counted as skipped, never stored as zero.
* Prices include taxes (the unit row says so); the parser refuses a column whose unit row
  is not cents per kilowatthour rather than guess the unit.
* Any other non-number is a ParseProblem naming the month and column.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from schemas.enums import Leg
from schemas.observation import FetchedPage
from scrapers.backfill.base import Dataset
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import PageCollector
from scrapers.eia import MONTHLY_SKU, US_REGION, cents_cell, month_start, sector_tier

NAME = "eia_history"
URL = (
    "https://raw.githubusercontent.com/tech-david/capstonePython/"
    "093e0bc211ae42cb481b718ac306ce44305d24b8/data/Table_9.8_Average_Retail_Prices_of_Electricity.csv"
)
PARSER_VERSION = "1"

_COLUMN_PREFIX = "Average Retail Price of Electricity,"
_UNIT = "cents per kilowatthour"
PUBLISHED_UNIT = "cents per kWh, including taxes (MER Table 9.8)"


def parse(page: FetchedPage) -> ParseResult:
    """Read the MER Table 9.8 monthly CSV into USD-per-kWh observations."""
    text = page.body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 3:
        raise ValueError(f"{NAME}: expected a header, a unit row and monthly rows")
    header, units = rows[0], rows[1]
    if not header or header[0].strip().lower() != "month":
        raise ValueError(f"{NAME}: first column is {header[:1]!r}, expected 'Month'")
    columns: dict[int, str] = {}
    for index, name in enumerate(header[1:], start=1):
        label = name.strip()
        if not label.startswith(_COLUMN_PREFIX):
            raise ValueError(f"{NAME}: unexpected column {label!r}")
        tier = sector_tier(label[len(_COLUMN_PREFIX) :])
        if tier is None:
            raise ValueError(f"{NAME}: unknown sector in column {label!r}")
        unit = " ".join(units[index].split()).lower() if index < len(units) else ""
        if _UNIT not in unit:
            raise ValueError(f"{NAME}: column {label!r} is in {unit!r}, not cents per kWh")
        columns[index] = tier

    out = PageCollector(page, source=NAME, leg=Leg.ENERGY, parser_version=PARSER_VERSION)
    for line, row in enumerate(rows[2:], start=3):
        if not any(cell.strip() for cell in row):
            continue
        month = month_start(row[0].strip())
        if month is None:
            out.problem(row[0], "not a month (expected e.g. '1976 July')", f"line {line}")
            continue
        for index, tier in columns.items():
            cell = row[index] if index < len(row) else ""
            cents_cell(
                out,
                text=cell,
                sku=MONTHLY_SKU,
                tier=tier,
                region=US_REGION,
                effective_date=month,
                where=f"{row[0].strip()} / {header[index].strip()}",
                published_unit=PUBLISHED_UNIT,
            )
    return out.result


SOURCE = Source(
    name=NAME,
    leg=Leg.ENERGY,
    description="EIA Monthly Energy Review Table 9.8: US retail electricity price by sector, "
    "monthly 1976-2022",
    urls=(URL,),
    recordings=(
        Recording(
            url=URL,
            path="energy/eia_mer_table_9_8_avg_retail_price_electricity_monthly.csv",
            # The commit date of the file (PROVENANCE); the time of day is not recorded.
            captured_at=datetime(2022, 9, 25, tzinfo=UTC),
            content_type="text/csv; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)


DATASET = Dataset(
    source=SOURCE,
    provenance=(
        "U.S. EIA Monthly Energy Review Table 9.8 as committed in tech-"
        "david/capstonePython data/Table_9.8_Average_Retail_Prices_of_Electricity.csv "
        "@093e0bc (2022-09-25)"
    ),
    license=("US government data (public domain)"),
    about=(
        "Average retail price of electricity by sector, monthly 1976-01..2022-05, cents "
        "per kWh including taxes, converted exactly to USD per kWh. effective_date is the"
        " month; 'Not Available' cells are skipped."
    ),
    cadence_days=31,  # monthly values
    stale_after_days=62,
    regular_cadence=True,
    dated_records=True,
)
