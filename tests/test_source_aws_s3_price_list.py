"""S3 storage and data-transfer-out prices from AWS Price List offer files (hand-built fixtures).

No recording of the offer files exists in the shared data folder; the fixtures
(tests/fixtures/aws_s3/) say so in their first lines and cite, for every price, the line of
../shared/data/storage/storage_price_history.csv it comes from: S3 Standard $0.023 (line 12),
transfer out $0.09 / $0.085 / $0.07 / $0.05 (lines 30-33).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.aws_s3_price_list import SOURCE
from tests.conftest import PROJECT_ROOT
from tests.source_utils import load_pages, page_of
from warehouse.connection import connect

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "aws_s3"
S3_URL = (
    "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/us-east-1/index.json"
)
DT_URL = (
    "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AWSDataTransfer/current/"
    "us-east-1/index.json"
)
READ_AT = datetime(2026, 11, 28, tzinfo=UTC)
STANDARD = "WP9ANXZGBYYSGJEA"
TRANSFER = "FIXTUREDTOUTUSE1"


def _page(body: bytes, url: str = S3_URL) -> FetchedPage:
    return page_of(SOURCE, url, body, READ_AT, "application/json")


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _parse(document: dict[str, Any], url: str = S3_URL) -> ParseResult:
    return SOURCE.parse(_page(json.dumps(document).encode(), url))


@pytest.fixture(scope="module")
def storage() -> ParseResult:
    return SOURCE.parse(_page((FIXTURES / "AmazonS3_us-east-1.json").read_bytes()))


@pytest.fixture(scope="module")
def transfer() -> ParseResult:
    return SOURCE.parse(_page((FIXTURES / "AWSDataTransfer_us-east-1.json").read_bytes(), DT_URL))


def test_source_definition() -> None:
    assert all_sources()["aws_s3_price_list"] is SOURCE
    assert SOURCE.leg is Leg.DATA
    assert SOURCE.urls == (S3_URL, DT_URL)
    assert SOURCE.recordings == ()
    for name in ("AmazonS3_us-east-1.json", "AWSDataTransfer_us-east-1.json"):
        head = (FIXTURES / name).read_text(encoding="utf-8")[:200]
        assert "HAND-BUILT FIXTURE, NOT A RECORDING" in head


def test_s3_standard_first_band(storage: ParseResult) -> None:
    assert storage.problems == []
    assert storage.skipped == {}
    (standard,) = storage.observations
    assert (standard.provider, standard.sku, standard.component) == (
        "aws",
        "s3",
        Component.GB_MONTH,
    )
    assert (standard.tier, standard.region) == ("standard:first-50tb", "us-east-1")
    assert standard.price == Decimal("0.023")  # storage_price_history.csv line 12
    assert standard.unit is CanonicalUnit.PER_GB_MONTH
    assert standard.currency is Currency.USD
    assert standard.published_text == "0.0230000000"
    assert standard.published_unit == "per GB-month (GB-Mo, On-Demand)"
    assert standard.effective_date == date(2026, 2, 1)


def test_transfer_out_bands(transfer: ParseResult) -> None:
    assert transfer.problems == []
    assert transfer.skipped == {}
    prices = {o.tier: o.price for o in transfer.observations}
    assert prices == {
        "first-10tb": Decimal("0.09"),  # line 30
        "next-40tb": Decimal("0.085"),  # line 31
        "next-100tb": Decimal("0.07"),  # line 32
        "over-150tb": Decimal("0.05"),  # line 33
    }
    assert {(o.sku, o.component, o.region, o.unit) for o in transfer.observations} == {
        ("data-transfer-out", Component.EGRESS_GB, "us-east-1", CanonicalUnit.PER_GB)
    }
    assert {o.source_url for o in transfer.observations} == {DT_URL}


def _add_product(
    document: dict[str, Any], sku: str, attributes: dict[str, str], **dimension: str
) -> None:
    """A copy of the fixture's first product and term under ``sku``, changed as given.

    The copied price is the fixture's own; these rows only exercise what is skipped.
    """
    source_sku = next(iter(document["products"]))
    product = copy.deepcopy(document["products"][source_sku])
    product["sku"] = sku
    product["attributes"].update(attributes)
    if "productFamily" in attributes:
        product["productFamily"] = product["attributes"].pop("productFamily")
    document["products"][sku] = product
    terms = copy.deepcopy(document["terms"]["OnDemand"][source_sku])
    (term,) = terms.values()
    for rate in term["priceDimensions"].values():
        rate.update(dimension)
    document["terms"]["OnDemand"][sku] = {f"{sku}.JRTCKXETXF": term}


def test_fees_and_transfers_that_are_not_list_prices_are_counted() -> None:
    storage = _fixture("AmazonS3_us-east-1.json")
    _add_product(storage, "SMALLOBJECTS", {"usagetype": "TimedStorage-SIA-SmObjects"})
    _add_product(storage, "REQUESTS", {"productFamily": "API Request", "usagetype": "Requests"})
    _add_product(storage, "TAGS", {"usagetype": "TimedStorage-ByteHrs"}, unit="Tag-Mo")
    transfer = _fixture("AWSDataTransfer_us-east-1.json")
    _add_product(transfer, "INBOUND", {"transferType": "AWS Inbound"})
    _add_product(transfer, "TOOREGON", {"toLocation": "US West (Oregon)"})
    _add_product(transfer, "INTERREGION", {"transferType": "InterRegion Outbound"})
    result = _parse(storage)
    result.extend(_parse(transfer, DT_URL))
    assert result.problems == []
    assert result.skipped == {
        "storage fee that is not a storage-class rate (overhead, staging, early delete)": 1,
        "unit not tracked: Tag-Mo": 1,
        "transfer not tracked: AWS Inbound": 4,
        "outbound transfer not to the internet": 4,
        "transfer not tracked: InterRegion Outbound": 4,
    }
    # the API Request product is never kept, so it is neither a price nor a skip
    assert len(result.observations) == 5


def test_zero_price_is_a_free_allowance_not_a_price() -> None:
    transfer = _fixture("AWSDataTransfer_us-east-1.json")
    _add_product(transfer, "FREETIER", {"usagetype": "DataTransfer-Out-Bytes-Free"})
    dimensions = transfer["terms"]["OnDemand"]["FREETIER"]["FREETIER.JRTCKXETXF"]
    for rate in dimensions["priceDimensions"].values():
        rate["pricePerUnit"] = {"USD": "0.0000000000"}
    result = _parse(transfer, DT_URL)
    assert result.skipped == {"free allowance (zero price)": 4}
    assert len(result.observations) == 4


def test_a_band_running_backwards_is_a_problem() -> None:
    storage = _fixture("AmazonS3_us-east-1.json")
    term = storage["terms"]["OnDemand"][STANDARD][f"{STANDARD}.JRTCKXETXF"]
    (rate,) = term["priceDimensions"].values()
    rate["beginRange"], rate["endRange"] = "51200", "0"
    result = _parse(storage)
    assert result.observations == []
    assert [(p.text, p.reason) for p in result.problems] == [
        ("0.0230000000 [51200..0]", "not a volume band: 51200 to 0")
    ]


def test_other_classes_and_regions_are_kept_apart() -> None:
    storage = _fixture("AmazonS3_us-east-1.json")
    _add_product(
        storage,
        "DEEPARCHIVE",
        {"volumeType": "Glacier Deep Archive", "usagetype": "TimedStorage-GDA-ByteHrs"},
        beginRange="0",
        endRange="Inf",
    )
    _add_product(
        storage,
        "OHIO",
        {"regionCode": "", "location": "US East (Ohio)", "usagetype": "USE2-TimedStorage-ByteHrs"},
    )
    result = _parse(storage)
    assert result.problems == []
    # the copied price is the fixture's $0.023; only the keys are under test here
    assert sorted((o.tier, o.region) for o in result.observations) == [
        ("glacier-deep-archive", "us-east-1"),
        ("standard:first-50tb", "us-east-1"),
        ("standard:first-50tb", "us-east-2"),
    ]


def test_malformed_bodies_fail_loudly() -> None:
    body = (FIXTURES / "AmazonS3_us-east-1.json").read_bytes()
    with pytest.raises(ValueError, match="aws_s3_price_list: not a readable offer file"):
        SOURCE.parse(_page(body[: len(body) // 2]))
    with pytest.raises(ValueError, match="aws_s3_price_list: not a readable offer file"):
        SOURCE.parse(_page(b"<html><body>Service Unavailable</body></html>"))
    document = _fixture("AmazonS3_us-east-1.json")
    terms_first = {"terms": document["terms"], "products": document["products"]}
    with pytest.raises(ValueError, match="terms before products"):
        _parse(terms_first)


def test_fixture_prices_load_as_history(tmp_path: Path) -> None:
    pages = [
        _page((FIXTURES / "AmazonS3_us-east-1.json").read_bytes()),
        _page((FIXTURES / "AWSDataTransfer_us-east-1.json").read_bytes(), DT_URL),
    ]
    con = connect(tmp_path / "w.duckdb")
    try:
        _, report = load_pages(con, SOURCE, pages)
        (source_report,) = report.sources
        assert (source_report.rows_new, source_report.rows_quarantined) == (5, 0)
        rows = con.execute(
            "SELECT tier, price, valid_from FROM price_history "
            "WHERE source = 'aws_s3_price_list' ORDER BY price"
        ).fetchall()
        assert [(tier, price) for tier, price, _ in rows] == [
            ("standard:first-50tb", Decimal("0.023")),
            ("over-150tb", Decimal("0.05")),
            ("next-100tb", Decimal("0.07")),
            ("next-40tb", Decimal("0.085")),
            ("first-10tb", Decimal("0.09")),
        ]
        assert {valid_from for _, _, valid_from in rows} == {datetime(2026, 2, 1)}
    finally:
        con.close()
