"""Denvr prices from becloudready/gpu-price's scrape: per GPU-hour with the node's count."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Leg
from scrapers.base import ParseResult
from scrapers.sources.denvr_pricing import SOURCE, URL
from tests.compute_utils import recorded_page


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("denvr_pricing", Leg.COMPUTE, (URL,))


def test_prices(result: ParseResult) -> None:
    assert {(o.sku, o.accelerator, o.accelerator_count, o.price) for o in result.observations} == {
        ("NVIDIA A100 PCIe 40GB x4", "A100-PCIe-40GB", 4, Decimal("1.15")),
        ("NVIDIA A100 SXM 80GB x8", "A100-SXM-80GB", 8, Decimal("1.3")),
        ("NVIDIA A100 SXM 40GB x8", "A100-SXM-40GB", 8, Decimal("1.15")),
        ("NVIDIA GH200 96GB x1", "GH200", 1, Decimal("3.87")),
        ("NVIDIA H100 SXM 80GB x8", "H100-SXM-80GB", 8, Decimal("2.1")),
    }
    assert result.problems == []
    assert result.skipped == {
        "no price stated (contact sales, N/A)": 5,  # MI300X, Gaudi 3, B200, GB200, H200
        "accelerator not in catalog": 2,  # Gaudi 2, A40
    }
