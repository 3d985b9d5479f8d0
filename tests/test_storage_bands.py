"""Volume bands and storage classes as tiers (scrapers.storage), shared by the storage sources."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scrapers.storage import band, band_from, size_label, slug, tier


def test_bands_by_both_ends_use_the_dated_history_names() -> None:
    # AWS transfer out of us-east-1: 0..10240..51200..153600..Inf GB
    assert band(Decimal(0), Decimal(10240)) == "first-10tb"
    assert band(Decimal(10240), Decimal(51200)) == "next-40tb"
    assert band(Decimal(51200), Decimal(153600)) == "next-100tb"
    assert band(Decimal(153600), None) == "over-150tb"
    # S3 Standard: 0..51200..512000..Inf GB
    assert band(Decimal(512000), None) == "over-500tb"
    assert band(Decimal(51200), Decimal(512000)) == "next-450tb"
    assert band(Decimal(0), None) == ""


def test_bands_by_their_start_only() -> None:
    assert band_from(Decimal(0)) == ""
    assert band_from(Decimal("51200.0")) == "over-50tb"
    assert band_from(Decimal(100)) == "over-100gb"
    assert band_from(Decimal(10340)) == "over-10340gb"


def test_sizes_and_bad_bands() -> None:
    assert size_label(Decimal("1024")) == "1tb"
    assert size_label(Decimal("0.5")) == "0.5gb"
    with pytest.raises(ValueError, match="not a volume band"):
        band(Decimal(10), Decimal(10))
    with pytest.raises(ValueError, match="not a volume band start"):
        band_from(Decimal(-1))


def test_tiers_and_slugs() -> None:
    assert slug("Standard - Infrequent Access") == "standard-infrequent-access"
    assert slug("Hot LRS") == "hot-lrs"
    assert tier("standard", "first-50tb") == "standard:first-50tb"
    assert tier("hot-lrs", "") == "hot-lrs"
    assert tier("", "") == "standard"
