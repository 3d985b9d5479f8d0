"""Azure Blob storage and egress prices from the Retail Prices API (hand-built fixture).

No recording of these API responses exists in the shared data folder; the fixture
(tests/fixtures/azure_blob/retail_prices_blob_storage.json) says so in its first lines and cites,
for every price, the line of ../shared/data/storage/storage_price_history.csv it comes from:
Hot LRS $0.0184 (line 27), Cool LRS $0.01 (line 28), Archive LRS $0.00099 (line 29).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult
from scrapers.fetch import FetchConfig, Fetcher
from scrapers.paging import fetch_pages
from scrapers.registry import all_sources
from scrapers.sources.azure_blob_retail import SOURCE, meter_component, next_page
from tests.conftest import PROJECT_ROOT
from tests.source_utils import page_of

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "azure_blob" / "retail_prices_blob_storage.json"
READ_AT = datetime(2026, 11, 28, tzinfo=UTC)


def _page(body: bytes, url: str | None = None) -> FetchedPage:
    return page_of(SOURCE, url or SOURCE.urls[0], body, READ_AT, "application/json")


def _document() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _parse(document: dict[str, Any]) -> ParseResult:
    return SOURCE.parse(_page(json.dumps(document).encode()))


def _hot(**changes: Any) -> dict[str, Any]:
    """The fixture's Hot LRS item, changed as given (its price only exercises the path)."""
    item = copy.deepcopy(_document()["Items"][0])
    item.update(changes)
    return item


@pytest.fixture(scope="module")
def result() -> ParseResult:
    return SOURCE.parse(_page(FIXTURE.read_bytes()))


def test_source_definition() -> None:
    assert all_sources()["azure_blob_retail"] is SOURCE
    assert SOURCE.leg is Leg.DATA
    storage, egress = SOURCE.urls
    assert httpx.URL(storage).params["$filter"] == (
        "serviceName eq 'Storage' and productName eq 'General Block Blob v2' "
        "and priceType eq 'Consumption'"
    )
    assert httpx.URL(egress).params["$filter"] == (
        "serviceName eq 'Bandwidth' and productName eq 'Rtn Preference: MGN' "
        "and priceType eq 'Consumption'"
    )
    assert storage.startswith("https://prices.azure.com/api/retail/prices?$filter=")
    assert SOURCE.recordings == ()
    assert SOURCE.next_page is next_page
    assert "HAND-BUILT FIXTURE, NOT A RECORDING" in FIXTURE.read_text(encoding="utf-8")[:200]


def test_data_stored_per_access_tier(result: ParseResult) -> None:
    assert result.problems == []
    assert result.skipped == {}
    prices = {o.tier: o.price for o in result.observations}
    assert prices == {
        "hot-lrs": Decimal("0.0184"),  # storage_price_history.csv line 27
        "cool-lrs": Decimal("0.01"),  # line 28
        "archive-lrs": Decimal("0.00099"),  # line 29
    }
    hot = result.observations[0]
    assert (hot.provider, hot.sku, hot.region) == ("azure", "general-block-blob-v2", "eastus2")
    assert hot.component is Component.GB_MONTH
    assert hot.unit is CanonicalUnit.PER_GB_MONTH
    assert hot.currency is Currency.USD
    assert (hot.published_text, hot.published_unit) == ("0.0184", "per GB-month (1 GB/Month)")
    assert hot.effective_date == date(2023, 7, 1)
    assert {o.region for o in result.observations} == {"eastus2"}


def test_operations_and_fees_are_skipped_by_reason() -> None:
    document = _document()
    document["Items"] += [
        _hot(meterName="Hot LRS Write Operations", unitOfMeasure="10K"),
        _hot(meterName="Cool Data Retrieval", unitOfMeasure="1 GB"),
        _hot(meterName="Hot LRS Index Tags", unitOfMeasure="10K/Month"),
        _hot(meterName="Hot LRS Snapshots", unitOfMeasure="1 GB/Month"),
        _hot(type="Reservation", unitOfMeasure="100 TB/Month"),
        _hot(type="DevTestConsumption"),
    ]
    result = _parse(document)
    assert result.problems == []
    assert result.skipped == {
        "operations (per 10K): not tracked": 1,
        "per GB fee that is not internet egress (retrieval, write, replication, transfer)": 1,
        "unit not tracked: 10K/Month": 1,
        "per GB-month meter that is not data stored": 1,
        "reservation: price per term": 1,
        "dev/test pricing": 1,
    }
    assert len(result.observations) == 3


