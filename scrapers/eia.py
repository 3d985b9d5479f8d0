"""What every EIA electricity-price source shares: states, sectors, and reading a cents cell.

EIA publishes average retail prices of electricity in cents per kilowatthour. deflator stores
USD per kWh, converted exactly by :func:`schemas.units.parse_price` ("12.5¢" -> 0.125). A
cell that holds no number is never a price:

* ``--`` (no sales in that sector, e.g. transportation in Maine) and the Monthly Energy
  Review's "Not Available" / "Not Applicable" are counted as skipped;
* ``W`` (withheld to avoid disclosure of individual company data), ``NM`` (not meaningful:
  too few respondents or too large a relative standard error) and any other text are
  reported as ParseProblems with the cell and the reason, never stored as zero.
"""

from __future__ import annotations

from datetime import date

from schemas.enums import Component, Currency
from schemas.units import PER_KWH, PriceParseError, parse_price
from scrapers.collect import PageCollector

PROVIDER = "eia"
# The average retail price over one month, and over one year (different series, never mixed).
MONTHLY_SKU = "us-retail-electricity"
ANNUAL_SKU = "us-retail-electricity-annual"
US_REGION = "US"

# EIA's sector names (table headers, CSV columns) and the tiers deflator stores them under.
SECTOR_TIERS: dict[str, str] = {
    "residential": "residential",
    "commercial": "commercial",
    "industrial": "industrial",
    "transportation": "transportation",
    "other": "other",
    "all sectors": "all-sectors",
    "all_sectors": "all-sectors",
    "total": "all-sectors",
}

STATE_CODES: dict[str, str] = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "District of Columbia": "DC",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
}

US_TOTAL_LABELS = {"U.S. Total", "US Total", "U.S. total", "United States"}

CENSUS_DIVISIONS = {
    "New England",
    "Middle Atlantic",
    "East North Central",
    "West North Central",
    "South Atlantic",
    "East South Central",
    "West South Central",
    "Mountain",
    "Pacific Contiguous",
    "Pacific Noncontiguous",
}

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}

# Cells that say there is no price. Skipped: there is nothing to report.
_NO_SALES = {"--", "-", "—", "–"}
_NOT_AVAILABLE = {"not available": "not available", "not applicable": "not applicable"}
# Cells that hide a price. Reported: a price exists but the table does not give it.
_WITHHELD = {
    "W": "withheld to avoid disclosure of individual company data (W)",
    "NM": "not meaningful: too few respondents or relative standard error too high (NM)",
    "NA": "not available (NA)",
}


def sector_tier(label: str) -> str | None:
    """The tier of an EIA sector name ("Residential", "All Sectors", "all_sectors"), or None."""
    return SECTOR_TIERS.get(" ".join(label.split()).lower())


def month_start(text: str) -> date | None:
    """The first day of a month written "April 2025" or "1976 January", else None."""
    words = text.split()
    if len(words) != 2:
        return None
    first, second = words
    if first.isdigit():
        first, second = second, first
    month = MONTHS.get(first.lower())
    if month is None or not second.isdigit() or len(second) != 4:
        return None
    return date(int(second), month, 1)


def cents_cell(
    out: PageCollector,
    *,
    text: str,
    sku: str,
    tier: str,
    region: str,
    effective_date: date,
    where: str,
    published_unit: str = "cents per kWh",
    source_url: str | None = None,
) -> None:
    """Record one cents-per-kWh cell as USD per kWh, or skip / report it when it is no price."""
    cell = " ".join(text.split())
    if cell in _NO_SALES:
        out.skip("no sales in sector (--)")
        return
    if cell.lower() in _NOT_AVAILABLE:
        out.skip(_NOT_AVAILABLE[cell.lower()])
        return
    if not cell:
        out.problem(text, "empty cell", where)
        return
    if cell.upper() in _WITHHELD:
        out.problem(cell, _WITHHELD[cell.upper()], where)
        return
    try:
        parsed = parse_price(f"{cell}¢", unit=PER_KWH, currency=Currency.USD)
    except PriceParseError as error:
        out.problem(cell, error.reason, where)
        return
    out.price(
        provider=PROVIDER,
        sku=sku,
        model=None,
        component=Component.KWH,
        tier=tier,
        region=region,
        currency=Currency.USD,
        price=parsed.amount,
        published_text=cell,
        published_unit=published_unit,
        where=where,
        effective_date=effective_date,
        source_url=source_url,
    )
