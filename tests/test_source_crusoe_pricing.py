"""Crusoe's pricing page (saved copy): per GPU-hour on-demand prices."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.crusoe_pricing import SOURCE, URL
from tests.compute_utils import one, page_of, prices, recorded_page


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("crusoe_pricing", Leg.COMPUTE, (URL,))
    assert SOURCE.recordings[0].path == "pages/crusoe/ewyluda_crusoe.html"


def test_on_demand_gpu_prices(result: ParseResult) -> None:
    assert prices(result) == {
        ("NVIDIA H200 141GB HGX", "standard"): Decimal("4.29"),
        ("NVIDIA H100 80GB HGX", "standard"): Decimal("3.9"),
        ("NVIDIA A100 80GB SXM", "standard"): Decimal("2.3"),
        ("NVIDIA A100 80GB PCIe", "standard"): Decimal("2"),
        ("NVIDIA L40S 48GB", "standard"): Decimal("1.5"),
        ("AMD MI300X 192GB", "standard"): Decimal("3.45"),
    }
    assert result.problems == []
    # 9 GPUs x 2 columns: 6 on-demand prices; the other 10 cells say "Contact sales"
    # (every spot cell, and GB200 / B200 on-demand); MI355X is outside the catalog.
    assert result.skipped == {
        "no price stated (contact sales, N/A)": 10,
        "accelerator not in catalog": 1,
    }


def test_per_gpu_hour_and_form_factors(result: ParseResult) -> None:
    h100 = one(result, sku="NVIDIA H100 80GB HGX")
    assert (h100.component, h100.accelerator, h100.accelerator_count) == (
        Component.GPU_HOUR,
        "H100-SXM-80GB",
        None,
    )
    assert h100.published_text == "$3.90/GPU-hr"
    assert one(result, sku="NVIDIA A100 80GB SXM").accelerator == "A100-SXM-80GB"
    assert one(result, sku="NVIDIA A100 80GB PCIe").accelerator == "A100-PCIe-80GB"
    # The "Self-Serve Deployments" H100 at $5.50 is a managed deployment, not read.
    assert all(o.price != Decimal("5.5") for o in result.observations)


def test_missing_section_fails_loudly() -> None:
    with pytest.raises(ValueError, match="GPU instances pricing"):
        SOURCE.parse(page_of(SOURCE, b"<html><body></body></html>"))
