"""Nebius's price page (saved copy): dated on-demand prices and preemptible prices."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from schemas.enums import Component, Leg
from scrapers.base import ParseResult
from scrapers.sources.nebius_pricing import SOURCE, URL
from tests.compute_utils import one, prices, recorded_page


@pytest.fixture(scope="module")
def result(shared_data: Path) -> ParseResult:
    return SOURCE.parse(recorded_page(shared_data, SOURCE))


def test_source_definition() -> None:
    assert (SOURCE.name, SOURCE.leg, SOURCE.urls) == ("nebius_pricing", Leg.COMPUTE, (URL,))
    assert SOURCE.recordings[0].path == "pages/nebius/ewyluda_nebius.html"


def test_counts(result: ParseResult) -> None:
    assert len(result.observations) == 10
    assert result.problems == []
    assert result.skipped == {
        "accelerator not in catalog": 5,  # B300 and RTX PRO 6000 (x2 tables), GB300
        "superseded by the announced price": 6,
        "no price stated (contact sales, N/A)": 1,  # GB200 NVL72 "Contact us"
    }


def test_announced_prices_in_force_at_capture(result: ParseResult) -> None:
    # Captured (approximately) 2026-10-04, after "Effective October 1, 2026": the new column.
    h100 = one(result, sku="NVIDIA HGX H100", tier="standard")
    assert (h100.price, h100.effective_date) == (Decimal("4.5"), date(2026, 10, 1))
    assert (h100.component, h100.accelerator) == (Component.GPU_HOUR, "H100-SXM-80GB")
    assert prices(result, tier="standard") == {
        ("NVIDIA HGX B200", "standard"): Decimal("8.5"),
        ("NVIDIA HGX H200", "standard"): Decimal("5.4"),
        ("NVIDIA HGX H100", "standard"): Decimal("4.5"),
        ("NVIDIA L40S with Intel CPU", "standard"): Decimal("1.55"),
        ("NVIDIA L40S with AMD CPU", "standard"): Decimal("1.82"),
    }


def test_preemptible_from_prices_keep_their_text(result: ParseResult) -> None:
    spot = one(result, sku="NVIDIA L40S with Intel CPU", tier="preemptible")
    assert (spot.price, spot.published_text) == (Decimal("0.74"), "from $0.74**")
    assert one(result, sku="NVIDIA HGX H100", tier="preemptible").price == Decimal("0.79")


def test_observed_before_the_announced_date_both_prices_are_kept(shared_data: Path) -> None:
    page = recorded_page(shared_data, SOURCE).model_copy(
        update={"fetched_at": datetime(2026, 9, 20, tzinfo=UTC)}
    )
    result = SOURCE.parse(page)
    h100 = sorted(
        (o.effective_date or date.min, o.price)
        for o in result.observations
        if o.sku == "NVIDIA HGX H100" and o.tier == "standard"
    )
    assert h100 == [(date.min, Decimal("3.85")), (date(2026, 10, 1), Decimal("4.5"))]
    assert "superseded by the announced price" not in result.skipped


@pytest.mark.parametrize(
    ("header", "read_as_preemptible"),
    [("Preemptible, GPU-hour", True), ("Reserved, GPU-hour", False), ("Spot rate", False)],
)
def test_a_renamed_price_column_is_read_or_reported_never_dropped(
    shared_data: Path, header: str, read_as_preemptible: bool
) -> None:
    # The real page with its "Spot price, GPU-hour*" header renamed in place.
    page = recorded_page(shared_data, SOURCE)
    assert page.body.count(b"Spot price, GPU-hour*") == 1
    renamed = page.model_copy(
        update={"body": page.body.replace(b"Spot price, GPU-hour*", header.encode())}
    )
    result = SOURCE.parse(renamed)
    preemptible = prices(result, tier="preemptible")
    if read_as_preemptible:
        assert result.problems == []
        assert preemptible[("NVIDIA HGX H100", "preemptible")] == Decimal("0.79")
    else:
        assert preemptible == {}
        (problem,) = result.problems
        assert (problem.text, problem.reason) == (
            header,
            "column header not understood: its prices are not read",
        )
