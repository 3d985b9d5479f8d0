"""Oracle's price list API (trimmed recording): GPU-hour parts only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.oracle_price_list import SOURCE, URL
from tests.compute_utils import page_of, prices, recorded_page


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("oracle_price_list", Leg.COMPUTE, (URL,))
    assert SOURCE.recordings[0].path == "pages/oracle/ewyluda_oracle.json"


def test_gpu_hour_parts(result: ParseResult) -> None:
    assert {(o.sku, o.accelerator, o.price) for o in result.observations} == {
        ("B98415", "H100-SXM-80GB", Decimal("10")),
        ("B110519", "H200-SXM-141GB", Decimal("10")),
        ("B110978", "B200", Decimal("14")),
        ("B110979", "GB200", Decimal("16")),
        ("B95907", "A100-SXM-80GB", Decimal("4")),
        ("B95909", "A10", Decimal("2")),
        ("B109479", "L40S", Decimal("3.5")),
        ("B109485", "MI300X", Decimal("6")),
    }
    assert {o.component for o in result.observations} == {Component.GPU_HOUR}
    assert prices(result, sku="B98415") == {("B98415", "standard"): Decimal("10")}


def test_what_is_not_read(result: ParseResult) -> None:
    assert result.skipped == {
        "metric not tracked": 5,  # VMware node-hours, Roving Edge and C@C possession per day
        "Cloud@Customer part": 3,
        "part names no GPU": 5,  # X7, V2, E3, E4 shapes
        "accelerator not in catalog": 4,  # B300, GB300, MI355X, RTX PRO 6000
    }
    (problem,) = result.problems
    assert (problem.where, problem.text) == ("B109480", "H100T")


def test_wrong_shape() -> None:
    with pytest.raises(ValueError, match="'items' list"):
        SOURCE.parse(page_of(SOURCE, b'{"products": []}'))
