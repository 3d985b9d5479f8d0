"""Hyperstack's GPU pricing page (saved copy): on-demand, reservation and spot per GPU-hour."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.hyperstack_pricing import SOURCE, URL
from tests.compute_utils import one, page_of, prices, recorded_page, tiers


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("hyperstack_pricing", Leg.COMPUTE, (URL,))
    assert SOURCE.recordings[0].path == "pages/hyperstack/ewyluda_hyperstack.html"


def test_counts(result: ParseResult) -> None:
    assert len(result.observations) == 21
    assert result.problems == []
    # RTX Pro 6000 SE, A6000 (x3 cards each), A4000 (x2) and B300 (on-demand only).
    assert result.skipped == {"accelerator not in catalog": 9}
    assert tiers(result) == {"standard": 9, "reserved": 9, "spot": 3}
    assert {o.component for o in result.observations} == {Component.GPU_HOUR}


def test_h100_variants(result: ParseResult) -> None:
    assert prices(result, tier="standard", accelerator="H100-SXM-80GB") == {
        ("NVIDIA H100 SXM", "standard"): Decimal("3.2")
    }
    assert prices(result, tier="standard", accelerator="H100-PCIe-80GB") == {
        ("NVIDIA H100 NVLink", "standard"): Decimal("2.6"),
        ("NVIDIA H100", "standard"): Decimal("2.5"),
    }
    assert one(result, sku="NVIDIA H100 SXM", tier="reserved").price == Decimal("2.72")
    spot = one(result, sku="NVIDIA H100 PCIe", tier="spot")
    assert (spot.price, spot.accelerator) == (Decimal("2"), "H100-PCIe-80GB")


def test_nbsp_cells_and_other_gpus(result: ParseResult) -> None:
    nvlink = one(result, sku="NVIDIA A100 NVLink", tier="standard")
    assert (nvlink.price, nvlink.published_text) == (Decimal("1.4"), "$1.40")
    assert one(result, sku="NVIDIA A100", tier="spot").price == Decimal("1.08")
    assert one(result, sku="NVIDIA A100 SXM", tier="standard").accelerator == "A100-SXM-80GB"
    assert one(result, sku="NVIDIA B200", tier="reserved").price == Decimal("5.1")
    assert one(result, sku="NVIDIA H200 SXM", tier="standard").price == Decimal("3.99")
    assert one(result, sku="NVIDIA L40", tier="spot").price == Decimal("0.8")


def test_missing_on_demand_card_fails_loudly() -> None:
    with pytest.raises(ValueError, match="On-Demand GPU Pricing"):
        SOURCE.parse(page_of(SOURCE, b"<html><body></body></html>"))


def test_a_renamed_gpu_card_is_reported_not_dropped(shared_data: Path) -> None:
    # The real page with its "Spot VM Pricing" card renamed in place.
    page = recorded_page(shared_data, SOURCE)
    old = b"<h3><span>Spot VM</span> Pricing</h3>"
    assert page.body.count(old) == 1
    body = page.body.replace(old, b"<h3><span>Preemptible</span> Pricing</h3>")
    result = SOURCE.parse(page.model_copy(update={"body": body}))
    assert [(p.text, p.reason) for p in result.problems] == [
        ("Preemptible Pricing", "card title not understood: its GPU prices are not read")
    ]
    assert not [o for o in result.observations if o.tier == "spot"]
