"""EIA Electric Power Monthly Table 5.6.A on a hand-built fixture carrying the April 2025 values.

The fixture (tests/fixtures/eia/epm_table_5_6_a_2025_04.html) says in its first lines where its
values come from: EIA's own page for April 2025 (released 2025-06-25), rows New England to
Minnesota. No recording of the page exists in the shared data folder.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.eia_electricity import SOURCE, URL
from tests.conftest import PROJECT_ROOT
from tests.source_utils import page_of

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "eia" / "epm_table_5_6_a_2025_04.html"
RELEASED = datetime(2025, 6, 25, tzinfo=UTC)
APRIL = date(2025, 4, 1)
STATES = {"CT", "ME", "MA", "NH", "RI", "VT", "NJ", "NY", "PA", "IL", "IN", "MI", "OH", "WI"}
STATES |= {"IA", "KS", "MN"}


def _page(html: str) -> FetchedPage:
    return page_of(SOURCE, URL, html.encode(), RELEASED, "text/html; charset=utf-8")


@pytest.fixture(scope="module")
def html() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result(html: str) -> ParseResult:
    return SOURCE.parse(_page(html))


def _prices(result: ParseResult, region: str) -> dict[str, Decimal]:
    return {o.tier: o.price for o in result.observations if o.region == region}


def test_source_definition() -> None:
    assert all_sources()["eia_electricity"] is SOURCE
    assert SOURCE.leg is Leg.ENERGY
    assert SOURCE.urls == (
        "https://www.eia.gov/electricity/monthly/epm_table_grapher.php?t=epmt_5_6_a",
    )
    assert SOURCE.recordings == ()  # no capture of the page exists: offline has nothing


def test_fixture_says_it_is_hand_built(html: str) -> None:
    head = html[:600]
    assert "HAND-BUILT FIXTURE, NOT A RECORDING" in head
    assert "Release Date: June 25, 2025" in html


def test_latest_month_by_state_and_sector(result: ParseResult) -> None:
    # 17 states x 5 sectors, less 5 "--" (no transportation sales in ME, NH, VT, IA, KS).
    assert result.problems == []
    assert len(result.observations) == 80
    assert result.skipped == {
        "earlier period column (same month a year before)": 85,
        "no sales in sector (--)": 5,
        "census division (aggregate of its states)": 4,
    }
    assert {o.region for o in result.observations} == STATES
    assert {o.effective_date for o in result.observations} == {APRIL}
    assert _prices(result, "CT") == {
        "residential": Decimal("0.3228"),
        "commercial": Decimal("0.2446"),
        "industrial": Decimal("0.1907"),
        "transportation": Decimal("0.2083"),
        "all-sectors": Decimal("0.2733"),
    }
    assert _prices(result, "ME") == {
        "residential": Decimal("0.2811"),
        "commercial": Decimal("0.2133"),
        "industrial": Decimal("0.14"),  # "14.00"
        "all-sectors": Decimal("0.2285"),
    }
    assert _prices(result, "NY")["all-sectors"] == Decimal("0.1999")
    assert _prices(result, "MN")["industrial"] == Decimal("0.0837")
    assert _prices(result, "IL")["transportation"] == Decimal("0.0904")


def test_observation_shape(result: ParseResult) -> None:
    ny = next(o for o in result.observations if o.region == "NY" and o.tier == "residential")
    assert ny.price == Decimal("0.2567")
    assert ny.published_text == "25.67"
    assert ny.published_unit == "cents per kWh"
    assert (ny.provider, ny.sku, ny.model) == ("eia", "us-retail-electricity", None)
    assert ny.component is Component.KWH and ny.unit is CanonicalUnit.PER_KWH
    assert ny.currency is Currency.USD
    assert ny.effective_date == APRIL
    assert ny.observed_at == RELEASED
    assert ny.source_url == URL


def _replace_row_cells(html: str, label: str, cells: list[str | None]) -> str:
    start = html.index(f'scope="row">{label}</th>')
    end = html.index("</tr>", start)
    row = html[start:end]
    for index, value in enumerate(cells):
        if value is None:
            continue
        position = -1
        for _ in range(index + 1):
            position = row.index('<td class="r data">', position + 1)
        close = row.index("</td>", position)
        row = row[: position + len('<td class="r data">')] + value + row[close:]
    return html[:start] + row + html[end:]


def test_withheld_and_not_meaningful_cells_are_reported_not_zero(html: str) -> None:
    # Cells alternate April 2025 / April 2024 per sector: 0 residential, 4 industrial,
    # 6 transportation (this month's columns).
    altered = _replace_row_cells(html, "Ohio", ["W", None, None, None, "NM", None, "--"])
    result = SOURCE.parse(_page(altered))
    ohio = _prices(result, "OH")
    assert ohio == {"commercial": Decimal("0.1102"), "all-sectors": Decimal("0.1145")}
    assert [(p.text, p.where) for p in result.problems] == [
        ("W", "Ohio / residential / April 2025"),
        ("NM", "Ohio / industrial / April 2025"),
    ]
    assert "withheld" in result.problems[0].reason
    assert "not meaningful" in result.problems[1].reason
    assert result.skipped["no sales in sector (--)"] == 6
    assert not [o for o in result.observations if o.price <= 0]


def test_us_total_row_is_region_us_and_unknown_rows_are_reported(html: str) -> None:
    altered = html.replace('scope="row">Connecticut</th>', 'scope="row">U.S. Total</th>')
    altered = altered.replace('scope="row">Vermont</th>', 'scope="row">Atlantis</th>')
    result = SOURCE.parse(_page(altered))
    assert _prices(result, "US")["residential"] == Decimal("0.3228")
    assert "CT" not in {o.region for o in result.observations}
    assert [(p.text, p.reason) for p in result.problems] == [
        ("Atlantis", "unknown row: not a state, a census division or the U.S. total")
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("(Cents per Kilowatthour)", "(Dollars per Megawatthour)", "cents per kilowatthour"),
        ("Table 5.6.A. Average Price of Electricity", "Table 5.4.A. Sales", "no table titled"),
        (">April 2025</th>", ">April 2025 YTD</th>", "no header row of monthly periods"),
        (">Industrial</th>", ">Agricultural</th>", "unknown sector header"),
    ],
)
def test_layout_changes_fail_loudly(html: str, old: str, new: str, message: str) -> None:
    assert old in html
    with pytest.raises(ValueError, match=message):
        SOURCE.parse(_page(html.replace(old, new)))
