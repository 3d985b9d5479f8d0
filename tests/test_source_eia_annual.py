"""EIA annual average prices: by state 2023 (partial) and US by sector, on their recordings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Leg
from scrapers.backfill.eia_annual import SECTOR_URL, SOURCE, STATE_URL
from scrapers.backfill.registry import all_datasets
from scrapers.base import ParseResult
from tests.source_utils import load_pages, page_of, recorded_page
from warehouse.connection import connect

STATE_FILE = "energy/eia_electric_power_annual_2023_avg_price_by_state_partial.csv"
SECTOR_FILE = "energy/eia_reported_annual_avg_price_by_sector.csv"


@pytest.fixture(scope="module")
def by_state(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE, SOURCE.recordings[0]))


@pytest.fixture(scope="module")
def by_sector(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE, SOURCE.recordings[1]))


def _price(result: ParseResult, region: str, tier: str, year: int) -> Decimal:
    (found,) = [
        o
        for o in result.observations
        if (o.region, o.tier, o.effective_date) == (region, tier, date(year, 1, 1))
    ]
    return found.price


def test_source_definition() -> None:
    assert all_datasets()["eia_annual"].source is SOURCE
    assert SOURCE.leg is Leg.ENERGY
    assert SOURCE.urls == ()  # transcriptions: no live URL
    assert [(r.url, r.path) for r in SOURCE.recordings] == [
        (STATE_URL, STATE_FILE),
        (SECTOR_URL, SECTOR_FILE),
    ]
    assert SOURCE.recordings[0].captured_at == datetime(2024, 10, 17, tzinfo=UTC)


def test_by_state_2023(by_state: ParseResult) -> None:
    # 50 rows (Alabama .. Wisconsin with DC; Wyoming and the U.S. total are not in the
    # excerpt) x 4 sectors, less Wisconsin's total, which the excerpt cut off.
    assert len(by_state.observations) == 199
    assert [(p.text, p.reason, p.where) for p in by_state.problems] == [
        ("", "empty cell", "2023 Wisconsin / total_cents_per_kwh")
    ]
    assert not [o for o in by_state.observations if o.region == "WI" and o.tier == "all-sectors"]
    assert {o.sku for o in by_state.observations} == {"us-retail-electricity-annual"}
    assert "WY" not in {o.region for o in by_state.observations}
    assert _price(by_state, "AL", "residential", 2023) == Decimal("0.1463")  # line 2: 14.63
    assert _price(by_state, "CA", "residential", 2023) == Decimal("0.2951")  # line 6: 29.51
    assert _price(by_state, "HI", "all-sectors", 2023) == Decimal("0.386")  # line 13: 38.60
    assert _price(by_state, "DC", "commercial", 2023) == Decimal("0.1694")  # line 10: 16.94
    assert _price(by_state, "VT", "commercial", 2023) == Decimal("0.18")  # line 47: 18.0
    assert _price(by_state, "WI", "industrial", 2023) == Decimal("0.0868")  # last line: 8.68


def test_us_by_sector(by_sector: ParseResult) -> None:
    assert by_sector.problems == []
    assert len(by_sector.observations) == 51
    assert {o.region for o in by_sector.observations} == {"US"}
    assert _price(by_sector, "US", "residential", 2002) == Decimal("0.0843")
    assert _price(by_sector, "US", "all-sectors", 2011) == Decimal("0.0995")
    assert _price(by_sector, "US", "industrial", 2011) == Decimal("0.0688")
    assert _price(by_sector, "US", "transportation", 2003) == Decimal("0.0754")
    statista = [o for o in by_sector.observations if o.effective_date >= date(2022, 1, 1)]
    assert [(o.tier, o.price, o.published_text) for o in statista] == [
        ("industrial", Decimal("0.083"), "8.3"),
        ("industrial", Decimal("0.0806"), "8.06"),
    ]
    # Each row keeps the source it cites.
    assert statista[0].source_url.startswith("https://www.statista.com/statistics/190680/")
    epm = next(o for o in by_sector.observations if o.effective_date == date(2002, 1, 1))
    assert (
        epm.source_url == "https://www.eia.gov/electricity/monthly/epm_table_grapher.cfm?t=epmt_5_3"
    )
    assert epm.published_unit.startswith("cents per kWh (EIA Electric Power Monthly Table 5.3")


def test_loads_as_annual_history(tmp_path: Path, shared_data: Path) -> None:
    pages = [recorded_page(shared_data, SOURCE, r) for r in SOURCE.recordings]
    con = connect(tmp_path / "w.duckdb")
    try:
        _, report = load_pages(con, SOURCE, pages)
        (source_report,) = report.sources
        assert (source_report.rows_new, source_report.rows_quarantined) == (250, 0)
        industrial = con.execute(
            "SELECT price, valid_from, valid_to FROM price_history WHERE source = 'eia_annual' "
            "AND region = 'US' AND tier = 'industrial' ORDER BY valid_from"
        ).fetchall()
        # 12 years (2002-2011, 2022, 2023), each a different price: one row each. The 2011
        # row holds until 2022 because the table has nothing in between.
        assert len(industrial) == 12
        assert industrial[-2:] == [
            (Decimal("0.083"), datetime(2022, 1, 1), datetime(2023, 1, 1)),
            (Decimal("0.0806"), datetime(2023, 1, 1), None),
        ]
    finally:
        con.close()


def test_unknown_layout_fails_loudly(shared_data: Path) -> None:
    page = page_of(SOURCE, STATE_URL, b"a,b\n1,2\n", datetime(2024, 1, 1, tzinfo=UTC), "text/csv")
    with pytest.raises(ValueError, match="unknown table layout"):
        SOURCE.parse(page)