def test_volume_bands_and_egress() -> None:
    # Altered copies: the fixture has no band above 50 TB and no egress price (the cited file
    # holds none for Azure); the copied Hot LRS price only exercises these paths.
    egress = {
        "meterName": "Standard Data Transfer Out",
        "unitOfMeasure": "1 GB",
        "productName": "Rtn Preference: MGN",
        "skuName": "Standard",
        "serviceName": "Bandwidth",
    }
    document = _document()
    document["Items"] += [
        _hot(tierMinimumUnits=51200.0),
        _hot(retailPrice=0.0, unitPrice=0.0, **egress),
        _hot(tierMinimumUnits=100.0, **egress),
    ]
    result = _parse(document)
    assert result.problems == []
    assert result.skipped == {"free allowance (zero price)": 1}
    keys = {(o.sku, o.component, o.tier) for o in result.observations}
    assert ("general-block-blob-v2", Component.GB_MONTH, "hot-lrs:over-50tb") in keys
    (out,) = [o for o in result.observations if o.component is Component.EGRESS_GB]
    assert (out.sku, out.tier, out.region) == ("rtn-preference-mgn", "over-100gb", "eastus2")
    assert (out.unit, out.published_unit) == (CanonicalUnit.PER_GB, "per GB (1 GB)")


def test_items_that_cannot_be_read_are_problems() -> None:
    document = _document()
    document["Items"] += [
        _hot(armRegionName=""),
        _hot(retailPrice="n/a"),
        _hot(tierMinimumUnits=-1),
        {"productName": "no meter"},
    ]
    result = _parse(document)
    assert [p.reason for p in result.problems] == [
        "item without armRegionName",
        "not a number",
        "not a volume band start: -1",
        "item without meterName",
    ]
    assert len(result.observations) == 3


def test_meter_component() -> None:
    assert meter_component("Archive LRS Data Stored", "1 GB/Month") is Component.GB_MONTH
    assert meter_component("Standard Data Transfer Out", "1 GB") is Component.EGRESS_GB
    assert meter_component("Standard Data Transfer In", "1 GB") != Component.EGRESS_GB
    assert meter_component("Intra Continental Data Transfer Out", "1 GB") != Component.EGRESS_GB
    assert meter_component("Hot Read Operations", "10K") == "operations (per 10K): not tracked"


def test_malformed_bodies_fail_loudly() -> None:
    with pytest.raises(ValueError, match="azure_blob_retail: body is not valid JSON"):
        SOURCE.parse(_page(FIXTURE.read_bytes()[:500]))
    with pytest.raises(ValueError, match="azure_blob_retail: expected a Retail Prices API page"):
        SOURCE.parse(_page(b'{"error": {"code": "BadRequest"}}'))
    with pytest.raises(ValueError, match="azure_blob_retail: body is not valid JSON"):
        next_page(_page(b"<html>503</html>"))


def test_pages_are_followed_by_next_page_link() -> None:
    first = SOURCE.urls[0]
    second = first + "&$skip=2"
    items = _document()["Items"]
    bodies = {
        first: {"BillingCurrency": "USD", "Items": items[:2], "NextPageLink": second},
        second: {"BillingCurrency": "USD", "Items": items[2:], "NextPageLink": None},
    }

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        body = bodies.get(str(request.url))
        return httpx.Response(200, json=body) if body else httpx.Response(404, text="not here")

    config = FetchConfig(per_host_delay_s=0.0, max_retries=0)
    with Fetcher(config, None, httpx.MockTransport(handle)) as fetcher:
        pages = fetch_pages(fetcher, SOURCE, [first])
    assert [p.url for p in pages] == [first, second]
    tiers = [o.tier for page in pages for o in SOURCE.parse(page).observations]
    assert tiers == ["hot-lrs", "cool-lrs", "archive-lrs"]
