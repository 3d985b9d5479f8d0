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
from prefect.utilities.annotations import quote

from flows.derived import DerivedReport, format_derived, rebuild_after_load
from flows.fx import refresh_rates, wanted
from flows.logs import ensure_configured, event, run_context
from flows.night_publish import publish_night
from flows.run_ledger import close_after_commit, record_failure
from flows.settings import Settings, load_settings
from flows.summary import format_summary
from schemas.observation import FetchedPage
from scrapers.archive import RawArchive
from scrapers.base import ParseResult, Source
from scrapers.fetch import Fetcher
from scrapers.paging import fetch_pages
from scrapers.registry import select_sources
from scrapers.replay import replay_transport
from warehouse.backends import retry_conflicts
from warehouse.connection import connect
from warehouse.load import FetchRecord, RunReport, SourceOutcome, load_run
from warehouse.snapshot import publish_after_commit

# Why an offline run skips a source (live URLs only, no real recording): skipped, not failed.
NO_RECORDING = "no recording"


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
    pages = fetch_pages(fetcher, source, urls)  # follows next_page links of paged APIs
    seconds = time.perf_counter() - started
    size = sum(len(p.body) for p in pages)
    event(
        "fetched",
        "fetched %-12s %d page(s), %.1f MB in %.2f s",
        source.name,
        len(pages),
        size / 1e6,
        seconds,
        source=source.name,
        pages=len(pages),
        bytes=size,
        seconds=round(seconds, 3),
    )
    return Fetched(pages, seconds)


@task(name="parse", cache_policy=NO_CACHE)
def parse_source(source: Source, fetched: Fetched) -> SourceOutcome:
    """Parse a source's pages into observations; never touches the network.

    When every page answered 304 Not Modified, nothing is parsed: the source is 'unchanged',
    its prices stay in force as they are (nothing withdrawn, last_observed_at not moved).
    """
    started = time.perf_counter()
    if fetched.pages and all(page.status == 304 for page in fetched.pages):
        return SourceOutcome(
            source=source.name,
            leg=source.leg.value,
            status="unchanged",
            fetches=[FetchRecord.of(p) for p in fetched.pages],
            fetch_seconds=fetched.seconds,
        )
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
    settings: Settings,
    run_id: str,
    mode: str,
    started_at: datetime,
    outcomes: list[SourceOutcome],
    indices: bool = True,
) -> tuple[RunReport, DerivedReport]:
    """Write the whole run in one transaction, rebuild the indices and decline rates from it
    (flows/derived.py: a failure there is reported, the load stays), then publish the read
    snapshot for readers.

    The warehouse is opened only for this step; a second run loading at the same moment waits
    for it (up to DEFLATOR_LOCK_TIMEOUT).
    """
    con = connect(settings.warehouse, lock_timeout_s=settings.lock_timeout_s)
    try:
        try:
            report = retry_conflicts(  # DuckLake: another worker's load committed first
                lambda: load_run(con, run_id, mode, started_at, outcomes, settings.max_step_factor),
                settings.lake_retries,
            )
        except Exception as error:  # nothing of it stored: the ledger still says it ran
            record_failure(settings, run_id, mode, started_at, outcomes, error, con)
            raise
        # Committed: from here on a failure is reported as what it is, never as a failed load.
        if indices:
            derived = rebuild_after_load(con, any(s.status == "ok" for s in report.sources))
        else:
            derived = DerivedReport(skipped="left to the scale-out flow's final step")
        not_published = publish_after_commit(con, settings.warehouse, run_id)
        if not_published:
            report.after_commit_error = "; ".join(
                e for e in (report.after_commit_error, f"snapshot: {not_published}") if e
            )
        return report, derived
    finally:
        close_after_commit(con)


@flow(name="nightly", log_prints=False)
def nightly(
    offline: bool = False,
    source_names: list[str] | None = None,
    db: str | None = None,
    sources: list[Source] | None = None,
    indices: bool = True,
) -> RunReport:
    """Run the nightly pipeline once.

    Args:
        offline: Replay the recorded responses in the shared data folder instead of the network.
        source_names: Only these sources (all when empty).
        db: Warehouse file (DEFLATOR_DB or the default when omitted).
        sources: Run these Source objects instead of the registry's (tests point sources at
            a local server this way); ``source_names`` is then ignored.
        indices: Rebuild the indices after the load (the scale-out flow's legs leave it to
            its final step, flows/scale_out.py).
    """
    settings = load_settings().with_db(db)
    ensure_configured(settings.log_format)
    started_at = datetime.now(UTC)
    run_id = f"{started_at:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    with run_context(run_id):
        try:
            return _nightly(settings, run_id, started_at, offline, source_names, sources, indices)
        except Exception as error:  # before the load (a load failure is recorded there)
            record_failure(
                settings, run_id, "offline" if offline else "live", started_at, [], error
            )
            raise


