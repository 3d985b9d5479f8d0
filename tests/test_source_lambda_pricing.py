"""Lambda prices from becloudready/gpu-price's scrape: per GPU-hour, headings skipped."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.lambda_pricing import SOURCE, URL
from tests.compute_utils import one, recorded_page


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("lambda_pricing", Leg.COMPUTE, (URL,))
    assert SOURCE.recordings[0].path == "pages/lambda/becloudready_lambda_gpu_prices.json"


def test_counts(result: ParseResult) -> None:
    assert len(result.observations) == 17
    assert result.skipped == {"section heading": 6, "accelerator not in catalog": 4}
    (problem,) = result.problems  # "NVIDIA Tesla V100" names no form factor
    assert problem.text == "NVIDIA Tesla V100 16GB"
    assert {o.component for o in result.observations} == {Component.GPU_HOUR}


def test_prices_per_instance_size(result: ParseResult) -> None:
    h100 = {o.sku: o.price for o in result.observations if o.accelerator == "H100-SXM-80GB"}
    assert h100 == {
        "NVIDIA H100 SXM 80GB / 208 vCPUs": Decimal("2.99"),
        "NVIDIA H100 SXM 80GB / 104 vCPUs": Decimal("3.09"),
        "NVIDIA H100 SXM 80GB / 52 vCPUs": Decimal("3.19"),
        "NVIDIA H100 SXM 80GB / 26 vCPUs": Decimal("3.29"),
    }
    assert one(result, sku="NVIDIA B200 SXM6 180GB / 208 vCPUs").price == Decimal("4.99")
    assert one(result, sku="NVIDIA GH200 96GB / 64 vCPUs").accelerator == "GH200"
    a100 = one(result, sku="NVIDIA A100 PCIe 40GB / 120 vCPUs")
    assert (a100.accelerator, a100.price) == ("A100-PCIe-40GB", Decimal("1.29"))
