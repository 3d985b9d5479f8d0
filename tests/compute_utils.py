"""Shared helpers for the compute source tests: replay a recording as a page, pick prices."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from schemas.observation import FetchedPage, Observation
from scrapers.base import ParseResult, Source


def recorded_page(shared_data: Path, source: Source, index: int = 0) -> FetchedPage:
    """The source's recording as the replay would serve it (read in place)."""
    recording = source.recordings[index]
    return FetchedPage(
        source=source.name,
        url=recording.url,
        status=200,
        headers={"content-type": recording.content_type},
        body=(shared_data / recording.path).read_bytes(),
        fetched_at=recording.captured_at,
        replayed=True,
    )


def page_of(source: Source, body: bytes, url: str = "https://example.invalid/p") -> FetchedPage:
    """A hand-made page for failure cases."""
    return FetchedPage(
        source=source.name,
        url=url,
        status=200,
        headers={"content-type": "application/json"},
        body=body,
        fetched_at=source.recordings[0].captured_at,
    )


def one(result: ParseResult, **where: object) -> Observation:
    """The single observation whose attributes equal ``where`` (component/tier as strings)."""
    found = [o for o in result.observations if _matches(o, where)]
    assert len(found) == 1, (where, found)
    return found[0]


def prices(result: ParseResult, **where: object) -> dict[tuple[str, str], Decimal]:
    """(sku, tier) -> price of the observations matching ``where``."""
    return {(o.sku, o.tier): o.price for o in result.observations if _matches(o, where)}


def tiers(result: ParseResult) -> Counter[str]:
    return Counter(o.tier for o in result.observations)


def _matches(observation: Observation, where: dict[str, object]) -> bool:
    for key, value in where.items():
        actual = getattr(observation, key)
        if hasattr(actual, "value"):
            actual = actual.value
        if actual != value:
            return False
    return True
