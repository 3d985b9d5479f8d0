"""Helpers for source tests: a recording or fixture as a FetchedPage, and loading it for real."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from schemas.observation import FetchedPage
from scrapers.base import ParseResult, Recording, Source
from warehouse.load import FetchRecord, RunReport, SourceOutcome, load_run


def page_of(source: Source, url: str, body: bytes, fetched_at: datetime, content_type: str):
    """A replayed page of ``source`` with ``body``, as the fetcher would hand it over."""
    return FetchedPage(
        source=source.name,
        url=url,
        status=200,
        headers={"content-type": content_type},
        body=body,
        fetched_at=fetched_at,
        replayed=True,
    )


def recorded_page(shared_data: Path, source: Source, recording: Recording) -> FetchedPage:
    """The recording's file, read in place, as the page it stands for."""
    body = (shared_data / recording.path).read_bytes()
    return page_of(source, recording.url, body, recording.captured_at, recording.content_type)


def load_pages(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    pages: list[FetchedPage],
    run_id: str = "run1",
) -> tuple[ParseResult, RunReport]:
    """Parse ``pages`` with ``source`` and load them in one run, as the nightly flow does."""
    result = ParseResult()
    for page in pages:
        result.extend(source.parse(page))
    outcome = SourceOutcome(
        source=source.name,
        leg=source.leg.value,
        status="ok",
        fetches=[FetchRecord.of(page) for page in pages],
        observations=result.observations,
        problems=result.problems,
        skipped=result.skipped,
    )
    report = load_run(con, run_id, "offline", datetime.now(UTC), [outcome])
    return result, report
