"""The Azure Retail Prices API parser on its recording, and NextPageLink paging."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.fetch import FetchConfig, Fetcher, FetchError
from scrapers.paging import fetch_pages
from scrapers.sources import azure_retail
from scrapers.sources.azure_retail import SOURCE, next_page, tier_of
from tests.compute_utils import one, page_of, prices, recorded_page, tiers

H100_VM = "Standard_ND96isr_H100_v5"


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert SOURCE.name == "azure_retail"
    assert SOURCE.leg is Leg.COMPUTE
    (url,) = SOURCE.urls
    assert url.startswith("https://prices.azure.com/api/retail/prices?$filter=")
    assert "Standard_ND96isr_H100_v5" in httpx.URL(url).params["$filter"]
    assert "priceType eq 'Consumption'" in httpx.URL(url).params["$filter"]
    (recording,) = SOURCE.recordings
    assert recording.path == "pages/azure/retail_prices_api_gpu_items_fixture.json"
    assert SOURCE.next_page is next_page


def test_every_item_of_the_recording_is_read(result: ParseResult) -> None:
    assert len(result.observations) == 83
    assert result.problems == []
    assert not result.skipped
    assert tiers(result) == {
        "standard": 33,
        "spot": 10,
        "low-priority": 10,
        "windows": 10,
        "spot+windows": 10,
        "low-priority+windows": 10,
    }


def test_h100_vm_list_price_per_region(result: ParseResult) -> None:
    standard = {
        o.region: o.price for o in result.observations if o.sku == H100_VM and o.tier == "standard"
    }
    assert standard == {
        "eastus": Decimal("98.32"),
        "westus3": Decimal("98.32"),
        "westeurope": Decimal("127.816"),
        "japaneast": Decimal("142.564"),
    }
    eastus = one(result, sku=H100_VM, region="eastus", tier="standard")
    assert eastus.component is Component.INSTANCE_HOUR
    assert eastus.accelerator == "H100-SXM-80GB"
    assert eastus.accelerator_count == 8
    assert eastus.published_text == "98.32"
    assert one(result, sku=H100_VM, region="westeurope").price == Decimal("127.816")
    assert one(result, sku=H100_VM, region="japaneast").price == Decimal("142.564")


def test_spot_low_priority_and_windows_never_become_the_list_price(result: ParseResult) -> None:
    # ND96isr H100 v5: Spot in spaincentral, Windows Spot in polandcentral, Windows in
    # centralus, Low Priority Linux and Windows in southcentralus.
    assert one(result, sku=H100_VM, region="spaincentral").tier == "spot"
    assert one(result, sku=H100_VM, region="spaincentral").price == Decimal("23.620397")
    assert one(result, sku=H100_VM, region="polandcentral").tier == "spot+windows"
    assert one(result, sku=H100_VM, region="centralus").tier == "windows"
    assert one(result, sku=H100_VM, region="centralus").price == Decimal("125.35")
    assert prices(result, sku=H100_VM, region="southcentralus") == {
        (H100_VM, "low-priority"): Decimal("23.594"),
        (H100_VM, "low-priority+windows"): Decimal("48.954"),
    }
    standard = [o for o in result.observations if o.tier == "standard"]
    assert all("Windows" not in o.published_unit for o in standard)


def test_sku_map_gives_accelerator_and_count(result: ParseResult) -> None:
    nvl = one(result, sku="Standard_NC80adis_H100_v5", region="eastus")
    assert (nvl.accelerator, nvl.accelerator_count, nvl.price) == (
        "H100-NVL-94GB",
        2,
        Decimal("13.96"),
    )
    mi300x = one(result, sku="Standard_ND96isr_MI300X_v5", region="northeurope")
    assert (mi300x.accelerator, mi300x.accelerator_count, mi300x.price) == (
        "MI300X",
        8,
        Decimal("57.6"),
    )
    a100 = one(result, sku="Standard_ND96asr_v4", region="usgovvirginia")
    assert (a100.accelerator, a100.price) == ("A100-SXM-40GB", Decimal("34.003"))
    assert one(result, sku="Standard_ND96isr_H200_v5", region="japaneast").price == Decimal("106")


def test_tier_names() -> None:
    assert tier_of("NC24ads_A100_v4", "NCads A100 v4 Series Linux") == "standard"
    assert tier_of("NC24ads_A100_v4 Spot", "NCads A100 v4 Series Windows") == "spot+windows"
    assert tier_of("NC24ads_A100_v4 Low Priority", "NCads A100 v4 Series") == "low-priority"


def _item(**changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "armSkuName": H100_VM,
        "armRegionName": "eastus",
        "retailPrice": 98.32,
        "unitOfMeasure": "1 Hour",
        "meterName": "ND96isrH100v5",
        "productName": "Virtual Machines NDsr H100 v5 Series",
        "type": "Consumption",
    }
    item.update(changes)
    return item


def test_envelope_reservations_units_and_unknown_skus() -> None:
    body = {
        "BillingCurrency": "USD",
        "Items": [
            _item(),
            _item(type="Reservation", retailPrice=500000),
            _item(type="DevTestConsumption"),
            _item(unitOfMeasure="1/Month", armRegionName="westus"),
            _item(armSkuName="Standard_NV6ads_A10_v5", armRegionName="westus"),
            _item(retailPrice="n/a", armRegionName="westus2"),
        ],
        "NextPageLink": None,
    }
    result = SOURCE.parse(page_of(SOURCE, json.dumps(body).encode()))
    assert [(o.region, o.price) for o in result.observations] == [("eastus", Decimal("98.32"))]
    assert result.skipped == {"reservation: price per term": 1, "dev/test pricing": 1}
    assert sorted(p.reason for p in result.problems) == [
        "GPU VM SKU without an accelerator mapping",
        "not a number",
        "unit of measure is not '1 Hour'",
    ]


def test_wrong_shape_is_an_error() -> None:
    with pytest.raises(ValueError, match="'Items' list"):
        SOURCE.parse(page_of(SOURCE, b'{"items": []}'))
    with pytest.raises(ValueError, match="not valid JSON"):
        SOURCE.parse(page_of(SOURCE, b'{"Items": ['))


def _api(pages: dict[str, dict[str, object]]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        body = pages.get(str(request.url))
        if body is None:
            return httpx.Response(404, text="not here")
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handle)


def test_the_source_follows_next_page_link_to_the_last_page() -> None:
    first = "https://prices.azure.com/api/retail/prices?$filter=x"
    second = "https://prices.azure.com/api/retail/prices?$filter=x&$skip=1000"
    third = "https://prices.azure.com/api/retail/prices?$filter=x&$skip=2000"
    api = _api(
        {
            first: {"Items": [_item()], "NextPageLink": second},
            second: {"Items": [_item(armRegionName="westus3")], "NextPageLink": third},
            third: {
                "Items": [_item(armRegionName="westeurope", retailPrice=127.816)],
                "NextPageLink": None,
            },
        }
    )
    with Fetcher(FetchConfig(per_host_delay_s=0.0, max_retries=0), None, api) as fetcher:
        pages = fetch_pages(fetcher, SOURCE, [first])
    assert [p.url for p in pages] == [first, second, third]
    regions = [o.region for page in pages for o in SOURCE.parse(page).observations]
    assert regions == ["eastus", "westus3", "westeurope"]


def test_a_circular_next_page_link_stops_and_a_runaway_one_fails(monkeypatch) -> None:
    url = "https://prices.azure.com/api/retail/prices?p=0"
    api = _api({url: {"Items": [], "NextPageLink": url}})
    with Fetcher(FetchConfig(per_host_delay_s=0.0, max_retries=0), None, api) as fetcher:
        assert len(fetch_pages(fetcher, SOURCE, [url])) == 1

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        n = int(request.url.params["p"])
        link = f"https://prices.azure.com/api/retail/prices?p={n + 1}"
        return httpx.Response(200, json={"Items": [], "NextPageLink": link})

    monkeypatch.setattr("scrapers.paging.MAX_PAGES_PER_URL", 5)
    config = FetchConfig(per_host_delay_s=0.0, max_retries=0)
    with (
        Fetcher(config, None, httpx.MockTransport(handle)) as fetcher,
        pytest.raises(FetchError, match="more than 5 pages"),
    ):
        fetch_pages(fetcher, SOURCE, [url])


def test_a_bare_item_list_has_no_next_page(shared_data: Path) -> None:
    assert next_page(recorded_page(shared_data, SOURCE)) is None
    assert azure_retail.next_page(page_of(SOURCE, b'{"Items": [], "NextPageLink": ""}')) is None
