"""Vast.ai marketplace offers summarized into min and median prices per machine shape."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.vast_offers import SOURCE, search_url
from tests.compute_utils import one, page_of, prices, recorded_page, tiers


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert SOURCE.name == "vast_offers"
    assert SOURCE.leg is Leg.COMPUTE
    assert len(SOURCE.urls) == 10
    query = json.loads(httpx.URL(search_url("H100 SXM")).params["q"])
    assert query == {
        "rentable": {"eq": True},
        "type": "on-demand",
        "gpu_name": {"eq": "H100 SXM"},
        "limit": 1000,
    }
    assert SOURCE.recordings[0].path == "pages/vast/ewyluda_vast.json"


def test_counts(result: ParseResult) -> None:
    # 138 offers in 36 (GPU name, accelerator, GPU count) groups, two prices each.
    assert len(result.observations) == 72
    assert result.problems == []
    assert not result.skipped
    assert tiers(result) == {"marketplace-min": 36, "marketplace-median": 36}
    assert "standard" not in tiers(result)
    assert {o.component for o in result.observations} == {Component.INSTANCE_HOUR}


def test_h100_sxm_single_gpu(result: ParseResult) -> None:
    assert prices(result, sku="H100 SXM 80GB x1") == {
        ("H100 SXM 80GB x1", "marketplace-min"): Decimal("2.099644444444"),
        ("H100 SXM 80GB x1", "marketplace-median"): Decimal("3.138666666667"),
    }
    low = one(result, sku="H100 SXM 80GB x1", tier="marketplace-min")
    assert low.published_text == "2.099644444444444"
    assert "lowest of 8 offers" in low.published_unit
    assert (low.accelerator, low.accelerator_count) == ("H100-SXM-80GB", 1)


def test_a100_sizes_are_told_apart_by_memory(result: ParseResult) -> None:
    forty = one(result, sku="A100 SXM4 40GB x1", tier="marketplace-min")
    assert (forty.accelerator, forty.price) == ("A100-SXM-40GB", Decimal("0.296296296296"))
    assert "of 15 offers" in forty.published_unit  # 14 at 40960 MiB + 1 at 39936 MiB
    eighty = one(result, sku="A100 SXM4 80GB x8", tier="marketplace-min")
    assert (eighty.accelerator, eighty.accelerator_count) == ("A100-SXM-80GB", 8)
    assert one(result, sku="H200 141GB x8", tier="marketplace-median").accelerator == (
        "H200-SXM-141GB"
    )


def test_the_api_envelope_and_bad_offers() -> None:
    body = {
        "offers": [
            {"gpu_name": "L40S", "gpu_ram": 46068, "num_gpus": 2, "dph_total": 1.5},
            {"gpu_name": "L40S", "gpu_ram": 46068, "num_gpus": 2, "dph_total": 1.2},
            {"gpu_name": "L40S", "gpu_ram": 46068, "num_gpus": 2, "dph_total": 1.9},
            {"gpu_name": "L40S", "gpu_ram": 46068, "num_gpus": 0, "dph_total": 1.9},
            {"gpu_name": "RTX 4090", "gpu_ram": 24564, "num_gpus": 1, "dph_total": 0.3},
            {"gpu_name": "H100", "gpu_ram": 81559, "num_gpus": 1, "dph_total": 2},
        ]
    }
    result = SOURCE.parse(page_of(SOURCE, json.dumps(body).encode()))
    assert prices(result) == {
        ("L40S 48GB x2", "marketplace-min"): Decimal("1.2"),
        ("L40S 48GB x2", "marketplace-median"): Decimal("1.5"),
    }
    assert result.skipped == {"accelerator not in catalog": 1}
    assert sorted(p.reason for p in result.problems) == [
        "accelerator not mapped to a catalog id (ambiguous or unknown)",
        "num_gpus is not a positive whole number",
    ]
