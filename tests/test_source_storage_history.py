"""Dated object-storage and egress prices (storage/storage_price_history.csv) on the recording."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import CanonicalUnit, Component, Leg
from schemas.observation import FetchedPage
from scrapers.backfill.registry import all_datasets
from scrapers.backfill.storage_history import SOURCE, URL, effective_date
from scrapers.base import ParseResult
from tests.source_utils import load_pages, page_of, recorded_page
from warehouse.connection import connect


@pytest.fixture(scope="module")
def page(shared_data: Path) -> FetchedPage:
    return recorded_page(shared_data, SOURCE, SOURCE.recordings[0])


@pytest.fixture(scope="module")
def result(page: FetchedPage) -> ParseResult:
    return SOURCE.parse(page)


def _find(result: ParseResult, sku: str, tier: str, when: date):
    (found,) = [
        o for o in result.observations if (o.sku, o.tier, o.effective_date) == (sku, tier, when)
    ]
    return found


def test_source_definition() -> None:
    assert all_datasets()["storage_history"].source is SOURCE
    assert SOURCE.leg is Leg.DATA
    assert SOURCE.urls == ()
    (recording,) = SOURCE.recordings
    assert (recording.url, recording.path) == (URL, "storage/storage_price_history.csv")
    assert recording.captured_at == datetime(2026, 6, 10, tzinfo=UTC)


def test_every_dated_row_is_read(result: ParseResult) -> None:
    # 32 rows: 27 prices; 3 undated, 1 ingress ("Data transfer in (upload)"), 1 free 0.00.
    assert result.problems == []
    assert len(result.observations) == 27
    assert result.skipped == {
        "undated: no effective date": 3,
        "transfer in (ingress): not tracked": 1,
        "free allowance (0.00): not a list price": 1,
    }
    by_component: dict[Component, int] = {}
    for o in result.observations:
        by_component[o.component] = by_component.get(o.component, 0) + 1
    assert by_component == {Component.GB_MONTH: 14, Component.EGRESS_GB: 13}
    assert not [o for o in result.observations if o.price <= 0]


def test_named_prices(result: ParseResult) -> None:
    launch = _find(result, "s3", "standard:flat", date(2006, 3, 14))
    assert (launch.provider, launch.region, launch.price) == ("aws", "all", Decimal("0.15"))
    assert launch.unit is CanonicalUnit.PER_GB_MONTH
    assert launch.source_url == "https://www.cloudyali.io/blogs/cloud-20th-birthday-s3-pi-day-2006"
    egress_2007 = _find(result, "s3", "over-50tb", date(2007, 6, 1))
    assert (egress_2007.component, egress_2007.price) == (Component.EGRESS_GB, Decimal("0.13"))
    assert egress_2007.unit is CanonicalUnit.PER_GB
    s3_2016 = _find(result, "s3", "standard:first-tier", date(2016, 1, 1))  # "2016", year
    assert (s3_2016.region, s3_2016.price, s3_2016.published_text) == (
        "us-east",
        Decimal("0.023"),
        "0.023",
    )
    gcs = _find(result, "cloud-storage", "americas-emea:0-1tb", date(2014, 4, 1))
    assert (gcs.provider, gcs.region, gcs.price) == ("gcp", "global", Decimal("0.12"))
    archive = _find(result, "blob-storage", "archive-lrs", date(2023, 7, 1))  # "2023-07"
    assert (archive.provider, archive.region, archive.price) == ("azure", "us", Decimal("0.00099"))
    sydney = _find(result, "data-transfer-out", "next-9.999tb", date(2020, 1, 23))
    assert (sydney.region, sydney.price) == ("ap-southeast-2", Decimal("0.114"))


def test_history_and_quarantine(tmp_path: Path, page: FetchedPage, result: ParseResult) -> None:
    # No step between consecutive points of one series reaches the 10x quarantine rule.
    series: dict[tuple, list] = {}
    for o in sorted(result.observations, key=lambda o: o.effective_date):
        key = (o.provider, o.sku, o.component, o.tier, o.region)
        series.setdefault(key, []).append(o.price)
    steps = [max(a / b, b / a) for prices in series.values() for a, b in itertools.pairwise(prices)]
    assert max(steps) == Decimal("0.11") / Decimal("0.031")  # S3 2012 -> 2014, 3.55x

    con = connect(tmp_path / "w.duckdb")
    try:
        _, report = load_pages(con, SOURCE, [page])
        (source_report,) = report.sources
        assert (source_report.rows_new, source_report.rows_quarantined) == (27, 0)
        s3 = con.execute(
            "SELECT price, valid_from, valid_to FROM price_history WHERE source = "
            "'storage_history' AND sku = 's3' AND tier = 'standard:first-tier' ORDER BY valid_from"
        ).fetchall()
        assert s3 == [
            (Decimal("0.15"), datetime(2010, 1, 1), datetime(2011, 1, 1)),
            (Decimal("0.125"), datetime(2011, 1, 1), datetime(2012, 1, 1)),
            (Decimal("0.11"), datetime(2012, 1, 1), datetime(2014, 1, 1)),
            (Decimal("0.031"), datetime(2014, 1, 1), datetime(2016, 1, 1)),
            (Decimal("0.023"), datetime(2016, 1, 1), None),
        ]
        # GCS Standard at $0.026 on 2014-04-01 and again on 2015-07-23: one unchanged row.
        gcs = con.execute(
            "SELECT price, valid_from, valid_to FROM price_history WHERE source = "
            "'storage_history' AND sku = 'cloud-storage' AND tier = 'standard'"
        ).fetchall()
        assert gcs == [(Decimal("0.026"), datetime(2014, 4, 1), None)]
        assert con.execute("SELECT count(*) FROM price_history").fetchone() == (26,)
    finally:
        con.close()


def test_unknown_labels_are_reported_not_guessed(page: FetchedPage) -> None:
    text = page.body.decode("utf-8")
    text = text.replace("Nearline storage", "Coldline storage", 1)
    text = text.replace(",us-east (as stated by author),", ",Mars Base,", 1)
    text += "2024-01-01,day,Backblaze,B2,Storage,0.006,,us-west,https://example.invalid,\n"
    result = SOURCE.parse(page_of(SOURCE, URL, text.encode(), page.fetched_at, "text/csv"))
    assert [(p.text, p.reason.split(":")[0]) for p in result.problems] == [
        ("Mars Base", "unknown region"),
        ("Coldline storage", "unknown tier label"),
        ("Backblaze", "unknown provider"),
    ]
    assert len(result.observations) == 25  # 27 less the two rows altered


def test_a_row_needs_exactly_one_price_and_a_date_that_fits(page: FetchedPage) -> None:
    text = page.body.decode("utf-8")
    text = text.replace(
        "2014-04-01,day,Google Cloud,Cloud Storage,Standard storage,0.026,,",
        ("2014-04-01,day,Google Cloud,Cloud Storage,Standard storage,0.026,0.12,"),
        1,
    )
    text = text.replace("2011,year,AWS", "2011-05,year,AWS", 1)
    result = SOURCE.parse(page_of(SOURCE, URL, text.encode(), page.fetched_at, "text/csv"))
    assert [(p.text, p.reason) for p in result.problems] == [
        ("2011-05", "date '2011-05' does not match precision 'year'"),
        ("0.026|0.12", "needs exactly one of GB-month or GB price"),
    ]
    assert effective_date("2023-07", "quarter") == date(2023, 7, 1)
    assert effective_date("2010", "year") == date(2010, 1, 1)
