"""Cloudflare R2 list prices on a fixture copied verbatim from the pricing page's docs source.

No recording of R2's pricing page exists in the shared data folder; the fixture
(tests/fixtures/r2/pricing.mdx) says in its first lines where it was copied from (cloudflare-docs
at commit 07ec87d4, read on 2026-11-28).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import FetchedPage
from scrapers.base import ParseResult
from scrapers.registry import all_sources
from scrapers.sources.r2_pricing import SOURCE, URL, storage_class_tier
from tests.conftest import PROJECT_ROOT
from tests.source_utils import page_of

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "r2" / "pricing.mdx"
READ_AT = datetime(2026, 11, 28, tzinfo=UTC)


def _page(text: str) -> FetchedPage:
    return page_of(SOURCE, URL, text.encode(), READ_AT, "text/plain; charset=utf-8")


@pytest.fixture(scope="module")
def text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def result(text: str) -> ParseResult:
    return SOURCE.parse(_page(text))


def test_source_definition(text: str) -> None:
    assert all_sources()["r2_pricing"] is SOURCE
    assert SOURCE.leg is Leg.DATA
    assert SOURCE.urls == (
        "https://raw.githubusercontent.com/cloudflare/cloudflare-docs/production/"
        "src/content/docs/r2/pricing.mdx",
    )
    assert SOURCE.recordings == ()
    assert "HAND-BUILT FIXTURE, NOT A RECORDING" in text[:200]


def test_storage_prices_per_class(result: ParseResult) -> None:
    assert result.problems == []
    prices = {(o.tier, o.component): o.price for o in result.observations}
    assert prices == {
        ("standard", Component.GB_MONTH): Decimal("0.015"),
        ("infrequent-access", Component.GB_MONTH): Decimal("0.01"),
    }
    standard = result.observations[0]
    assert (standard.provider, standard.sku, standard.region) == ("cloudflare", "r2", "global")
    assert standard.published_text == "$0.015 / GB-month"
    assert standard.published_unit == "per GB-month"
    assert standard.unit is CanonicalUnit.PER_GB_MONTH
    assert standard.currency is Currency.USD
    assert standard.effective_date is None


def test_free_egress_and_untracked_units_are_counted_not_stored(result: ParseResult) -> None:
    assert result.skipped == {
        "free egress_gb": 2,
        "unit not tracked: Class A Operations": 1,
        "unit not tracked: Class B Operations": 1,
        "unit not tracked: Data Retrieval (processing)": 1,
    }
    assert not [o for o in result.observations if o.component is Component.EGRESS_GB]


def test_a_storage_price_in_another_unit_is_a_problem(text: str) -> None:
    altered = text.replace("| $0.01 / GB-month  ", "| $0.01 / GB        ", 1)
    result = SOURCE.parse(_page(altered))
    assert [(p.text, p.where) for p in result.problems] == [
        ("$0.01 / GB", "Storage / Infrequent Access storage")
    ]
    assert "per GB" in result.problems[0].reason
    assert [o.tier for o in result.observations] == ["standard"]


def test_egress_with_a_price_is_read(text: str) -> None:
    # An altered copy: R2 publishes no egress price; $0.09 only exercises the egress path.
    altered = text.replace("| Free [^1]                | Free [^1]   ", "| $0.09 / GB  | Free  ", 1)
    result = SOURCE.parse(_page(altered))
    egress = [o for o in result.observations if o.component is Component.EGRESS_GB]
    assert [(o.tier, o.price, o.unit) for o in egress] == [
        ("standard", Decimal("0.09"), CanonicalUnit.PER_GB)
    ]


def test_missing_table_fails_loudly(text: str) -> None:
    with pytest.raises(ValueError, match="no '## R2 pricing' heading"):
        SOURCE.parse(_page(text.replace("## R2 pricing", "## Pricing")))


def test_storage_class_tier() -> None:
    assert storage_class_tier("Standard storage") == "standard"
    assert storage_class_tier("Infrequent Access storage") == "infrequent-access"