def _nightly(
    settings: Settings,
    run_id: str,
    started_at: datetime,
    offline: bool,
    source_names: list[str] | None,
    sources: list[Source] | None,
    indices: bool = True,
) -> RunReport:
    mode = "offline" if offline else "live"
    refresh_fx = wanted(source_names, sources is not None)  # exchange rates: flows/fx.py
    sources = sources if sources is not None else select_sources(source_names)
    archive = RawArchive(settings.archive_dir)
    transport = (
        replay_transport(settings.shared_data, [r for s in sources for r in s.recordings])
        if offline
        else None
    )
    event("run_started", "run %s (%s): %d source(s)", run_id, mode, len(sources), mode=mode)

    outcomes: list[SourceOutcome] = []
    with Fetcher(settings.fetch, archive, transport=transport, replay=offline) as fetcher:
        fetch_task = fetch_source.with_options(
            retries=0 if offline else settings.fetch_task_retries
        )
        futures = {
            source.name: fetch_task.submit(source, _urls(source, offline), fetcher)
            for source in sources
            if _urls(source, offline)
        }
        for source in sources:
            if source.name not in futures:  # offline, and the source has no recording
                outcomes.append(
                    SourceOutcome(source.name, source.leg.value, "skipped", NO_RECORDING)
                )
                continue
            outcomes.append(_parse_or_fail(source, futures[source.name]))

    fx = refresh_rates(settings, run_id, offline) if refresh_fx else None
    # quote(): Prefect would otherwise walk every observation of the night (~4 s a run)
    report, derived = load_outcomes(settings, run_id, mode, started_at, quote(outcomes), indices)
    print(format_summary(report, settings.warehouse.label))
    print(format_derived(derived))
    if fx is not None:
        print(fx.line())
    print("\n".join(publish_night(settings, report, fx).lines()))  # feeds, webhook: never fail
    _log_finished(report)
    return report


def _log_finished(report: RunReport) -> None:
    """One line per failed source (layout drift is only known after the load), then the
    run's outcome: for log shippers; the summary table goes to stdout."""
    for s in report.sources:
        if s.status == "failed":
            event(
                "source_failed",
                "FAILED %s: %s",
                s.source,
                s.error,
                source=s.source,
                level=logging.WARNING,
                error=s.error,
            )
    event(
        "run_finished",
        "run %s: %s, %d new observations, %d history changes",
        report.run_id,
        report.status,
        report.observations_new,
        report.history_changes,
        status=report.status,
        sources_failed=sum(s.status == "failed" for s in report.sources),
        observations_new=report.observations_new,
        history_changes=report.history_changes,
        quarantined=report.quarantined,
        level=logging.INFO if report.status == "ok" else logging.WARNING,
    )


def _urls(source: Source, offline: bool) -> list[str]:
    if offline:
        return [recording.url for recording in source.recordings]
    return list(source.urls)


def _parse_or_fail(source: Source, future) -> SourceOutcome:
    """Parse a fetched source; a fetch or parse error fails that source only, with the reason."""
    try:
        fetched = future.result()
    except Exception as error:  # a source failing must not stop the others
        event(
            "fetch_failed",
            "source %s failed to fetch: %s",
            source.name,
            error,
            source=source.name,
            level=logging.WARNING,
        )
        return SourceOutcome(source.name, source.leg.value, "failed", error=f"fetch: {error}")
    try:
        return parse_source(source, quote(fetched))
    except Exception as error:
        event(
            "parse_failed",
            "source %s failed to parse: %s",
            source.name,
            error,
            source=source.name,
            level=logging.WARNING,
        )
        return SourceOutcome(
            source.name,
            source.leg.value,
            "failed",
            error=f"parse: {type(error).__name__}: {error}",
            fetches=[FetchRecord.of(p) for p in fetched.pages],
            fetch_seconds=fetched.seconds,
        )
