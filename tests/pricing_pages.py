"""Helpers for the pricing-page source tests: pages from recordings or fixtures, price maps.

Expected prices are written in the tests as the page publishes them, one row per model
(``gpt-5.1 | $1.25 | $0.125 | $10.00``), and turned into a map by :func:`expect`; a test then
compares the parser's whole output with it, so every price on the page is asserted.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Source

FIXTURES = Path(__file__).resolve().parent / "fixtures"

Key = tuple[str, str, str]  # sku, component, tier


def page(
    source: Source, url: str, body: bytes, fetched_at: datetime, content_type: str
) -> FetchedPage:
    """A page of ``source`` as the fetcher hands it to the parser."""
    return FetchedPage(
        source=source.name,
        url=url,
        status=200,
        headers={"content-type": content_type},
        body=body,
        fetched_at=fetched_at,
        replayed=True,
    )


def recorded(shared_data: Path, source: Source, index: int = 0) -> FetchedPage:
    """A source's recording, read in place from the shared data folder."""
    recording = source.recordings[index]
    body = (shared_data / recording.path).read_bytes()
    return page(source, recording.url, body, recording.captured_at, recording.content_type)


def fixture(source: Source, name: str, url: str, fetched_at: datetime) -> FetchedPage:
    """A hand-built fixture under tests/fixtures/ as an HTML page of ``source``."""
    body = (FIXTURES / name).read_bytes()
    return page(source, url, body, fetched_at, "text/html; charset=utf-8")


def prices(result: ParseResult) -> dict[Key, Decimal]:
    """Every observation's price by (sku, component, tier); duplicates would be a bug."""
    found: dict[Key, Decimal] = {}
    for obs in result.observations:
        key = (obs.sku, obs.component.value, obs.tier)
        assert key not in found, f"two prices for {key}"
        found[key] = obs.price
    return found


def expect(rows: str, columns: list[tuple[str, str] | None]) -> dict[Key, Decimal]:
    """Expected prices from rows written as published: ``sku | $1.25 | - | $10.00``.

    Args:
        rows: One model per line; cells split on ``|``; "-" (or empty) means no price.
        columns: (component, tier) of each price column, None for a column to ignore.
    """
    expected: dict[Key, Decimal] = {}
    for line in rows.strip().splitlines():
        sku, *cells = (cell.strip() for cell in line.split("|"))
        assert len(cells) == len(columns), line
        for cell, column in zip(cells, columns, strict=True):
            if column is None or cell in {"", "-"}:
                continue
            amount = Decimal(cell.lstrip("$¥").removesuffix("元").replace(",", ""))
            expected[(sku, *column)] = amount
    return expected
