"""The nightly flow: fetch every source concurrently, parse, load one transaction, summarize.

Tasks are coarse on purpose (one per source, not per sku): a Prefect task run costs
3-20 ms plus server work, so per-sku tasks would spend the night orchestrating. Retries belong
to I/O: the fetch task retries (on top of the fetcher's own HTTP retries), parsing never does.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.settings import Settings, load_settings
from flows.summary import format_summary
from schemas.observation import FetchedPage
from scrapers.archive import RawArchive
from scrapers.base import ParseResult, Source
from scrapers.fetch import Fetcher
from scrapers.registry import select_sources
from scrapers.replay import replay_transport
from warehouse.connection import connect
from warehouse.load import FetchRecord, RunReport, SourceOutcome, load_run

log = logging.getLogger("deflator")


@dataclass
class Fetched:
    """The pages of one source and how long fetching them took."""

    pages: list[FetchedPage]
    seconds: float


@task(name="fetch", retries=1, retry_delay_seconds=10, cache_policy=NO_CACHE)
def fetch_source(source: Source, urls: list[str], fetcher: Fetcher) -> Fetched:
    """Fetch (or replay) every URL of a source; each response is archived before return."""
    started = time.perf_counter()
    if not urls:
        raise RuntimeError(f"{source.name} has no URL to fetch in this mode (no recording?)")
    pages = [fetcher.fetch(source.name, url) for url in urls]
    seconds = time.perf_counter() - started
    size = sum(len(p.body) for p in pages)
    log.info(
        "fetched %-12s %d page(s), %.1f MB in %.2f s", source.name, len(pages), size / 1e6, seconds
    )
    return Fetched(pages, seconds)


@task(name="parse", cache_policy=NO_CACHE)
def parse_source(source: Source, fetched: Fetched) -> SourceOutcome:
    """Parse a source's pages into observations; never touches the network."""
    started = time.perf_counter()
    result = ParseResult()
    for page in fetched.pages:
        result.extend(source.parse(page))
    return SourceOutcome(
        source=source.name,
        leg=source.leg.value,
        status="ok",
        fetches=[FetchRecord.of(p) for p in fetched.pages],
        observations=result.observations,
        problems=result.problems,
        skipped=result.skipped,
        fetch_seconds=fetched.seconds,
        parse_seconds=time.perf_counter() - started,
    )


@task(name="load", cache_policy=NO_CACHE)
def load_outcomes(
    settings: Settings, run_id: str, mode: str, started_at: datetime, outcomes: list[SourceOutcome]
) -> RunReport:
    """Write the whole run in one transaction (opens the warehouse only for this step)."""
    con = connect(settings.db_path)
    try:
        return load_run(con, run_id, mode, started_at, outcomes, settings.max_step_factor)
    finally:
        con.close()


@flow(name="nightly", log_prints=False)
def nightly(
    offline: bool = False,
    source_names: list[str] | None = None,
    db: str | None = None,
) -> RunReport:
    """Run the nightly pipeline once.

    Args:
        offline: Replay the recorded responses in the shared data folder instead of the network.
        source_names: Only these sources (all when empty).
        db: Warehouse file (DEFLATOR_DB or the default when omitted).
    """
    settings = load_settings().with_db(db)
    started_at = datetime.now(UTC)
    run_id = f"{started_at:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    mode = "offline" if offline else "live"
    sources = select_sources(source_names)
    archive = RawArchive(settings.archive_dir)
    transport = (
        replay_transport(settings.shared_data, [r for s in sources for r in s.recordings])
        if offline
        else None
    )
    log.info("run %s (%s): %d source(s)", run_id, mode, len(sources))

    outcomes: list[SourceOutcome] = []
    with Fetcher(settings.fetch, archive, transport=transport, replay=offline) as fetcher:
        fetch_task = fetch_source.with_options(retries=0) if offline else fetch_source
        futures = {
            source.name: fetch_task.submit(source, _urls(source, offline), fetcher)
            for source in sources
        }
        for source in sources:
            outcomes.append(_parse_or_fail(source, futures[source.name]))

    report = load_outcomes(settings, run_id, mode, started_at, outcomes)
    print(format_summary(report, settings.db_path))
    return report


def _urls(source: Source, offline: bool) -> list[str]:
    if offline:
        return [recording.url for recording in source.recordings]
    return list(source.urls)


def _parse_or_fail(source: Source, future) -> SourceOutcome:
    """Parse a fetched source; a fetch or parse error fails that source only, with the reason."""
    try:
        fetched = future.result()
    except Exception as error:  # a source failing must not stop the others
        log.warning("source %s failed to fetch: %s", source.name, error)
        return SourceOutcome(source.name, source.leg.value, "failed", error=f"fetch: {error}")
    try:
        return parse_source(source, fetched)
    except Exception as error:
        log.warning("source %s failed to parse: %s", source.name, error)
        return SourceOutcome(
            source.name,
            source.leg.value,
            "failed",
            error=f"parse: {type(error).__name__}: {error}",
            fetches=[FetchRecord.of(p) for p in fetched.pages],
            fetch_seconds=fetched.seconds,
        )
