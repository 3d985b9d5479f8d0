"""GPU price history datasets on their recordings: AWS p5 tracker, merged history, monthly rental
series and the daily gpuhunt offer log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from schemas.enums import Component, Leg
from scrapers.backfill import aws_p5_tracker, gpu_price_history, gpu_rental_monthly, gpuhunt_offers
from tests.backfill_utils import parse_dataset, points


@pytest.fixture(scope="module")
def parsed(shared_data):
    return {
        d.name: parse_dataset(shared_data, d)[1]
        for d in (
            aws_p5_tracker.DATASET,
            gpu_price_history.DATASET,
            gpu_rental_monthly.DATASET,
            gpuhunt_offers.DATASET,
        )
    }


def test_counts(parsed) -> None:
    assert {name: len(r.observations) for name, r in parsed.items()} == {
        "aws_p5_tracker": 4,
        "gpu_price_history": 266,
        "gpu_rental_monthly": 449,
        "gpuhunt_offers": 2070,
    }
    assert all(r.problems == [] for r in parsed.values())
    assert all(o.leg is Leg.COMPUTE for r in parsed.values() for o in r.observations)


def test_aws_p5_price_cut(parsed) -> None:
    result = parsed["aws_p5_tracker"]
    assert [(str(o.observed_at.date()), str(o.price)) for o in result.observations] == [
        ("2025-04-23", "98.32"),
        ("2025-06-04", "98.32"),
        ("2025-06-05", "55.04"),
        ("2026-01-27", "55.04"),
    ]
    first = result.observations[0]
    assert (first.provider, first.sku, first.region) == ("aws", "p5.48xlarge", "us-east-1")
    assert first.component is Component.INSTANCE_HOUR
    assert (first.accelerator, first.accelerator_count) == ("H100-SXM-80GB", 8)


def test_merged_history_maps_aws_instances_and_keeps_bare_names(parsed) -> None:
    result = parsed["gpu_price_history"]
    aws = {
        (o.sku, o.accelerator, o.accelerator_count)
        for o in result.observations
        if o.provider == "aws"
    }
    assert ("p5.48xlarge", "H100-SXM-80GB", 8) in aws
    assert ("p4d.24xlarge", "A100-SXM-40GB", 8) in aws
    assert ("p5en.48xlarge", "H200-SXM-141GB", 8) in aws
    assert ("p6-b300.48xlarge", None, 8) in aws  # B300 is not in the accelerator catalog
    # restated per-GPU votes: a bare "H100" does not say SXM or PCIe, so no catalog id
    lambda_h100 = [o for o in result.observations if o.provider == "lambda" and o.sku == "H100"]
    assert {(o.tier, o.component, o.accelerator) for o in lambda_h100} == {
        ("restated", Component.GPU_HOUR, None)
    }
    assert (str(lambda_h100[0].observed_at.date()), lambda_h100[0].price) == (
        "2023-05-01",
        Decimal("2.996"),
    )
    assert points(result, "p5.48xlarge", "instance_hour")[2] == (
        "2025-06-05",
        "2025-06-05T00:00:00+00:00",
        "55.04",
    )


def test_monthly_series(parsed) -> None:
    result = parsed["gpu_rental_monthly"]
    assert result.skipped == {"index value withheld (fewer than 3 providers)": 18}
    assert points(result, "GIX-H100", "gpu_hour", "restated-index")[0] == (
        "2023-09-01",
        "2023-09-01T00:00:00+00:00",
        "3.3775",
    )
    assert points(result, "GIX-H100", "gpu_hour", "median")[0][2] == "2.4"  # 2023-05, withheld
    assert points(result, "GIX-H100", "gpu_hour", "restated-index")[-1][:1] == ("2026-09-01",)
    assert {(o.sku, o.accelerator) for o in result.observations} == {
        ("GIX-A100", None),
        ("GIX-H100", None),
        ("GIX-H200", None),
        ("GIX-B200", "B200"),
    }


def test_gpuhunt_offers(parsed) -> None:
    result = parsed["gpuhunt_offers"]
    assert result.skipped == {
        "superseded by a later commit the same day": 2,
        "no offers listed that day": 53,
    }
    vast = [
        (str(o.observed_at.date()), o.tier, str(o.price))
        for o in result.observations
        if o.provider == "vastai" and o.sku == "H100"
    ][:2]
    # two commits on 2024-09-24: the later one (1.33 / 4.585) is the day's state
    assert vast == [("2024-09-24", "offers-min", "1.33"), ("2024-09-24", "offers-median", "4.585")]
    assert {o.region for o in result.observations} == {"all"}
    assert {o.accelerator_count for o in result.observations} == {None}
