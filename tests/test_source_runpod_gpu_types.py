"""RunPod's gpuTypes response: Secure Cloud list prices, Community Cloud tier, placeholders."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.runpod_gpu_types import QUERY, SOURCE, URL
from tests.compute_utils import one, page_of, prices, recorded_page, tiers


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("runpod_gpu_types", Leg.COMPUTE, (URL,))
    assert httpx.URL(URL).params["query"] == QUERY
    assert SOURCE.recordings[0].path == "pages/runpod/ewyluda_runpod.json"


def test_counts(result: ParseResult) -> None:
    assert len(result.observations) == 25
    assert result.problems == []
    assert result.skipped == {
        "accelerator not in catalog": 32,
        "not offered (price 0)": 4,
        "placeholder 0.5": 2,
    }
    assert tiers(result) == {"standard": 12, "community": 13}
    assert {o.component for o in result.observations} == {Component.GPU_HOUR}


def test_h100_secure_and_community(result: ParseResult) -> None:
    assert prices(result, accelerator="H100-SXM-80GB") == {
        ("NVIDIA H100 80GB HBM3", "standard"): Decimal("3.49"),
        ("NVIDIA H100 80GB HBM3", "community"): Decimal("2.69"),
    }
    sxm = one(result, sku="NVIDIA H100 80GB HBM3", tier="standard")
    assert (sxm.model, sxm.published_text) == ("H100 SXM", "3.49")
    assert one(result, sku="NVIDIA H100 PCIe", tier="standard").accelerator == "H100-PCIe-80GB"
    assert one(result, sku="NVIDIA H100 NVL", tier="community").price == Decimal("2.59")


def test_zero_and_placeholder_prices_are_not_prices(result: ParseResult) -> None:
    # A100 SXM 40GB: securePrice 0 (not offered), communityPrice 1.
    assert prices(result, sku="NVIDIA A100-SXM4-40GB") == {
        ("NVIDIA A100-SXM4-40GB", "community"): Decimal("1")
    }
    # MI300X community 0.5 and H200 NVL community 0.5 are RunPod placeholders.
    assert prices(result, accelerator="MI300X") == {
        ("AMD Instinct MI300X OAM", "standard"): Decimal("2.39")
    }
    assert prices(result, accelerator="H200-NVL-141GB") == {
        ("NVIDIA H200 NVL", "standard"): Decimal("3.79")
    }
    v100 = one(result, sku="Tesla V100-SXM2-16GB")
    assert (v100.accelerator, v100.tier, v100.price) == (
        "V100-SXM2-16GB",
        "community",
        Decimal("0.23"),
    )


def test_graphql_errors_fail_the_page() -> None:
    body = json.dumps({"errors": [{"message": "rate limited"}]}).encode()
    with pytest.raises(ValueError, match="rate limited"):
        SOURCE.parse(page_of(SOURCE, body))
