"""Google Cloud's accelerator-optimized pricing tables (the recorded excerpt)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.gcp_gpu_pricing import SOURCE, URL
from tests.compute_utils import one, page_of, prices, recorded_page, tiers


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("gcp_gpu_pricing", Leg.COMPUTE, (URL,))
    assert SOURCE.recordings[0].path == "pages/gcp/ewyluda_gcp.html"


def test_counts_and_the_one_broken_cell(result: ParseResult) -> None:
    assert len(result.observations) == 108
    (problem,) = result.problems
    assert (problem.text, problem.where) == (
        "g2-standard-24-spot",
        "g2-standard-24/Current Spot pricing (USD)",
    )
    assert result.skipped == {
        "no price stated (contact sales, N/A)": 33,
        "accelerator not in catalog": 7,  # the seven G4 (RTX PRO 6000) machine types
    }
    assert tiers(result) == {
        "standard": 20,
        "spot": 20,
        "cud-1y": 18,
        "cud-3y": 18,
        "dws-flex-start": 12,
        "flex-cud-1y": 8,
        "flex-cud-3y": 8,
        "dws-calendar": 4,
    }


def test_a3_high_every_tier(result: ParseResult) -> None:
    assert prices(result, sku="a3-highgpu-8g") == {
        ("a3-highgpu-8g", "standard"): Decimal("88.490000119"),
        ("a3-highgpu-8g", "dws-flex-start"): Decimal("38.32"),
        ("a3-highgpu-8g", "dws-calendar"): Decimal("41.6"),
        ("a3-highgpu-8g", "spot"): Decimal("52.962296548"),
        ("a3-highgpu-8g", "cud-1y"): Decimal("61.383674231"),
        ("a3-highgpu-8g", "cud-3y"): Decimal("38.864383195"),
    }
    a3 = one(result, sku="a3-highgpu-8g", tier="standard")
    assert (a3.component, a3.accelerator, a3.accelerator_count, a3.region) == (
        Component.INSTANCE_HOUR,
        "H100-SXM-80GB",
        8,
        "us-central1",
    )


def test_machine_series_decide_the_accelerator(result: ParseResult) -> None:
    assert one(result, sku="a3-ultragpu-8g", tier="standard").accelerator == "H200-SXM-141GB"
    assert one(result, sku="a2-ultragpu-1g", tier="standard").accelerator == "A100-SXM-80GB"
    mega = one(result, sku="a2-megagpu-16g", tier="standard")
    assert (mega.accelerator, mega.accelerator_count, mega.price) == (
        "A100-SXM-40GB",
        16,
        Decimal("55.739504"),
    )
    l4 = one(result, sku="g2-standard-96", tier="standard")
    assert (l4.accelerator, l4.accelerator_count, l4.price) == ("L4", 8, Decimal("8.003330784"))
    # a4-highgpu-8g (B200) has no on-demand price ("N/A"), only the other tiers.
    assert {o.tier for o in result.observations if o.sku == "a4-highgpu-8g"} == {
        "dws-flex-start",
        "dws-calendar",
        "spot",
        "cud-1y",
        "cud-3y",
    }


def test_a_space_inside_a_number_is_read_and_kept_as_published(result: ParseResult) -> None:
    flex = one(result, sku="a2-highgpu-1g", tier="dws-flex-start")
    assert (flex.price, flex.published_text) == (Decimal("2"), "$2 .0000/ 1 hour")
    assert one(result, sku="a3-ultragpu-8g", tier="dws-flex-start").price == Decimal("42.4")


def test_no_machine_type_table_fails_loudly() -> None:
    with pytest.raises(ValueError, match="Machine type"):
        SOURCE.parse(page_of(SOURCE, b"<html><body><table><tr><td>x</td></tr></table>"))


def test_a_renamed_price_column_is_reported_not_dropped(shared_data: Path) -> None:
    # The real page with its "Current Spot pricing (USD)" headers renamed in place.
    page = recorded_page(shared_data, SOURCE)
    assert page.body.count(b"Current Spot pricing (USD)") == 2
    body = page.body.replace(b"Current Spot pricing (USD)", b"Spot VM price (USD)")
    result = SOURCE.parse(page.model_copy(update={"body": body}))
    assert [(p.text, p.reason) for p in result.problems] == [
        ("Spot VM price (USD)", "column header not understood: its prices are not read")
    ] * 2
    assert not [o for o in result.observations if o.tier == "spot"]
