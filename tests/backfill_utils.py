"""Helpers for backfill tests: a dataset's recordings as pages, parsed and ready to load."""

from __future__ import annotations

from pathlib import Path

from schemas.models import BenchmarkScore
from schemas.observation import FetchedPage, Observation
from scrapers.backfill.base import Dataset
from scrapers.base import ParseResult
from warehouse.load import FetchRecord, SourceOutcome


def dataset_pages(shared_data: Path, dataset: Dataset) -> list[FetchedPage]:
    """Every recording of a dataset, read in place, as the page the fetcher would return."""
    return [
        FetchedPage(
            source=dataset.name,
            url=recording.url,
            status=200,
            headers={"content-type": recording.content_type},
            body=(shared_data / recording.path).read_bytes(),
            fetched_at=recording.captured_at,
            replayed=True,
        )
        for recording in dataset.source.recordings
    ]


def parse_dataset(
    shared_data: Path, dataset: Dataset
) -> tuple[list[FetchedPage], ParseResult, list[BenchmarkScore]]:
    """The dataset's pages, what its parser made of them, and its benchmark scores."""
    pages = dataset_pages(shared_data, dataset)
    result = ParseResult()
    scores: list[BenchmarkScore] = []
    for page in pages:
        result.extend(dataset.source.parse(page))
        if dataset.benchmarks is not None:
            scores.extend(dataset.benchmarks(page))
    return pages, result, scores


def outcome_of(dataset: Dataset, pages: list[FetchedPage], result: ParseResult) -> SourceOutcome:
    """The loader's input for one parsed dataset."""
    return SourceOutcome(
        source=dataset.name,
        leg=dataset.source.leg.value,
        status="ok",
        fetches=[FetchRecord.of(page) for page in pages],
        observations=result.observations,
        problems=result.problems,
        skipped=result.skipped,
    )


def points(result: ParseResult, sku: str, component: str, tier: str = "standard") -> list[tuple]:
    """(effective_date or observed date, price) of one series, oldest first."""
    found: list[Observation] = [
        o
        for o in result.observations
        if o.sku == sku and o.component.value == component and o.tier == tier
    ]
    return sorted(
        (str(o.effective_date or o.observed_at.date()), o.observed_at.isoformat(), str(o.price))
        for o in found
    )
