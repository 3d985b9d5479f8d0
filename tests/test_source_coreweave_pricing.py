"""CoreWeave's pricing page (saved copy) through its parser: per region, per tier, per GPU."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.coreweave_pricing import SOURCE, URL
from tests.compute_utils import one, page_of, recorded_page, tiers


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("coreweave_pricing", Leg.COMPUTE, (URL,))
    assert URL == "https://www.coreweave.com/pricing"
    assert SOURCE.recordings[0].path == "pages/coreweave/ewyluda_coreweave.html"


def test_counts(result: ParseResult) -> None:
    assert len(result.observations) == 34
    assert result.problems == []
    # GB300, B300 and two RTX PRO 6000 rows in each of the two regions.
    assert result.skipped["accelerator not in catalog"] == 8
    assert tiers(result) == {"standard": 16, "spot": 10, "inference-single-gpu": 8}
    assert {o.region for o in result.observations} == {"north-america", "europe"}


def test_hgx_h100_north_america(result: ParseResult) -> None:
    on_demand = one(result, sku="hgx-h100", region="north-america", tier="standard")
    assert on_demand.price == Decimal("49.24")
    assert on_demand.published_text == "$49.24"
    assert on_demand.component is Component.INSTANCE_HOUR
    assert (on_demand.accelerator, on_demand.accelerator_count) == ("H100-SXM-80GB", 8)
    assert one(result, sku="hgx-h100", region="north-america", tier="spot").price == Decimal(
        "19.71"
    )
    single = one(result, sku="hgx-h100", tier="inference-single-gpu")
    assert (single.price, single.component) == (Decimal("6.16"), Component.GPU_HOUR)


def test_europe_has_its_own_spot_prices_and_no_inference_column(result: ParseResult) -> None:
    assert one(result, sku="hgx-h100", region="europe", tier="spot").price == Decimal("19.51")
    assert one(result, sku="nvidia-b200", region="europe", tier="spot").price == Decimal("34.87")
    europe = [o for o in result.observations if o.region == "europe"]
    assert len(europe) == 12
    assert all(o.tier != "inference-single-gpu" for o in europe)


def test_other_gpus(result: ParseResult) -> None:
    gb200 = one(result, sku="nvidia-gb200-nvl72", region="north-america", tier="standard")
    assert (gb200.price, gb200.accelerator, gb200.accelerator_count) == (
        Decimal("42"),
        "GB200",
        4,
    )
    a100 = one(result, sku="nvidia-a100", region="north-america", tier="standard")
    assert (a100.price, a100.accelerator) == (Decimal("21.6"), "A100-SXM-80GB")
    gh200 = one(result, sku="nvidia-gh200", region="europe", tier="standard")
    assert (gh200.price, gh200.accelerator_count) == (Decimal("6.5"), 1)
    assert one(result, sku="nvidia-l40s", region="north-america", tier="spot").price == Decimal(
        "7.88"
    )


def test_a_page_without_gpu_tables_fails_loudly() -> None:
    with pytest.raises(ValueError, match="no GPU pricing table"):
        SOURCE.parse(page_of(SOURCE, b"<html><body><h1>Pricing</h1></body></html>"))


def test_a_renamed_price_column_is_reported_not_dropped(shared_data: Path) -> None:
    # The real page with its "Spot Price (Per Hour)" header (4 region tables) renamed in place.
    page = recorded_page(shared_data, SOURCE)
    assert page.body.count(b"Spot Price (Per Hour)") == 4
    body = page.body.replace(b"Spot Price (Per Hour)", b"Preemptible (Per Hour)")
    result = SOURCE.parse(page.model_copy(update={"body": body}))
    assert {(p.text, p.reason) for p in result.problems} == {
        ("Preemptible (Per Hour)", "column header not understood: its prices are not read")
    }
    # The two region tables that price spot (10 spot prices on the page as recorded).
    assert sorted(p.where for p in result.problems) == ["europe", "north-america"]
    assert not [o for o in result.observations if o.tier == "spot"]
