"""Amazon S3 storage and data-transfer-out list prices from the AWS Price List bulk offer files.

What it is: AWS's public, unauthenticated price list, one JSON offer file per service and region
(``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<offerCode>/current/<region>/
index.json``, the "current region index" files)::

    {"formatVersion", "offerCode", "version", "publicationDate",
     "products": {SKU: {"sku", "productFamily": "Storage", "attributes": {"regionCode":
         "us-east-1", "storageClass": "General Purpose", "volumeType": "Standard", "usagetype":
         "TimedStorage-ByteHrs", ...}}},
     "terms": {"OnDemand": {SKU: {OFFER_TERM: {"effectiveDate", "priceDimensions": {RATE_CODE:
         {"beginRange": "0", "endRange": "51200", "unit": "GB-Mo", "pricePerUnit": {"USD":
          "0.0230000000"}, "description": "$0.023 per GB - first 50 TB / month of storage
          used"}}}}}}}

The source reads two files per region: ``AmazonS3`` (storage) and ``AWSDataTransfer`` (transfer
out to the internet, which AWS prices for every service alike and publishes as its own offer;
the parser takes "Data Transfer" products from whichever file holds them). Both are read as a
stream with :func:`scrapers.aws_offer_file.iter_offer_prices`, keeping only "Storage" and "Data
Transfer" products, On-Demand terms.

Mapping: provider ``aws``.

* Storage (productFamily "Storage", a usage type of bytes stored over time, ``…ByteHrs``):
  sku ``s3``, component ``gb_month`` (unit ``GB-Mo``), tier = storage class from
  ``volumeType`` (``storageClass`` when absent) as a slug (``standard``,
  ``standard-infrequent-access``, ``glacier-deep-archive``) + volume band from
  ``beginRange``/``endRange`` (``standard:first-50tb``, ``standard:next-450tb``,
  ``standard:over-500tb``; see :mod:`scrapers.storage`).
* Egress (productFamily "Data Transfer", ``transferType`` "AWS Outbound" to the internet,
  ``toLocation`` "External"): sku ``data-transfer-out``, component ``egress_gb`` (unit ``GB``),
  tier = volume band (``first-10tb``, ``next-40tb``, ``next-100tb``, ``over-150tb``), the names
  the dated history (``storage_history``) uses for the same bands.

Region = ``regionCode`` (``fromRegionCode`` for transfer), else the location's code. A term's
``effectiveDate`` becomes the observation's effective date.

Known traps and how they are handled:

* Storage products that are not a storage-class rate (``…SmObjects`` small-object overhead,
  ``…Staging``, early-delete fees, tags) share the class's ``volumeType``: only ``…ByteHrs``
  usage types are read, the rest is counted as skipped.
* A zero price (a free allowance) is skipped, never stored as 0. Inbound and inter-region
  transfer, and outbound transfer to anything but the internet, are skipped by reason.
* A dimension in another unit than the component's (``GB-Mo`` / ``GB``), or in another currency,
  is skipped by reason; a band that runs backwards is a ParseProblem.
* A truncated or non-JSON body fails the source with a ValueError naming it.

There is no recording in the shared data folder: offline runs have nothing to replay, and the
tests use hand-built fixtures under ``tests/fixtures/aws_s3/`` (real shape, prices cited from
``storage/storage_price_history.csv``).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import ijson

from schemas.enums import Component, Currency, Leg
from schemas.observation import FetchedPage
from schemas.units import PER_GB, PER_GB_MONTH, PriceParseError, UnitSpec, normalize
from scrapers.aws_offer_file import PRODUCT_FAMILY, OfferFileError, OfferPrice, iter_offer_prices
from scrapers.base import ParseResult, Source, SourceKind
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.sources.aws_ec2 import LOCATION_REGIONS
from scrapers.storage import band, slug, tier

NAME = "aws_s3_price_list"
PROVIDER = "aws"
PARSER_VERSION = "1"
OFFER_URL = (
    "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{offer}/current/{region}/index.json"
)
OFFERS = ("AmazonS3", "AWSDataTransfer")
REGIONS = ("us-east-1",)

STORAGE = "Storage"
DATA_TRANSFER = "Data Transfer"
STORAGE_SKU = "s3"
EGRESS_SKU = "data-transfer-out"
ATTRIBUTES = (
    PRODUCT_FAMILY,
    "regionCode",
    "location",
    "storageClass",
    "volumeType",
    "usagetype",
    "transferType",
    "fromRegionCode",
    "fromLocation",
    "toLocation",
)
# component -> (the offer file's unit, unit spec, published-unit label)
_UNITS: dict[Component, tuple[str, UnitSpec, str]] = {
    Component.GB_MONTH: ("GB-Mo", PER_GB_MONTH, "per GB-month (GB-Mo, On-Demand)"),
    Component.EGRESS_GB: ("GB", PER_GB, "per GB transferred out to the internet (On-Demand)"),
}
_STORED_BYTES = re.compile(r"TimedStorage-.*ByteHrs$")
_INTERNET = "External"
_OUTBOUND = "AWS Outbound"


def urls() -> tuple[str, ...]:
    """The offer files fetched nightly: S3 and data transfer, per region."""
    return tuple(
        OFFER_URL.format(offer=offer, region=region) for region in REGIONS for offer in OFFERS
    )


def is_storage_or_transfer(attributes: dict[str, Any]) -> bool:
    """Keep the products whose family is storage or data transfer (requests etc. are not)."""
    return attributes.get(PRODUCT_FAMILY) in (STORAGE, DATA_TRANSFER)


def parse(page: FetchedPage) -> ParseResult:
    """Read the storage and egress prices of one offer file."""
    out = PageCollector(page, source=NAME, leg=Leg.DATA, parser_version=PARSER_VERSION)
    prices = iter_offer_prices(io.BytesIO(page.body), is_storage_or_transfer, ATTRIBUTES)
    try:
        for price in prices:
            offer_price(out, price)
    except (OfferFileError, ijson.JSONError) as error:
        raise ValueError(f"{NAME}: not a readable offer file: {error}") from error
    return out.result


def offer_price(out: PageCollector, price: OfferPrice) -> None:
    """Record one price dimension of a storage or transfer product, or count why not."""
    attributes = price.attributes
    where = f"{price.product_sku}/{price.rate_code}"
    if price.term_type != "OnDemand":
        out.skip("not an On-Demand term")
        return
    if attributes.get(PRODUCT_FAMILY) == STORAGE:
        read = _storage(out, price)
    else:
        read = _egress(out, price)
    if read is None:
        return
    component, sku, class_tier, region = read
    if not region:
        out.problem(attributes.get("location", ""), "unknown AWS location", where)
        return
    expected, unit, unit_label = _UNITS[component]
    if price.unit != expected:
        out.skip(f"unit not tracked: {price.unit or '(none)'}")
        return
    if price.currency != Currency.USD.value:
        out.skip(f"currency not tracked: {price.currency}")
        return
    try:
        volume_band = band(_range(price.begin_range), _end(price.end_range))
        amount = round_to_stored_scale(normalize(price.price_text, unit))
    except (PriceParseError, ValueError) as error:
        reason = error.reason if isinstance(error, PriceParseError) else str(error)
        out.problem(f"{price.price_text} [{price.begin_range}..{price.end_range}]", reason, where)
        return
    if amount == 0:
        out.skip("free allowance (zero price)")
        return
    out.price(
        provider=PROVIDER,
        sku=sku,
        model=None,
        component=component,
        tier=tier(class_tier, volume_band),
        region=region,
        currency=Currency.USD,
        price=amount,
        published_text=price.price_text,
        published_unit=unit_label,
        where=where,
        effective_date=_date(price.effective_date),
    )


def _storage(out: PageCollector, price: OfferPrice) -> tuple[Component, str, str, str] | None:
    attributes = price.attributes
    usage = attributes.get("usagetype", "")
    if not _STORED_BYTES.search(usage):
        out.skip("storage fee that is not a storage-class rate (overhead, staging, early delete)")
        return None
    name = attributes.get("volumeType") or attributes.get("storageClass") or ""
    if not slug(name):
        where = f"{price.product_sku}/{price.rate_code}"
        out.problem(usage, "storage product without volumeType or storageClass", where)
        return None
    region = attributes.get("regionCode") or LOCATION_REGIONS.get(attributes.get("location", ""))
    return Component.GB_MONTH, STORAGE_SKU, slug(name), region or ""


def _egress(out: PageCollector, price: OfferPrice) -> tuple[Component, str, str, str] | None:
    attributes = price.attributes
    kind = attributes.get("transferType", "")
    if kind != _OUTBOUND:
        out.skip(f"transfer not tracked: {kind or '(no transferType)'}")
        return None
    if attributes.get("toLocation", _INTERNET) != _INTERNET:
        out.skip("outbound transfer not to the internet")
        return None
    region = attributes.get("fromRegionCode") or LOCATION_REGIONS.get(
        attributes.get("fromLocation", "")
    )
    return Component.EGRESS_GB, EGRESS_SKU, "", region or ""


def _range(text: str) -> Decimal:
    try:
        return Decimal(text)
    except ArithmeticError:
        raise ValueError(f"volume band bound {text!r} is not a number") from None


def _end(text: str) -> Decimal | None:
    return None if text.strip().lower() in {"inf", ""} else _range(text)


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


SOURCE = Source(
    name=NAME,
    kind=SourceKind.FIRST_PARTY_API,
    leg=Leg.DATA,
    description="AWS Price List offer files: S3 storage per class and transfer out, by band",
    urls=urls(),
    recordings=(),
    parser_version=PARSER_VERSION,
    parse=parse,
)
