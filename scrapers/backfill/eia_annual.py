"""EIA annual average retail electricity prices: by state (2023) and US by sector (2002-2023).

Two transcribed tables recorded in the shared data folder (read their PROVENANCE):

* ``eia_electric_power_annual_2023_avg_price_by_state_partial.csv`` — Electric Power Annual
  2023 (released 2024-10-17), average revenue per kWh by state and sector:
  ``year,state,residential_cents_per_kwh,commercial_cents_per_kwh,industrial_cents_per_kwh,
  total_cents_per_kwh``. Partial: the stored excerpt stops at Wisconsin (Wyoming and the U.S.
  total are missing) and Wisconsin's total was cut off, so that cell is empty.
* ``eia_reported_annual_avg_price_by_sector.csv`` — ``year,sector,cents_per_kwh,source_table,
  source_url``: 2002-2011 from Electric Power Monthly Table 5.3 (release 2012-09-24, via the UNT
  web archive); 2022-2023 industrial as charted by Statista (2022 rounded to 8.3).

Mapping: provider ``eia``, sku ``us-retail-electricity-annual`` (an annual average, never mixed
with the monthly series), component ``kwh`` in USD per kWh converted exactly from cents,
tier = sector (``total`` and ``all_sectors`` -> ``all-sectors``), region = the state's postal
code or ``US``, effective date = 1 January of the year. Rows of the by-sector table keep their
own ``source_url``. Which table a recording holds is read from its header, not its URL.

There is no live URL: these are transcriptions, loaded from their recordings only.

Known traps: the empty Wisconsin total is a ParseProblem ("empty cell"), never zero; a state
name deflator does not know is a ParseProblem; a year that is not four digits is a problem.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from schemas.enums import Leg
from schemas.observation import FetchedPage
from scrapers.backfill.base import Dataset
from scrapers.base import ParseResult, Recording, Source
from scrapers.collect import PageCollector
from scrapers.eia import ANNUAL_SKU, STATE_CODES, US_REGION, cents_cell, sector_tier

NAME = "eia_annual"
PARSER_VERSION = "1"

STATE_URL = "https://www.eia.gov/electricity/annual/secrev-map.php"
SECTOR_URL = (
    "https://webarchive.library.unt.edu/web/20121213231121/"
    "http://www.eia.gov/electricity/monthly/epm_table_grapher.cfm?t=epmt_5_3"
)
_STATE_COLUMNS = {
    "residential_cents_per_kwh": "residential",
    "commercial_cents_per_kwh": "commercial",
    "industrial_cents_per_kwh": "industrial",
    "total_cents_per_kwh": "all-sectors",
}


def parse(page: FetchedPage) -> ParseResult:
    """Read either annual table (told apart by its header) into USD-per-kWh observations."""
    reader = csv.DictReader(io.StringIO(page.body.decode("utf-8-sig")))
    fields = set(reader.fieldnames or ())
    out = PageCollector(page, source=NAME, leg=Leg.ENERGY, parser_version=PARSER_VERSION)
    if {"year", "state"} <= fields and set(_STATE_COLUMNS) <= fields:
        _by_state(out, reader)
    elif {"year", "sector", "cents_per_kwh"} <= fields:
        _by_sector(out, reader)
    else:
        raise ValueError(f"{NAME}: unknown table layout, columns {sorted(fields)}")
    return out.result


def _year(out: PageCollector, text: str | None, where: str) -> date | None:
    value = (text or "").strip()
    if len(value) != 4 or not value.isdigit():
        out.problem(value, "not a year", where)
        return None
    return date(int(value), 1, 1)


def _by_state(out: PageCollector, reader: csv.DictReader) -> None:
    for line, row in enumerate(reader, start=2):
        state = (row.get("state") or "").strip()
        year = _year(out, row.get("year"), f"line {line}")
        if year is None:
            continue
        code = STATE_CODES.get(state)
        if code is None:
            out.problem(state, "unknown state", f"line {line}")
            continue
        for column, tier in _STATE_COLUMNS.items():
            cents_cell(
                out,
                text=row.get(column) or "",
                sku=ANNUAL_SKU,
                tier=tier,
                region=code,
                effective_date=year,
                where=f"{year.year} {state} / {column}",
                published_unit="cents per kWh (Electric Power Annual, average revenue per kWh)",
            )


def _by_sector(out: PageCollector, reader: csv.DictReader) -> None:
    for line, row in enumerate(reader, start=2):
        year = _year(out, row.get("year"), f"line {line}")
        if year is None:
            continue
        sector = (row.get("sector") or "").strip()
        tier = sector_tier(sector)
        if tier is None:
            out.problem(sector, "unknown sector", f"line {line}")
            continue
        table = (row.get("source_table") or "").strip()
        cents_cell(
            out,
            text=row.get("cents_per_kwh") or "",
            sku=ANNUAL_SKU,
            tier=tier,
            region=US_REGION,
            effective_date=year,
            where=f"{year.year} {sector}",
            published_unit=f"cents per kWh ({table})" if table else "cents per kWh",
            source_url=(row.get("source_url") or "").strip() or None,
        )


SOURCE = Source(
    name=NAME,
    leg=Leg.ENERGY,
    description="EIA annual average retail electricity price: by state 2023 (partial) and US "
    "by sector 2002-2023 (transcribed)",
    urls=(),
    recordings=(
        Recording(
            url=STATE_URL,
            path="energy/eia_electric_power_annual_2023_avg_price_by_state_partial.csv",
            # Release date of Electric Power Annual 2023 data (PROVENANCE).
            captured_at=datetime(2024, 10, 17, tzinfo=UTC),
            content_type="text/csv; charset=utf-8",
        ),
        Recording(
            url=SECTOR_URL,
            path="energy/eia_reported_annual_avg_price_by_sector.csv",
            # The archived Table 5.3 release (2012-09-24) is the older part; the newest rows
            # cite EIA's release of 2024-03-18 (as charted by Statista).
            captured_at=datetime(2024, 3, 18, tzinfo=UTC),
            content_type="text/csv; charset=utf-8",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)


DATASET = Dataset(
    source=SOURCE,
    provenance=(
        "U.S. EIA Electric Power Annual 2023: average price by state and by sector "
        "(transcribed tables; see energy/PROVENANCE.txt)"
    ),
    license=("US government data (public domain)"),
    about=(
        "Annual average retail price of electricity by state (partial) and by sector, "
        "cents per kWh converted exactly to USD per kWh; effective_date is the year's "
        "first day."
    ),
    cadence_days=365,  # annual values: a year's average is published the year after
    stale_after_days=548,
    regular_cadence=True,
    dated_records=True,
)
