"""Azure Blob Storage and internet egress list prices from the Azure Retail Prices API.

What it is: Microsoft's public, unauthenticated price list (``https://prices.azure.com/api/
retail/prices``). A response is ``{"BillingCurrency", "Items": [...], "NextPageLink",
"Count"}`` with up to 1,000 items; the source follows ``NextPageLink`` (``Source.next_page``)
to the last page. Two queries, filtered server-side:

* Blob storage: ``serviceName eq 'Storage' and productName eq 'General Block Blob v2'`` (the
  general-purpose v2 account, Azure's default), Consumption prices. Items are meters such as
  ``meterName`` "Hot LRS Data Stored", ``skuName`` "Hot LRS", ``unitOfMeasure`` "1 GB/Month",
  ``retailPrice`` 0.0184, ``tierMinimumUnits`` 0 (a volume band's lower end, in the unit),
  ``armRegionName`` "eastus", ``effectiveStartDate``.
* Internet egress: ``serviceName eq 'Bandwidth' and productName eq 'Rtn Preference: MGN'``
  (routing over Microsoft's global network, the default), meter "Standard Data Transfer Out",
  ``unitOfMeasure`` "1 GB", one item per band.

Mapping: provider ``azure``, sku = ``productName`` as a slug (``general-block-blob-v2``,
``rtn-preference-mgn``), region = ``armRegionName``. Storage: component ``gb_month`` for a
"… Data Stored" meter priced "1 GB/Month", tier = ``skuName`` as a slug (``hot-lrs``,
``cool-lrs``, ``archive-lrs``, ``cold-zrs``: access tier and redundancy, the names the dated
history uses) + the band from ``tierMinimumUnits``. Egress: component ``egress_gb`` for the
"Standard Data Transfer Out" meter priced "1 GB" (exactly that meter: inter-region transfer
meters also end in "Data Transfer Out"), tier = the band. Azure publishes only a band's lower
end, so bands are named by it: the first band (from 0) has no band part (``hot-lrs``), the next
ones ``hot-lrs:over-50tb`` (from 51,200 GB); see :mod:`scrapers.storage`. ``effectiveStartDate``
(when the meter's price took effect) is the effective date.

Known traps and how they are handled:

* Operations are priced per "10K" (10,000 operations): skipped as operations, never read as
  a per-GB price. Other per-GB meters of the storage product (data retrieval, data write,
  geo-replication transfer, early delete) are fees, not egress: skipped. Any other unit is
  skipped by name ("unit not tracked: 1/Month").
* The first egress band is free (``retailPrice`` 0): skipped as a free allowance, never
  stored as 0 (the warehouse quarantines zero prices).
* ``type`` "Reservation" (reserved capacity, priced per term) and "DevTestConsumption" items are
  skipped by reason. A unit string the parser does not know for the meter it names, a missing
  region or an unreadable number is a ParseProblem.
* A body that is not JSON, or JSON without an ``Items`` list, fails the source loudly.

There is no recording in the shared data folder: offline runs have nothing to replay, and the
tests use a hand-built fixture under ``tests/fixtures/azure_blob/`` (API shape, prices cited
from ``storage/storage_price_history.csv``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from schemas.enums import Component, Currency, Leg
from schemas.observation import FetchedPage
from schemas.units import PER_GB, PER_GB_MONTH, PriceParseError, normalize, parse_amount
from scrapers.base import ParseResult, Source, SourceKind
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.json_numbers import loads_exact, published_text
from scrapers.storage import band_from, slug, tier

NAME = "azure_blob_retail"
PROVIDER = "azure"
PARSER_VERSION = "1"
API = "https://prices.azure.com/api/retail/prices"
STORAGE_FILTER = (
    "serviceName eq 'Storage' and productName eq 'General Block Blob v2' "
    "and priceType eq 'Consumption'"
)
EGRESS_FILTER = (
    "serviceName eq 'Bandwidth' and productName eq 'Rtn Preference: MGN' "
    "and priceType eq 'Consumption'"
)
STORAGE_URL = f"{API}?$filter={quote(STORAGE_FILTER, safe='')}"
EGRESS_URL = f"{API}?$filter={quote(EGRESS_FILTER, safe='')}"

GB_MONTH_UNIT = "1 GB/Month"
GB_UNIT = "1 GB"
OPERATIONS_UNIT = "10K"
DATA_STORED = " Data Stored"
# the internet egress meter; inter-region meters ("Intra Continental Data Transfer Out") are not
EGRESS_METER = "Standard Data Transfer Out"


def _document(page: FetchedPage) -> Any:
    try:
        return loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{NAME}: body is not valid JSON: {error}") from error


def _items(document: Any) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("Items"), list):
        return document["Items"]
    raise ValueError(f"{NAME}: expected a Retail Prices API page with an 'Items' list")


def next_page(page: FetchedPage) -> str | None:
    """``NextPageLink`` of an API page; None on the last page."""
    document = _document(page)
    link = document.get("NextPageLink") if isinstance(document, dict) else None
    return link if isinstance(link, str) and link else None


def parse(page: FetchedPage) -> ParseResult:
    """Read the blob storage and egress meters of one Retail Prices API page."""
    items = _items(_document(page))
    out = PageCollector(page, source=NAME, leg=Leg.DATA, parser_version=PARSER_VERSION)
    for index, item in enumerate(items):
        _parse_item(out, index, item)
    return out.result


def meter_component(meter_name: str, unit: str) -> Component | str:
    """What a meter prices: a tracked component, or the reason it is skipped."""
    if unit == OPERATIONS_UNIT:
        return "operations (per 10K): not tracked"
    if unit == GB_MONTH_UNIT:
        if meter_name.endswith(DATA_STORED):
            return Component.GB_MONTH
        return "per GB-month meter that is not data stored"
    if unit == GB_UNIT:
        if meter_name == EGRESS_METER:
            return Component.EGRESS_GB
        return "per GB fee that is not internet egress (retrieval, write, replication, transfer)"
    return f"unit not tracked: {unit or '(none)'}"


def _parse_item(out: PageCollector, index: int, item: object) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("meterName"), str):
        out.problem(json.dumps(item, default=str)[:200], "item without meterName", f"[{index}]")
        return
    meter = item["meterName"].strip()
    region = str(item.get("armRegionName") or "").strip()
    where = f"{meter}@{region or '?'}[{index}]"
    kind = item.get("type", "Consumption")
    if kind == "Reservation":
        out.skip("reservation: price per term")
        return
    if kind != "Consumption":
        out.skip("dev/test pricing")
        return
    component = meter_component(meter, str(item.get("unitOfMeasure") or "").strip())
    if not isinstance(component, Component):
        out.skip(component)
        return
    if not region:
        out.problem(json.dumps(item, default=str)[:200], "item without armRegionName", where)
        return
    if item.get("currencyCode", Currency.USD.value) != Currency.USD.value:
        out.skip(f"currency not tracked: {item.get('currencyCode')}")
        return
    product = slug(str(item.get("productName") or ""))
    storage_class = slug(str(item.get("skuName") or "")) if component is Component.GB_MONTH else ""
    if not product or (component is Component.GB_MONTH and not storage_class):
        out.problem(meter, "item without productName or skuName", where)
        return
    unit = PER_GB_MONTH if component is Component.GB_MONTH else PER_GB
    try:
        volume_band = band_from(parse_amount(item.get("tierMinimumUnits", 0)))
        price = round_to_stored_scale(normalize(item.get("retailPrice"), unit))
    except (PriceParseError, ValueError) as error:
        reason = error.reason if isinstance(error, PriceParseError) else str(error)
        out.problem(published_text(item.get("retailPrice")), reason, where)
        return
    if price == 0:
        out.skip("free allowance (zero price)")
        return
    out.price(
        provider=PROVIDER,
        sku=product,
        model=None,
        component=component,
        tier=tier(storage_class, volume_band),
        region=region,
        currency=Currency.USD,
        price=price,
        published_text=published_text(item["retailPrice"]),
        published_unit=f"{unit.label} ({item['unitOfMeasure']})",
        where=where,
        effective_date=_date(item.get("effectiveStartDate")),
    )


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_API,
    leg=Leg.DATA,
    description="Azure Retail Prices API: Blob storage per access tier and redundancy, egress",
    urls=(STORAGE_URL, EGRESS_URL),
    recordings=(),
    parser_version=PARSER_VERSION,
    parse=parse,
    next_page=next_page,
)
