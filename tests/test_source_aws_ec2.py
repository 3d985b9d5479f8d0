"""AWS EC2: the pricing-page JSON recording, and the streaming reader of the bulk offer file."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import ijson
import pytest

from schemas.enums import Component, Leg
from scrapers.aws_offer_file import OfferFileError, iter_offer_prices
from scrapers.base import ParseResult
from scrapers.sources.aws_ec2 import (
    OFFER_FILE_URL,
    SOURCE,
    accelerator_of,
    is_gpu_product,
    page_urls,
)
from tests.compute_utils import one, page_of, recorded_page


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert SOURCE.name == "aws_ec2"
    assert SOURCE.leg is Leg.COMPUTE
    assert SOURCE.urls == page_urls()
    assert SOURCE.urls[0] == (
        "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ec2/USD/current/"
        "ec2-ondemand-without-sec-sel/US%20East%20%28N.%20Virginia%29/Linux/index.json"
    )
    assert len(SOURCE.urls) == 7
    assert SOURCE.recordings[0].path == "pages/aws/ec2_gpu_ondemand_linux_fixture.json"


def test_recording_counts(result: ParseResult) -> None:
    # 51 offers in 7 locations; the 3 p6-b300.48xlarge (B300) are outside the catalog.
    assert len(result.observations) == 48
    assert result.problems == []
    assert result.skipped == {"accelerator not in catalog": 3}
    assert {o.tier for o in result.observations} == {"standard"}
    assert {o.region for o in result.observations} == {
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "ap-northeast-1",
        "ap-south-1",
        "ap-southeast-2",
        "sa-east-1",
    }


def test_p5_48xlarge_us_east_1_is_6_88_per_h100_hour(result: ParseResult) -> None:
    p5 = one(result, sku="p5.48xlarge", region="us-east-1")
    assert p5.price == Decimal("55.04")
    assert p5.published_text == "55.0400000000"
    assert p5.component is Component.INSTANCE_HOUR
    assert (p5.accelerator, p5.accelerator_count) == ("H100-SXM-80GB", 8)
    assert p5.price / p5.accelerator_count == Decimal("6.88")
    single = one(result, sku="p5.4xlarge", region="us-east-1")
    assert (single.price, single.accelerator_count) == (Decimal("6.88"), 1)


def test_other_instances_and_regions(result: ParseResult) -> None:
    assert one(result, sku="p5.48xlarge", region="ap-northeast-1").price == Decimal("68.8")
    assert one(result, sku="p5.48xlarge", region="sa-east-1").price == Decimal("92.4672")
    b200 = one(result, sku="p6-b200.48xlarge", region="ap-south-1")
    assert (b200.price, b200.accelerator) == (Decimal("160.64525"), "B200")
    assert one(result, sku="p5en.48xlarge", region="us-east-1").accelerator == "H200-SXM-141GB"
    p4d = one(result, sku="p4d.24xlarge", region="us-east-1")
    assert (p4d.price, p4d.accelerator) == (Decimal("21.957642"), "A100-SXM-40GB")
    assert one(result, sku="p4de.24xlarge", region="us-west-2").accelerator == "A100-SXM-80GB"
    g6e = one(result, sku="g6e.12xlarge", region="us-east-1")
    assert (g6e.price, g6e.accelerator, g6e.accelerator_count) == (Decimal("10.49264"), "L40S", 4)


def test_instance_map() -> None:
    assert accelerator_of("p5.48xlarge") == ("H100-SXM-80GB", 8)
    assert accelerator_of("g5.12xlarge") == ("A10G", 4)
    assert accelerator_of("p6-b300.48xlarge") == (None, None)
    assert accelerator_of("p5.2xlarge") is None  # no such size
    assert accelerator_of("m5.large") is None


def test_a_live_document_and_non_gpu_offers() -> None:
    document = {
        "manifest": {"serviceId": "ec2"},
        "regions": {
            "Europe (Frankfurt)": {
                "p5 48xlarge Europe Frankfurt Linux": {
                    "Instance Type": "p5.48xlarge",
                    "price": "55.0400000000",
                    "Location": "Europe (Frankfurt)",
                    "Operating System": "Linux",
                    "Instance Family": "GPU instance",
                },
                "m5 large": {
                    "Instance Type": "m5.large",
                    "price": "0.096",
                    "Instance Family": "General purpose",
                },
                "g9 xlarge": {
                    "Instance Type": "g9.xlarge",
                    "price": "1",
                    "Instance Family": "GPU instance",
                },
            }
        },
    }
    result = SOURCE.parse(page_of(SOURCE, json.dumps(document).encode()))
    (p5,) = result.observations
    assert (p5.region, p5.price) == ("eu-central-1", Decimal("55.04"))
    assert result.skipped == {"not a GPU instance": 1}
    (problem,) = result.problems
    assert problem.reason == "GPU instance type without an accelerator mapping"


# --- the bulk offer file --------------------------------------------------------------------
# The list prices below are REAL: p5.48xlarge, US East (N. Virginia), Linux, On-Demand, read
# from ../shared/data/compute/aws_p5_tracker_observations.csv (amorton45/aws-gpu-price-tracker's
# daily Price List API readings: 98.32 until 2025-06-04, 55.04 from 2025-06-05). Every other
# row (Windows, Reserved, capacity-reservation, m5, p6-b300) is SYNTHETIC, made up only to
# check that it is routed to a tier or skipped; none of those numbers is an AWS price.


def _tracker_prices(shared_data: Path) -> dict[str, str]:
    path = shared_data / "compute" / "aws_p5_tracker_observations.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["instance_type"] for r in rows} == {"p5.48xlarge"}
    return {r["date"]: r["price_usd_per_hour"] for r in rows}


def _product(sku: str, instance: str, **attributes: str) -> dict[str, object]:
    base = {
        "servicecode": "AmazonEC2",
        "instanceType": instance,
        "instanceFamily": "GPU instance" if instance[0] in "gp" else "General purpose",
        "location": "US East (N. Virginia)",
        "regionCode": "us-east-1",
        "operatingSystem": "Linux",
        "tenancy": "Shared",
        "preInstalledSw": "NA",
        "licenseModel": "No License required",
        "capacitystatus": "Used",
        "marketoption": "OnDemand",
    }
    base.update(attributes)
    return {"sku": sku, "productFamily": "Compute Instance", "attributes": base}


def _term(sku: str, effective: str, price: str, unit: str = "Hrs", **attrs: str) -> dict:
    code = f"{sku}.TERM"
    return {
        code: {
            "offerTermCode": "TERM",
            "sku": sku,
            "effectiveDate": effective,
            "priceDimensions": {
                f"{code}.RATE": {
                    "unit": unit,
                    "description": f"{price} per hour",
                    "pricePerUnit": {"USD": price},
                }
            },
            "termAttributes": attrs,
        }
    }


def _offer_file(p5_price: str, effective: str) -> bytes:
    reserved = _term(
        "P5LINUX",
        "2025-06-05T00:00:00Z",
        "33.0000000000",
        LeaseContractLength="1yr",
        OfferingClass="standard",
        PurchaseOption="No Upfront",
    )
    partial = _term(
        "P5WIN",
        "2025-06-05T00:00:00Z",
        "10.0000000000",
        LeaseContractLength="3yr",
        OfferingClass="convertible",
        PurchaseOption="Partial Upfront",
    )
    document = {
        "formatVersion": "v1.0",
        "offerCode": "AmazonEC2",
        "publicationDate": effective,
        "products": {
            "P5LINUX": _product("P5LINUX", "p5.48xlarge"),
            "P5WIN": _product("P5WIN", "p5.48xlarge", operatingSystem="Windows"),
            "P5UNUSED": _product(
                "P5UNUSED", "p5.48xlarge", capacitystatus="UnusedCapacityReservation"
            ),
            "M5": _product("M5", "m5.large"),
            "B300": _product("B300", "p6-b300.48xlarge"),
        },
        "terms": {
            "OnDemand": {
                "P5LINUX": _term("P5LINUX", effective, p5_price),
                "P5WIN": _term("P5WIN", effective, "70.0000000000"),
                "P5UNUSED": _term("P5UNUSED", effective, p5_price),
                "M5": _term("M5", effective, "0.0960000000"),
                "B300": _term("B300", effective, "142.4160000000"),
            },
            "Reserved": {"P5LINUX": reserved, "P5WIN": partial},
        },
    }
    return json.dumps(document).encode()


def test_offer_file_reader_yields_only_kept_products(shared_data: Path) -> None:
    real = _tracker_prices(shared_data)
    body = _offer_file(real["2025-06-05"], "2025-06-05T00:00:00Z")
    read = list(iter_offer_prices(io.BytesIO(body), keep=is_gpu_product))
    assert {p.product_sku for p in read} == {"P5LINUX", "P5WIN", "P5UNUSED", "B300"}
    linux = next(p for p in read if p.product_sku == "P5LINUX" and p.term_type == "OnDemand")
    assert linux.price_text == "55.04"
    assert linux.attributes["instanceType"] == "p5.48xlarge"
    assert linux.effective_date == "2025-06-05T00:00:00Z"


def test_offer_file_list_price_and_tiers(shared_data: Path) -> None:
    real = _tracker_prices(shared_data)
    body = _offer_file(real["2025-06-05"], "2025-06-05T00:00:00Z")
    result = SOURCE.parse(page_of(SOURCE, body, url=OFFER_FILE_URL))
    by_tier = {o.tier: o for o in result.observations}
    assert set(by_tier) == {"standard", "windows", "reserved-1yr-standard"}
    standard = by_tier["standard"]
    assert (standard.sku, standard.region, standard.price) == (
        "p5.48xlarge",
        "us-east-1",
        Decimal("55.04"),
    )
    assert standard.effective_date == date(2025, 6, 5)
    assert standard.accelerator_count == 8
    assert result.skipped == {
        "capacity reservation accounting row": 1,
        "accelerator not in catalog": 1,
        "reserved with an upfront fee: hourly rate is not the effective price": 1,
    }
    assert result.problems == []


def test_offer_file_before_the_june_2025_cut(shared_data: Path) -> None:
    real = _tracker_prices(shared_data)
    body = _offer_file(real["2025-04-23"], "2025-04-23T00:00:00Z")
    result = SOURCE.parse(page_of(SOURCE, body, url=OFFER_FILE_URL))
    standard = next(o for o in result.observations if o.tier == "standard")
    assert (standard.price, standard.effective_date) == (Decimal("98.32"), date(2025, 4, 23))


def test_offer_file_with_terms_first_or_truncated_is_refused(shared_data: Path) -> None:
    document = json.loads(_offer_file("55.04", "2025-06-05T00:00:00Z"))
    terms_first = {"terms": document["terms"], "products": document["products"]}
    with pytest.raises(OfferFileError, match="terms before products"):
        list(iter_offer_prices(io.BytesIO(json.dumps(terms_first).encode()), is_gpu_product))
    body = _offer_file("55.04", "2025-06-05T00:00:00Z")
    with pytest.raises(ijson.JSONError):
        list(iter_offer_prices(io.BytesIO(body[: len(body) // 2]), is_gpu_product))
