"""Azure Retail Prices API: GPU virtual machines (``https://prices.azure.com/api/retail/prices``).

What it is: Microsoft's public, unauthenticated price list. A response is
``{"BillingCurrency", "Items": [...], "NextPageLink", "Count"}`` with up to 1,000 items; the
next page's URL is in ``NextPageLink`` (``None`` on the last), which the source follows
(``Source.next_page``). The query is filtered server-side to the GPU VM SKUs of
:data:`SKU_ACCELERATORS` and to ``priceType eq 'Consumption'``.

Each item is one meter: ``armSkuName`` (``Standard_ND96isr_H100_v5``), ``armRegionName``
(``eastus``), ``retailPrice`` (USD per hour for the whole VM; ``unitOfMeasure`` "1 Hour"),
``meterName`` and ``productName``.

Mapping: provider ``azure``, sku = ``armSkuName``, region = ``armRegionName`` (kept as
published, sovereign clouds such as ``usgovvirginia`` included), component ``instance_hour``
with the accelerator and count from :data:`SKU_ACCELERATORS`. Tiers are read from the names,
never folded into the list price:

* ``meterName`` ending in " Spot" → ``spot``; in " Low Priority" → ``low-priority``;
* ``productName`` ending in " Windows" → ``windows`` (the price includes the Windows licence);
* combined in the project's sorted "+" form: ``spot+windows``, ``low-priority+windows``.

Only a Linux, regular (not Spot, not Low Priority) Consumption meter is the ``standard`` list
price.

Known traps: ``type`` "Reservation" items carry the price of the whole 1- or 3-year term in
``retailPrice`` although ``unitOfMeasure`` says "1 Hour" → skipped (``reservation: price per
term``), as are "DevTestConsumption" items (``dev/test pricing``). A unit other than "1 Hour"
or a SKU without an accelerator mapping is a ParseProblem. Azure lists some Spot meters at the
full pay-as-you-go rate; they are kept as published (tier ``spot``).

The recording (``pages/azure/retail_prices_api_gpu_items_fixture.json``, 83 items, from
ewyluda/gpu-price-index's test fixture) holds the ``Items`` list only, without the envelope:
the parser reads both shapes, and a bare list has no next page. Its recording URL is where those
bytes are published (the fixture on GitHub at its commit), as no single API response has that
shape. The capture date is not in the file; the collector that produced it first ran on
2026-09-29 (its ``data/runs.jsonl``), used here as the approximate capture time.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from schemas.accelerators import require_known
from schemas.enums import Component, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import field_price, join_tiers, record
from scrapers.json_numbers import loads_exact, published_text

NAME = "azure_retail"
PROVIDER = "azure"
PARSER_VERSION = "1"
API = "https://prices.azure.com/api/retail/prices"

# armSkuName -> (canonical accelerator, accelerators per VM). Sources: Azure's VM size pages
# (ND H100 v5: 8 × H100 SXM 80GB; NCads H100 v5: H100 NVL 94GB, 1 or 2; ND H200 v5: 8 × H200;
# ND A100 v4: 8 × A100 SXM 40GB; NDm A100 v4: 8 × A100 SXM 80GB; NC A100 v4: A100 PCIe 80GB,
# 1/2/4; ND MI300X v5: 8 × MI300X; NCv3: V100 PCIe 16GB, 1/2/4).
SKU_ACCELERATORS: dict[str, tuple[str, int]] = {
    "Standard_ND96isr_H100_v5": (require_known("H100-SXM-80GB"), 8),
    "Standard_NC40ads_H100_v5": (require_known("H100-NVL-94GB"), 1),
    "Standard_NC80adis_H100_v5": (require_known("H100-NVL-94GB"), 2),
    "Standard_ND96isr_H200_v5": (require_known("H200-SXM-141GB"), 8),
    "Standard_ND96asr_v4": (require_known("A100-SXM-40GB"), 8),
    "Standard_ND96amsr_A100_v4": (require_known("A100-SXM-80GB"), 8),
    "Standard_NC24ads_A100_v4": (require_known("A100-PCIe-80GB"), 1),
    "Standard_NC48ads_A100_v4": (require_known("A100-PCIe-80GB"), 2),
    "Standard_NC96ads_A100_v4": (require_known("A100-PCIe-80GB"), 4),
    "Standard_ND96isr_MI300X_v5": (require_known("MI300X"), 8),
    "Standard_NC6s_v3": (require_known("V100-PCIe-16GB"), 1),
    "Standard_NC12s_v3": (require_known("V100-PCIe-16GB"), 2),
    "Standard_NC24s_v3": (require_known("V100-PCIe-16GB"), 4),
    "Standard_NC24rs_v3": (require_known("V100-PCIe-16GB"), 4),
}

_SKU_FILTER = " or ".join(f"armSkuName eq '{sku}'" for sku in SKU_ACCELERATORS)
URL = (
    API
    + "?$filter="
    + quote(
        f"serviceName eq 'Virtual Machines' and priceType eq 'Consumption' and ({_SKU_FILTER})",
        safe="",
    )
)
RECORDING_URL = (
    "https://raw.githubusercontent.com/ewyluda/gpu-price-index/"
    "1f5b058636bc19d4f114c2142b5548681b8b2c3c/tests/fixtures/azure.json"
)


def _document(page: FetchedPage) -> Any:
    try:
        return loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{NAME}: body is not valid JSON: {error}") from error


def _items(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("Items"), list):
        return document["Items"]
    raise ValueError(f"{NAME}: expected an object with an 'Items' list (or a list of items)")


def next_page(page: FetchedPage) -> str | None:
    """``NextPageLink`` of an API page; None on the last page or for a bare item list."""
    document = _document(page)
    link = document.get("NextPageLink") if isinstance(document, dict) else None
    return link if isinstance(link, str) and link else None


def tier_of(meter_name: str, product_name: str) -> str:
    """The tier of a meter: spot / low-priority from the meter, windows from the product."""
    meter = meter_name.strip()
    tiers = []
    if meter.endswith(" Spot"):
        tiers.append("spot")
    elif meter.endswith(" Low Priority"):
        tiers.append("low-priority")
    if product_name.strip().endswith(" Windows"):
        tiers.append("windows")
    return join_tiers(*tiers)


def parse(page: FetchedPage) -> ParseResult:
    """Read the GPU VM meters of one Retail Prices API page."""
    items = _items(_document(page))
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    for index, item in enumerate(items):
        _parse_item(out, index, item)
    return out.result


def _parse_item(out: PageCollector, index: int, item: object) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("armSkuName"), str):
        out.problem(json.dumps(item, default=str)[:200], "item without armSkuName", f"[{index}]")
        return
    sku = item["armSkuName"]
    region = str(item.get("armRegionName") or "").strip()
    where = f"{sku}@{region or '?'}[{index}]"
    kind = item.get("type", "Consumption")
    if kind == "Reservation":
        out.skip("reservation: price per term")
        return
    if kind != "Consumption":
        out.skip("dev/test pricing")
        return
    if sku not in SKU_ACCELERATORS:
        out.problem(sku, "GPU VM SKU without an accelerator mapping", where)
        return
    if not region:
        out.problem(json.dumps(item, default=str)[:200], "item without armRegionName", where)
        return
    unit = item.get("unitOfMeasure")
    if unit != "1 Hour":
        out.problem(str(unit), "unit of measure is not '1 Hour'", where)
        return
    price = field_price(out, item.get("retailPrice"), where)
    if price is None:
        return
    if price <= 0:
        out.skip("zero price")
        return
    accelerator, count = SKU_ACCELERATORS[sku]
    record(
        out,
        provider=PROVIDER,
        sku=sku,
        model=None,
        component=Component.INSTANCE_HOUR,
        tier=tier_of(str(item.get("meterName") or ""), str(item.get("productName") or "")),
        region=region,
        price=price,
        published_text=published_text(item["retailPrice"]),
        published_unit="per hour (1 Hour, whole VM)",
        where=where,
        accelerator=accelerator,
        accelerator_count=count,
    )


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_API,
    leg=Leg.COMPUTE,
    description="Azure Retail Prices API: GPU VMs per region; Linux, Windows, Spot, Low Priority",
    urls=(URL,),
    recordings=(
        Recording(
            url=RECORDING_URL,
            path="pages/azure/retail_prices_api_gpu_items_fixture.json",
            captured_at=datetime(2026, 9, 29, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
    next_page=next_page,
)
