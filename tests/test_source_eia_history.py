"""MER Table 9.8 (US retail electricity price, monthly by sector 1976-2022) on its recording."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.backfill.eia_history import SOURCE, URL
from scrapers.backfill.registry import all_datasets
from scrapers.base import ParseResult
from tests.source_utils import load_pages, page_of, recorded_page
from warehouse.connection import connect

RECORDING = "energy/eia_mer_table_9_8_avg_retail_price_electricity_monthly.csv"


@pytest.fixture(scope="module")
def page(shared_data: Path) -> FetchedPage:
    return recorded_page(shared_data, SOURCE, SOURCE.recordings[0])


@pytest.fixture(scope="module")
def result(page: FetchedPage) -> ParseResult:
    return SOURCE.parse(page)


def _price(result: ParseResult, tier: str, month: date) -> Decimal:
    (found,) = [o for o in result.observations if o.tier == tier and o.effective_date == month]
    return found.price


def test_source_definition() -> None:
    assert all_datasets()["eia_history"].source is SOURCE
    assert SOURCE.leg is Leg.ENERGY
    assert SOURCE.urls == (URL,)
    (recording,) = SOURCE.recordings
    assert recording.path == RECORDING
    assert recording.captured_at == datetime(2022, 9, 25, tzinfo=UTC)


def test_every_month_and_sector_is_read(result: ParseResult) -> None:
    # 557 months (1976-01 .. 2022-05) x 6 columns = 3,342 cells: 2,305 prices, 804 "Not
    # Available" (1976 H1, transportation before 2003, other 2003..), 233 "Not Applicable".
    assert result.problems == []
    assert len(result.observations) == 2305
    assert result.skipped == {"not available": 804, "not applicable": 233}
    per_tier: dict[str, int] = {}
    for o in result.observations:
        per_tier[o.tier] = per_tier.get(o.tier, 0) + 1
    assert per_tier == {
        "residential": 479,
        "commercial": 479,
        "industrial": 479,
        "all-sectors": 479,
        "transportation": 233,
        "other": 156,
    }


def test_cents_become_exact_dollars_per_kwh(result: ParseResult) -> None:
    first = next(o for o in result.observations if o.tier == "residential")
    assert first.effective_date == date(1976, 7, 1)
    assert first.price == Decimal("0.039")  # "3.9" cents
    assert first.published_text == "3.9"
    assert (first.provider, first.sku, first.region) == ("eia", "us-retail-electricity", "US")
    assert first.component is Component.KWH
    assert first.unit is CanonicalUnit.PER_KWH
    assert first.currency is Currency.USD
    assert first.observed_at == datetime(2022, 9, 25, tzinfo=UTC)
    # Named months, as published (cents) -> stored (USD per kWh).
    assert _price(result, "residential", date(2022, 5, 1)) == Decimal("0.1492")
    assert _price(result, "industrial", date(2022, 5, 1)) == Decimal("0.0835")
    assert _price(result, "transportation", date(2022, 5, 1)) == Decimal("0.1079")
    assert _price(result, "all-sectors", date(2022, 5, 1)) == Decimal("0.1209")
    assert _price(result, "all-sectors", date(1976, 7, 1)) == Decimal("0.03")  # "3"
    assert _price(result, "commercial", date(2008, 7, 1)) == Decimal("0.111")  # "11.1"
    assert _price(result, "transportation", date(2003, 1, 1)) == Decimal("0.0723")
    assert _price(result, "other", date(2002, 12, 1)) == Decimal("0.0692")
    months = {o.effective_date for o in result.observations}
    assert min(months) == date(1976, 7, 1) and max(months) == date(2022, 5, 1)
    assert not [
        o for o in result.observations if o.tier == "other" and o.effective_date.year > 2002
    ]


def _residential_changes(shared_data: Path) -> int:
    """Month-to-month changes of the residential column, read straight from the CSV."""
    with (shared_data / RECORDING).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[2:]
    values = [Decimal(r[1]) for r in rows if r[1] not in {"Not Available", "Not Applicable"}]
    return sum(1 for a, b in itertools.pairwise(values) if a != b)


def test_monthly_series_lands_as_scd2_history(
    tmp_path: Path, shared_data: Path, page: FetchedPage
) -> None:
    con = connect(tmp_path / "w.duckdb")
    try:
        _, report = load_pages(con, SOURCE, [page])
        (source_report,) = report.sources
        assert source_report.rows_new == 2305  # every dated point kept, repeats included
        assert source_report.rows_quarantined == 0  # no month moves 10x (at most 1.24x)
        changes = _residential_changes(shared_data)
        assert changes == 443
        rows = con.execute(
            "SELECT price, valid_from, valid_to FROM price_history "
            "WHERE source = 'eia_history' AND tier = 'residential' ORDER BY valid_from"
        ).fetchall()
        assert len(rows) == changes + 1 == 444
        assert rows[0] == (
            Decimal("0.039"),
            datetime(1976, 7, 1),
            datetime(1976, 8, 1),
        )
        assert rows[1] == (Decimal("0.037"), datetime(1976, 8, 1), datetime(1976, 9, 1))
        assert rows[-1] == (Decimal("0.1492"), datetime(2022, 5, 1), None)
        # 1976 October returns to 3.9 after 3.7 and 3.8: a new row, not the July one reopened.
        october = con.execute(
            "SELECT price, valid_to FROM price_history WHERE source = 'eia_history' "
            "AND tier = 'residential' AND valid_from = TIMESTAMP '1976-10-01'"
        ).fetchone()
        assert october == (Decimal("0.039"), datetime(1976, 11, 1))
        series = con.execute(
            "SELECT tier, count(*) FROM price_history WHERE source = 'eia_history' GROUP BY tier"
        ).fetchall()
        assert dict(series) == {
            "residential": 444,
            "commercial": 435,
            "industrial": 416,
            "transportation": 233,
            "other": 151,
            "all-sectors": 435,
        }

        # The same recording again adds nothing.
        _, again = load_pages(con, SOURCE, [page], run_id="run2")
        assert again.observations_new == 0 and again.history_changes == 0
        assert con.execute("SELECT count(*) FROM price_history").fetchone() == (2114,)
    finally:
        con.close()


def test_withheld_and_missing_cells_are_no_price(page: FetchedPage) -> None:
    """W / NM are reported, -- is skipped, none of them becomes a zero price."""
    text = page.body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows:
        if row[0] == "2022 May":
            row[1], row[2], row[3] = "W", "NM", "--"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    altered = page_of(
        SOURCE, URL, buffer.getvalue().encode(), page.fetched_at, "text/csv; charset=utf-8"
    )
    result = SOURCE.parse(altered)
    may = [o for o in result.observations if o.effective_date == date(2022, 5, 1)]
    assert {o.tier for o in may} == {"transportation", "all-sectors"}
    assert not [o for o in result.observations if o.price <= 0]
    assert [(p.text, p.where) for p in result.problems] == [
        ("W", "2022 May / Average Retail Price of Electricity, Residential"),
        ("NM", "2022 May / Average Retail Price of Electricity, Commercial"),
    ]
    assert result.problems[0].reason.startswith("withheld")
    assert result.problems[1].reason.startswith("not meaningful")
    assert result.skipped["no sales in sector (--)"] == 1


def test_a_column_in_another_unit_is_refused(page: FetchedPage) -> None:
    text = page.body.decode("utf-8-sig").replace(
        "(Cents per Kilowatthour,  Including Taxes)", "(Dollars per Kilowatthour)", 1
    )
    altered = page_of(SOURCE, URL, text.encode(), page.fetched_at, "text/csv")
    with pytest.raises(ValueError, match="not cents per kWh"):
        SOURCE.parse(altered)
