"""AWS EC2 GPU instance prices: the pricing page's per-location JSON, and the bulk offer file.

**Pricing-page JSON** (what the source fetches nightly). The public EC2 On-Demand pricing page
loads one document per location and operating system from
``b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ec2/USD/current/ec2-ondemand-without-sec-sel/
<Location>/Linux/index.json``: ``{"regions": {"US East (N. Virginia)": {"<family> <size>
<location> Linux": {"Instance Type": "p5.48xlarge", "price": "55.0400000000", "Operating
System": "Linux", "Instance Family": "GPU instance", "rateCode", ...}}}}``. Prices are USD per
instance-hour, On-Demand, shared tenancy: the list price (tier ``standard``; an operating system
other than Linux would be a tier).

**Bulk offer file** (``https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/
current/index.json``; several GB). Read as a stream by :mod:`scrapers.aws_offer_file`; a page
whose body is an offer file is parsed that way too. On-Demand Linux, shared tenancy, no
pre-installed software, capacity "Used" is the list price (tier ``standard``); everything else
is a tier: the operating system (``windows``, ``rhel``, ``suse``…), ``dedicated`` / ``host``
tenancy, ``sql-std``-style pre-installed software, ``byol``, ``capacity-block`` (EC2 Capacity
Blocks for ML), and Reserved No Upfront terms as ``reserved-1yr-standard`` /
``reserved-3yr-convertible``. Reserved terms with an upfront fee (their hourly rate is not the
effective price), upfront-fee dimensions and capacity-reservation accounting rows
(``AllocatedCapacityReservation``, ``UnusedCapacityReservation``) are skipped and counted. A
term's ``effectiveDate`` becomes the observation's effective date.

Mapping (both shapes): provider ``aws``, sku = instance type, region = AWS region code, component
``instance_hour`` with the accelerator and count from :data:`INSTANCE_FAMILIES` (AWS's
accelerated-computing instance pages: p5 = H100 SXM 80GB, p5e/p5en = H200, p4d = A100 SXM 40GB,
p4de = A100 SXM 80GB, p6-b200 = B200, g6e = L40S, g6 = L4, g5 = A10G, p3 = V100 SXM2 16GB).
Families whose accelerator is not in the catalog (p6-b300, g4dn…) are skipped as ``accelerator
not in catalog``; a "GPU instance" of an unmapped family is a ParseProblem; other instances are
skipped as ``not a GPU instance``.

The recording (``pages/aws/ec2_gpu_ondemand_linux_fixture.json``, ewyluda/gpu-price-index's
test fixture) merges seven location documents under their location names
(``{"US East (N. Virginia)": {"regions": {...}}, ...}``), a shape no single AWS response has: the
parser reads it, and its recording URL is where those bytes are published. Undated; its
PROVENANCE dates it about 2026-09-29 (the same commit added that day's observations).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from schemas.accelerators import require_known
from schemas.enums import Component, Leg
from schemas.observation import FetchedPage
from scrapers.aws_offer_file import OfferFileError, OfferPrice, iter_offer_prices
from scrapers.base import ParseResult, Recording, Source, SourceKind
from scrapers.collect import PageCollector
from scrapers.compute import NOT_IN_CATALOG, field_price, join_tiers, record
from scrapers.json_numbers import loads_exact, published_text

NAME = "aws_ec2"
PROVIDER = "aws"
PARSER_VERSION = "1"
PAGE_URL = (
    "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ec2/USD/current/"
    "ec2-ondemand-without-sec-sel/{location}/Linux/index.json"
)
OFFER_FILE_URL = (
    "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/index.json"
)
RECORDING_URL = (
    "https://raw.githubusercontent.com/ewyluda/gpu-price-index/"
    "d789fed5946ca8be74259a201f147c75480066b6/tests/fixtures/aws.json"
)

# AWS location names (as the pricing documents and the offer file write them) -> region codes.
LOCATION_REGIONS: dict[str, str] = {
    "US East (N. Virginia)": "us-east-1",
    "US East (Ohio)": "us-east-2",
    "US West (N. California)": "us-west-1",
    "US West (Oregon)": "us-west-2",
    "Canada (Central)": "ca-central-1",
    "South America (Sao Paulo)": "sa-east-1",
    "Europe (Frankfurt)": "eu-central-1",
    "Europe (Zurich)": "eu-central-2",
    "Europe (Ireland)": "eu-west-1",
    "Europe (London)": "eu-west-2",
    "Europe (Paris)": "eu-west-3",
    "Europe (Stockholm)": "eu-north-1",
    "Europe (Milan)": "eu-south-1",
    "Europe (Spain)": "eu-south-2",
    "Asia Pacific (Tokyo)": "ap-northeast-1",
    "Asia Pacific (Seoul)": "ap-northeast-2",
    "Asia Pacific (Osaka)": "ap-northeast-3",
    "Asia Pacific (Mumbai)": "ap-south-1",
    "Asia Pacific (Hyderabad)": "ap-south-2",
    "Asia Pacific (Singapore)": "ap-southeast-1",
    "Asia Pacific (Sydney)": "ap-southeast-2",
    "Asia Pacific (Jakarta)": "ap-southeast-3",
    "Asia Pacific (Melbourne)": "ap-southeast-4",
    "Middle East (Bahrain)": "me-south-1",
    "Middle East (UAE)": "me-central-1",
    "Israel (Tel Aviv)": "il-central-1",
    "Africa (Cape Town)": "af-south-1",
    "AWS GovCloud (US-East)": "us-gov-east-1",
    "AWS GovCloud (US-West)": "us-gov-west-1",
}
# The locations whose pricing documents list GPU instances (those of the recording).
LOCATIONS = (
    "US East (N. Virginia)",
    "US East (Ohio)",
    "US West (Oregon)",
    "Asia Pacific (Tokyo)",
    "Asia Pacific (Mumbai)",
    "Asia Pacific (Sydney)",
    "South America (Sao Paulo)",
)

_ONE = ("xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge")
# family -> (canonical accelerator, or None when not in the catalog; {size: accelerators}).
INSTANCE_FAMILIES: dict[str, tuple[str | None, dict[str, int]]] = {
    "p6-b200": (require_known("B200"), {"48xlarge": 8}),
    "p5en": (require_known("H200-SXM-141GB"), {"48xlarge": 8}),
    "p5e": (require_known("H200-SXM-141GB"), {"48xlarge": 8}),
    "p5": (require_known("H100-SXM-80GB"), {"48xlarge": 8, "4xlarge": 1}),
    "p4de": (require_known("A100-SXM-80GB"), {"24xlarge": 8}),
    "p4d": (require_known("A100-SXM-40GB"), {"24xlarge": 8}),
    "g6e": (
        require_known("L40S"),
        {**dict.fromkeys(_ONE, 1), "12xlarge": 4, "24xlarge": 4, "48xlarge": 8},
    ),
    "g6": (
        require_known("L4"),
        {**dict.fromkeys(_ONE, 1), "12xlarge": 4, "24xlarge": 4, "48xlarge": 8},
    ),
    "gr6": (require_known("L4"), {"4xlarge": 1, "8xlarge": 1}),
    "g5": (
        require_known("A10G"),
        {**dict.fromkeys(_ONE, 1), "12xlarge": 4, "24xlarge": 4, "48xlarge": 8},
    ),
    "p3": (require_known("V100-SXM2-16GB"), {"2xlarge": 1, "8xlarge": 4, "16xlarge": 8}),
    # GPUs the catalog leaves out: B300, GB200 UltraServer nodes, T4, T4G, Radeon Pro V520,
    # V100 32GB, fractional L4 / RTX PRO, K80, M60.
    "p6-b300": (None, {}),
    "p6e-gb200": (None, {}),
    "g4dn": (None, {}),
    "g5g": (None, {}),
    "g4ad": (None, {}),
    "p3dn": (None, {}),
    "g6f": (None, {}),
    "gr6f": (None, {}),
    "g7e": (None, {}),
    "p2": (None, {}),
    "g3": (None, {}),
    "g3s": (None, {}),
}

_OS_TIERS = {
    "linux": "standard",
    "windows": "windows",
    "rhel": "rhel",
    "red hat enterprise linux with ha": "rhel-ha",
    "suse": "suse",
    "ubuntu pro": "ubuntu-pro",
}


def page_urls() -> tuple[str, ...]:
    """The pricing-page documents fetched nightly, one per location."""
    return tuple(PAGE_URL.format(location=quote(location)) for location in LOCATIONS)


def accelerator_of(instance_type: str) -> tuple[str | None, int | None] | None:
    """(accelerator, count) of a GPU instance type; (None, None) when the family's accelerator
    is not in the catalog; None when it is not a known GPU family or size."""
    family, _, size = instance_type.partition(".")
    if family not in INSTANCE_FAMILIES:
        return None
    accelerator, sizes = INSTANCE_FAMILIES[family]
    if accelerator is None:
        return (None, None)
    count = sizes.get(size)
    return (accelerator, count) if count is not None else None


def parse(page: FetchedPage) -> ParseResult:
    """Read a pricing-page document (or the recording's merged form, or an offer file)."""
    out = PageCollector(page, source=NAME, leg=Leg.COMPUTE, parser_version=PARSER_VERSION)
    if _is_offer_file(page.body):
        try:
            for price in iter_offer_prices(io.BytesIO(page.body), keep=is_gpu_product):
                offer_price(out, price)
        except OfferFileError as error:
            raise ValueError(f"{NAME}: {error}") from error
        return out.result
    try:
        document = loads_exact(page.text())
    except (json.JSONDecodeError, UnicodeDecodeError, LookupError) as error:
        raise ValueError(f"{NAME}: body is not valid JSON: {error}") from error
    for regions in _region_maps(document):
        for location, offers in regions.items():
            if not isinstance(offers, dict):
                out.problem(str(offers)[:200], "location entry is not an object", location)
                continue
            for key, offer in offers.items():
                _page_offer(out, location, key, offer)
    return out.result


def _is_offer_file(body: bytes) -> bool:
    head = body[:4096]
    return b'"formatVersion"' in head or b'"offerCode"' in head


def _region_maps(document: Any) -> list[dict[str, Any]]:
    """The ``regions`` maps of a live document or of the recording's location-keyed merge."""
    if isinstance(document, dict) and isinstance(document.get("regions"), dict):
        return [document["regions"]]
    if (
        isinstance(document, dict)
        and document
        and all(
            isinstance(v, dict) and isinstance(v.get("regions"), dict) for v in document.values()
        )
    ):
        return [v["regions"] for v in document.values()]
    raise ValueError(f"{NAME}: expected a pricing document with a 'regions' object")


def _page_offer(out: PageCollector, location: str, key: str, offer: object) -> None:
    where = f"{location}/{key}"
    if not isinstance(offer, dict) or not isinstance(offer.get("Instance Type"), str):
        out.problem(str(offer)[:200], "offer without an Instance Type", where)
        return
    instance = offer["Instance Type"]
    mapped = _mapped(out, instance, str(offer.get("Instance Family", "")), where)
    if mapped is None:
        return
    accelerator, count = mapped
    region = LOCATION_REGIONS.get(str(offer.get("Location") or location))
    if region is None:
        out.problem(location, "unknown AWS location", where)
        return
    os_tier = _OS_TIERS.get(str(offer.get("Operating System", "Linux")).strip().lower())
    if os_tier is None:
        out.problem(str(offer.get("Operating System")), "unknown operating system", where)
        return
    price = field_price(out, offer.get("price"), where)
    if price is None:
        return
    if price <= 0:
        out.skip("zero price")
        return
    record(
        out,
        provider=PROVIDER,
        sku=instance,
        model=None,
        component=Component.INSTANCE_HOUR,
        tier=os_tier,
        region=region,
        price=price,
        published_text=published_text(offer["price"]),
        published_unit="per hour (On-Demand, whole instance)",
        where=where,
        accelerator=accelerator,
        accelerator_count=count,
    )


def _mapped(
    out: PageCollector, instance: str, family_label: str, where: str
) -> tuple[str, int] | None:
    mapped = accelerator_of(instance)
    if mapped is None:
        if family_label == "GPU instance":
            out.problem(instance, "GPU instance type without an accelerator mapping", where)
        else:
            out.skip("not a GPU instance")
        return None
    accelerator, count = mapped
    if accelerator is None or count is None:
        out.skip(NOT_IN_CATALOG)
        return None
    return accelerator, count


# --- the bulk offer file ----------------------------------------------------------------------


def is_gpu_product(attributes: dict[str, Any]) -> bool:
    """Keep a product whose instance type belongs to a known GPU family."""
    if attributes.get("instanceFamily") == "GPU instance":
        return True
    instance = attributes.get("instanceType")
    return isinstance(instance, str) and accelerator_of(instance) is not None


def offer_tier(price: OfferPrice) -> str | None:
    """The tier of an offer-file price; None when it is not a price deflator keeps."""
    attributes = price.attributes
    parts: list[str] = []
    os_tier = _OS_TIERS.get(attributes.get("operatingSystem", "Linux").strip().lower())
    if os_tier is None:
        return None
    parts.append(os_tier)
    tenancy = attributes.get("tenancy", "Shared")
    if tenancy != "Shared":
        parts.append(tenancy.lower())
    software = attributes.get("preInstalledSw", "NA")
    if software != "NA":
        parts.append(software.lower().replace(" ", "-"))
    if attributes.get("licenseModel") == "Bring your own license":
        parts.append("byol")
    if attributes.get("marketoption") == "CapacityBlock":
        parts.append("capacity-block")
    if price.term_type == "Reserved":
        terms = price.term_attributes
        lease = terms.get("LeaseContractLength", "?").replace(" ", "").lower()
        parts.append(f"reserved-{lease}-{terms.get('OfferingClass', 'standard').lower()}")
    return join_tiers(*parts)


def offer_price(out: PageCollector, price: OfferPrice) -> None:
    """Record one offer-file price dimension (or count why it is not a list or tier price)."""
    attributes = price.attributes
    instance = attributes.get("instanceType", "")
    where = f"{price.product_sku}/{price.rate_code}"
    if attributes.get("capacitystatus", "Used") != "Used":
        out.skip("capacity reservation accounting row")
        return
    if price.term_type == "Reserved" and price.term_attributes.get("PurchaseOption") != (
        "No Upfront"
    ):
        out.skip("reserved with an upfront fee: hourly rate is not the effective price")
        return
    if price.unit != "Hrs":
        out.skip("not an hourly rate")
        return
    if price.currency != "USD":
        out.skip("currency not tracked")
        return
    mapped = _mapped(out, instance, "GPU instance", where)
    if mapped is None:
        return
    accelerator, count = mapped
    region = attributes.get("regionCode") or LOCATION_REGIONS.get(attributes.get("location", ""))
    if not region:
        out.problem(attributes.get("location", ""), "unknown AWS location", where)
        return
    tier = offer_tier(price)
    if tier is None:
        out.problem(attributes.get("operatingSystem", ""), "unknown operating system", where)
        return
    amount = field_price(out, price.price_text, where)
    if amount is None:
        return
    if amount <= 0:
        out.skip("zero price")
        return
    record(
        out,
        provider=PROVIDER,
        sku=instance,
        model=None,
        component=Component.INSTANCE_HOUR,
        tier=tier,
        region=region,
        price=amount,
        published_text=price.price_text,
        published_unit=f"per hour ({price.term_type}, whole instance)",
        where=where,
        accelerator=accelerator,
        accelerator_count=count,
        effective_date=_date(price.effective_date),
    )


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
    leg=Leg.COMPUTE,
    description="AWS EC2 GPU instances: On-Demand Linux per region (pricing-page JSON)",
    urls=page_urls(),
    recordings=(
        Recording(
            url=RECORDING_URL,
            path="pages/aws/ec2_gpu_ondemand_linux_fixture.json",
            captured_at=datetime(2026, 9, 29, tzinfo=UTC),
            content_type="application/json",
        ),
    ),
    parser_version=PARSER_VERSION,
    parse=parse,
)
