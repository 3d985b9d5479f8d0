"""The shared page collector and the exact-JSON helpers every parser builds on."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage
from schemas.units import PER_TOKEN, normalize
from scrapers.collect import PageCollector, round_to_stored_scale
from scrapers.json_numbers import JsonNumber, loads_exact, published_text

URL = "https://example.test/prices.json"
FETCHED_AT = datetime(2026, 8, 18, 20, 1, 54, tzinfo=UTC)


@pytest.fixture
def page() -> FetchedPage:
    return FetchedPage(
        source="example", url=URL, status=200, body=b"{}", fetched_at=FETCHED_AT, replayed=True
    )


@pytest.fixture
def out(page: FetchedPage) -> PageCollector:
    return PageCollector(page, source="example", leg=Leg.LLM, parser_version="7")


def _price(out: PageCollector, price: str, where: str, **overrides: Any) -> object:
    fields: dict[str, Any] = {
        "provider": "acme",
        "sku": "acme-1",
        "model": "Acme 1",
        "component": Component.INPUT,
        "tier": "standard",
        "region": "global",
        "currency": Currency.USD,
        "price": Decimal(price),
        "published_text": price,
        "published_unit": "per 1M tokens",
        "where": where,
    }
    fields.update(overrides)
    return out.price(**fields)


def test_price_builds_observation_with_page_provenance(
    out: PageCollector, page: FetchedPage
) -> None:
    kept = _price(out, "2.5", "acme-1.input")
    assert out.result.observations == [kept]
    obs = out.result.observations[0]
    assert obs.source == "example"
    assert obs.leg is Leg.LLM
    assert obs.unit is CanonicalUnit.PER_1M_TOKENS
    assert obs.price == Decimal("2.5")
    assert obs.observed_at == FETCHED_AT
    assert obs.effective_date is None
    assert obs.source_url == URL
    assert obs.page_hash == page.sha256
    assert obs.parser_version == "7"
    assert not out.result.problems


def test_duplicate_with_same_price_is_dropped_silently(out: PageCollector) -> None:
    _price(out, "2.5", "acme-1.input")
    assert _price(out, "2.50", "acme-1.input_alias") is None
    assert len(out.result.observations) == 1
    assert not out.result.problems


def test_duplicate_with_different_price_is_a_problem_naming_both_places(
    out: PageCollector,
) -> None:
    _price(out, "2.5", "acme-1.input")
    assert _price(out, "3", "acme-1.input_alias") is None
    assert [o.price for o in out.result.observations] == [Decimal("2.5")]
    [problem] = out.result.problems
    assert problem.where == "acme-1.input_alias"
    assert "acme-1.input" in problem.reason and "kept 2.5" in problem.reason
    assert problem.text == "3"
    assert problem.source == "example" and problem.url == URL


def test_key_includes_tier_region_and_currency(out: PageCollector) -> None:
    _price(out, "2.5", "a")
    _price(out, "3", "b", tier="priority")
    _price(out, "3", "c", region="eu")
    _price(out, "18", "d", currency=Currency.CNY)
    assert len(out.result.observations) == 4
    assert not out.result.problems


def test_validation_error_becomes_a_problem_not_an_exception(out: PageCollector) -> None:
    assert _price(out, "0.0000000000001", "acme-1.input") is None  # 13 decimals
    assert _price(out, "1", "acme-1.output", sku="", component=Component.OUTPUT) is None
    assert not out.result.observations
    assert [p.where for p in out.result.problems] == ["acme-1.input", "acme-1.output"]
    assert "decimals" in out.result.problems[0].reason


def test_problem_and_skip(out: PageCollector) -> None:
    out.problem(JsonNumber("1.25e-05"), "looks odd", "x.y")
    out.skip("free variant")
    out.skip("free variant")
    assert out.result.problems[0].text == "1.25e-05"
    assert out.result.skipped["free variant"] == 2


def test_rounding_a_repeating_per_token_price_to_the_stored_scale() -> None:
    per_1m = normalize(Decimal("0.0000000833333333333333"), PER_TOKEN)
    assert per_1m == Decimal("0.0833333333333333")
    assert round_to_stored_scale(per_1m) == Decimal("0.083333333333")
    assert str(round_to_stored_scale(per_1m)) == "0.083333333333"


@pytest.mark.parametrize(
    ("price", "stored"),
    [
        ("2.500", "2.5"),
        ("1E+1", "10"),
        ("-0", "0"),
        ("0.0000000000005", "0"),  # half-even: 5e-13 -> 0
        ("0.0000000000015", "0.000000000002"),
        ("12345678901234567.0000000000004", "12345678901234567"),
    ],
)
def test_round_to_stored_scale_tidies(price: str, stored: str) -> None:
    rounded = round_to_stored_scale(Decimal(price))
    assert rounded.as_tuple() == Decimal(stored).as_tuple()  # same value, same form


def test_loads_exact_keeps_number_text() -> None:
    document = loads_exact('{"a": 1.25e-05, "b": 0.0000025, "c": 3}')
    assert isinstance(document["a"], JsonNumber)
    assert document["a"] == Decimal("0.0000125")
    assert published_text(document["a"]) == "1.25e-05"
    assert published_text(document["b"]) == "0.0000025"
    assert published_text(document["c"]) == "3"
    assert published_text("0.5") == "0.5"
