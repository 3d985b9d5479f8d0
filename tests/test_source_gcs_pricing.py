"""Google Cloud Storage prices from the Cloud Storage pricing page (hand-built fixture).

No capture of the page exists in the shared data folder; the fixture
(tests/fixtures/gcs/storage_pricing.html) says so in its first lines, says which version of the
page each table's layout follows, and cites for every price the line of
../shared/data/storage/storage_price_history.csv it comes from: Standard storage in a region
$0.020 (line 20), data transfer out, first band, $0.12 (line 21).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.gcs_pricing import HOURLY, NO_PRICE, SOURCE
from tests.conftest import PROJECT_ROOT
from tests.source_utils import page_of

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "gcs" / "storage_pricing.html"
READ_AT = datetime(2026, 11, 28, tzinfo=UTC)
BAND_ROW = "<td>0 gibibyte to 10 tebibyte</td>"
# The 2026 page's hourly figure for Standard storage in Iowa (a stored text copy of the page);
# not in the cited CSV, so used only in altered copies that test it is NOT read as a price.
HOURLY_CELL = "$0.000027397 / 1 gibibyte hour"


def _page(text: str) -> FetchedPage:
    return page_of(SOURCE, SOURCE.urls[0], text.encode(), READ_AT, "text/html; charset=utf-8")


@pytest.fixture(scope="module")
def html() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result(html: str) -> ParseResult:
    return SOURCE.parse(_page(html))


def _altered(html: str, old: str, new: str) -> ParseResult:
    assert html.count(old) == 1, old
    return SOURCE.parse(_page(html.replace(old, new)))


def test_source_definition(html: str) -> None:
    assert all_sources()["gcs_pricing"] is SOURCE
    assert SOURCE.leg is Leg.DATA
    assert SOURCE.urls == ("https://cloud.google.com/storage/pricing",)
    assert SOURCE.redirect_hosts == ("docs.cloud.google.com",)
    assert SOURCE.recordings == ()
    assert "HAND-BUILT FIXTURE, NOT A RECORDING" in html[:200]


def test_standard_storage_and_egress_first_band(result: ParseResult) -> None:
    assert result.problems == []
    assert result.skipped == {"ingress: not tracked": 1}
    storage, egress = result.observations
    assert (storage.provider, storage.sku, storage.component) == (
        "gcp",
        "cloud-storage",
        Component.GB_MONTH,
    )
    assert (storage.tier, storage.region) == ("standard", "us-central1")
    assert storage.price == Decimal("0.02")  # storage_price_history.csv line 20
    assert storage.unit is CanonicalUnit.PER_GB_MONTH
    assert storage.published_text == "$0.020"
    assert storage.published_unit == "per GB-month (Google's GB = GiB, 2^30 bytes)"
    assert (egress.component, egress.tier, egress.region) == (
        Component.EGRESS_GB,
        "worldwide:first-10tb",
        "global",
    )
    assert egress.price == Decimal("0.12")  # line 21
    assert egress.unit is CanonicalUnit.PER_GB
    assert egress.published_text == "$0.12 / 1 gibibyte, per 1 month / account"
    assert {o.currency for o in result.observations} == {Currency.USD}
    assert {o.effective_date for o in result.observations} == {None}


@pytest.mark.parametrize(
    ("heading", "tier"),
    [("Dual-regions", "standard:dual-region"), ("Multi-regions", "standard:multi-region")],
)
def test_location_kind_comes_from_the_tab_heading(html: str, heading: str, tier: str) -> None:
    result = _altered(html, 'data-text="Regions">Regions</h3>', f">{heading}</h3>")
    assert [o.tier for o in result.observations if o.component is Component.GB_MONTH] == [tier]


@pytest.mark.parametrize(
    ("label", "tier"),
    [
        ("10 tebibyte to 150 tebibyte", "worldwide:next-140tb"),
        ("150 tebibyte and above", "worldwide:over-150tb"),
        ("0 byte to 1 tebibyte", "worldwide:first-1tb"),
        ("1 tebibyte to 10 tebibyte", "worldwide:next-9tb"),
    ],
)
def test_band_rows_become_band_tiers(html: str, label: str, tier: str) -> None:
    # Altered copies: only the band label changes; the $0.12 stays and is not under test here.
    result = _altered(html, BAND_ROW, f"<td>{label}</td>")
    assert [o.tier for o in result.observations if o.component is Component.EGRESS_GB] == [tier]


def test_hourly_storage_prices_are_counted_never_read(html: str) -> None:
    result = _altered(html, "<td>$0.020</td>", f"<td>{HOURLY_CELL}</td>")
    assert [o.component for o in result.observations] == [Component.EGRESS_GB]
    assert result.skipped[HOURLY] == 1
    widget = (
        "<h3>Region</h3><table><tr><th>Standard storage</th><th>Nearline storage</th></tr>"
        f"<tr><td>{HOURLY_CELL}</td><td>{HOURLY_CELL}</td></tr></table>"
    )
    result = _altered(html, '<h2 id="network"', widget + '<h2 id="network"')
    assert result.skipped[HOURLY] == 2
    assert len(result.observations) == 2


def test_a_monthly_gibibyte_price_is_read_and_empty_cells_are_skipped(html: str) -> None:
    result = _altered(html, "<td>$0.020</td>", "<td>$0.020 / 1 gibibyte month</td>")
    assert result.observations[0].price == Decimal("0.02")
    result = _altered(html, "<td>$0.020</td>", "<td>N/A</td>")
    assert result.skipped[NO_PRICE] == 1
    assert [o.component for o in result.observations] == [Component.EGRESS_GB]


def test_cells_and_rows_that_cannot_be_read_are_problems(html: str) -> None:
    no_unit = _altered(html, "Standard storage<br>(per GB per Month)", "Standard storage")
    assert [(p.text, p.reason) for p in no_unit.problems] == [
        ("$0.020", "gb_month price stated no unit, not per GB-month")
    ]
    no_code = _altered(html, "Iowa (<code>us-central1</code>)", "Iowa")
    assert [p.reason for p in no_code.problems] == ["location without its code"]
    no_tab = _altered(html, 'data-text="Regions">Regions</h3>', ">Locations</h3>")
    assert [p.reason for p in no_tab.problems] == [
        "no location kind (Regions / Dual-regions / Multi-regions) above the table"
    ]
    mars = _altered(html, "<b>Data transfer to Worldwide", "<b>Data transfer to Mars")
    assert [p.reason for p in mars.problems] == ["destination group not in DESTINATIONS"]
    assert [o.component for o in mars.observations] == [Component.GB_MONTH]
    words = _altered(html, BAND_ROW, "<td>first 10 TB</td>")
    assert [p.reason for p in words.problems] == [
        "row is neither a destination group nor a volume band"
    ]
    storage_unit = _altered(html, "<td>$0.12 / 1 gibibyte,", "<td>$0.12 / 1 gibibyte month,")
    assert [p.reason for p in storage_unit.problems] == [
        "egress_gb price stated per GB-month, not per GB"
    ]


def test_a_page_without_price_tables_fails_loudly(html: str) -> None:
    with pytest.raises(ValueError, match="gcs_pricing: no storage table"):
        SOURCE.parse(_page("<html><body><p>Cloud Storage pricing</p></body></html>"))
    with pytest.raises(ValueError, match="gcs_pricing: no storage table"):
        SOURCE.parse(_page('{"error": "not html"}'))
    other_items = (
        "<table><tr><th>Item</th><th>Price (USD)</th></tr>"
        "<tr><td>Bucket relocation</td><td>$0.12</td></tr></table>"
    )
    with pytest.raises(ValueError, match="gcs_pricing: no storage table"):
        SOURCE.parse(_page(other_items))  # an Item/Price table without destination groups
    with pytest.raises(ValueError, match="gcs_pricing: body is not text"):
        SOURCE.parse(
            page_of(SOURCE, SOURCE.urls[0], b"\xff\xfe<", READ_AT, "text/html; charset=utf-8")
        )
