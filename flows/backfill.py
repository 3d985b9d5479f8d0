"""The backfill flow: import historical datasets as sources, then refresh model identity.

Each dataset (scrapers/backfill/) is replayed from its recording in the shared data folder
through the same Fetcher and raw archive a nightly offline run uses, parsed into dated
observations (one task per dataset, coarse on purpose), and the whole batch is loaded by
:func:`warehouse.load.load_run` in one transaction: the quarantine rules, the step check
against the previous accepted point and the SCD2 islands all apply unchanged, and a rerun adds
nothing. A second transaction then copies the reviewed model catalog and aliases into the
warehouse, resolves every LLM listing, stores the datasets' benchmark scores and provenance,
and the read snapshot is published for `deflator query`.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.derived import DerivedReport, format_derived, rebuild_after_load
from flows.logs import ensure_configured, event, run_context
from flows.run_ledger import close_after_commit, record_failure
from flows.settings import Settings, load_settings
from flows.summary import format_summary
from flows.tables import render_table
from schemas.models import BenchmarkScore, ModelCatalog
from schemas.observation import FetchedPage
from scrapers.archive import RawArchive
from scrapers.backfill.base import Dataset
from scrapers.backfill.registry import select_datasets
from scrapers.base import ParseResult
from scrapers.fetch import Fetcher
from scrapers.replay import replay_transport
from warehouse.connection import connect
from warehouse.load import FetchRecord, RunReport, SourceOutcome, load_run
from warehouse.models import DatasetRecord, IdentityReport, load_identity
from warehouse.snapshot import publish_after_commit

MODE = "backfill"

QUARANTINE_BY_REASON_SQL = """
SELECT source, regexp_replace(reason, ' \\(from .*\\)$', '') AS reason, count(*) AS rows
FROM quarantine WHERE run_id = ? GROUP BY ALL ORDER BY source, rows DESC, reason
"""


@dataclass
class Parsed:
    """What one dataset produced: its outcome for the loader and its benchmark scores."""

    outcome: SourceOutcome
    scores: list[BenchmarkScore] = field(default_factory=list)


@dataclass
class BackfillReport:
    """The price load, the identity refresh, and quarantine counts by reason."""

    run: RunReport
    identity: IdentityReport
    quarantine_by_reason: list[tuple[str, str, int]]
    skipped: dict[str, Counter[str]]
    derived: DerivedReport | None = None  # the indices and decline rates rebuilt after the load


@task(name="read dataset", cache_policy=NO_CACHE)
def read_dataset(dataset: Dataset, fetcher: Fetcher) -> tuple[list[FetchedPage], float]:
    """Replay every recording of a dataset (each is archived before it is returned)."""
    started = time.perf_counter()
    pages = [fetcher.fetch(dataset.name, r.url) for r in dataset.source.recordings]
    return pages, time.perf_counter() - started


@task(name="parse dataset", cache_policy=NO_CACHE)
def parse_dataset(dataset: Dataset, pages: list[FetchedPage], fetch_seconds: float) -> Parsed:
    """Parse a dataset's pages into dated observations (and benchmark scores)."""
    started = time.perf_counter()
    result = ParseResult()
    scores: list[BenchmarkScore] = []
    for page in pages:
        result.extend(dataset.source.parse(page))
        if dataset.benchmarks is not None:
            scores.extend(dataset.benchmarks(page))
    event(
        "parsed",
        "parsed %-24s %6d prices",
        dataset.name,
        len(result.observations),
        source=dataset.name,
        rows=len(result.observations),
        problems=len(result.problems),
    )
    outcome = SourceOutcome(
        source=dataset.name,
        leg=dataset.source.leg.value,
        status="ok",
        fetches=[FetchRecord.of(p) for p in pages],
        observations=result.observations,
        problems=result.problems,
        skipped=result.skipped,
        fetch_seconds=fetch_seconds,
        parse_seconds=time.perf_counter() - started,
    )
    return Parsed(outcome, scores)


@task(name="load backfill", cache_policy=NO_CACHE)
def load_backfill(
    settings: Settings,
    run_id: str,
    started_at: datetime,
    parsed: list[Parsed],
    datasets: list[Dataset],
) -> BackfillReport:
    """Load the prices (one transaction), then model identity (a second), then rebuild the
    indices and decline rates (flows/derived.py; a failure there is reported, the load
    stays), then publish."""
    outcomes = [p.outcome for p in parsed]
    con = connect(settings.warehouse, lock_timeout_s=settings.lock_timeout_s)
    try:
        try:
            run = load_run(con, run_id, MODE, started_at, outcomes, settings.max_step_factor)
        except Exception as error:  # nothing of it stored: the ledger still says it ran
            record_failure(settings, run_id, MODE, started_at, outcomes, error, con)
            raise
        ok = {s.source for s in run.sources if s.status == "ok"}
        identity = load_identity(
            con,
            ModelCatalog.load(),
            [score for p in parsed if p.outcome.source in ok for score in p.scores],
            [_record(d) for d in datasets if d.name in ok],
        )
        by_reason = con.execute(QUARANTINE_BY_REASON_SQL, [run_id]).fetchall()
        derived = rebuild_after_load(con, bool(ok))
        not_published = publish_after_commit(con, settings.warehouse, run_id)
        if not_published:
            run.after_commit_error = "; ".join(
                e for e in (run.after_commit_error, f"snapshot: {not_published}") if e
            )
    finally:
        close_after_commit(con)
    skipped = {o.source: o.skipped for o in outcomes}
    return BackfillReport(run, identity, by_reason, skipped, derived)


@flow(name="backfill", log_prints=False)
def backfill(dataset_names: list[str] | None = None, db: str | None = None) -> BackfillReport:
    """Import historical datasets into the warehouse and refresh model identity.

    Args:
        dataset_names: Only these datasets (all when empty); see `deflator backfill --help`.
        db: Warehouse file (DEFLATOR_DB or the default when omitted).
    """
    settings = load_settings().with_db(db)
    ensure_configured(settings.log_format)
    started_at = datetime.now(UTC)
    run_id = f"{started_at:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    with run_context(run_id):
        try:
            return _backfill(settings, run_id, started_at, dataset_names)
        except Exception as error:  # before the load (a load failure is recorded there)
            record_failure(settings, run_id, MODE, started_at, [], error)
            raise


def _backfill(
    settings: Settings, run_id: str, started_at: datetime, dataset_names: list[str] | None
) -> BackfillReport:
    datasets = select_datasets(dataset_names)
    transport = replay_transport(
        settings.shared_data, [r for d in datasets for r in d.source.recordings]
    )
    event("run_started", "backfill %s: %d dataset(s)", run_id, len(datasets), mode=MODE)
    parsed: list[Parsed] = []
    archive = RawArchive(settings.archive_dir)
    with Fetcher(settings.fetch, archive, transport=transport, replay=True) as fetcher:
        reads = {d.name: read_dataset.submit(d, fetcher) for d in datasets}
        for dataset in datasets:
            parsed.append(_parse_or_fail(dataset, reads[dataset.name]))
    # quote(): Prefect would otherwise walk every parsed row to look for futures in it
    report = load_backfill(settings, run_id, started_at, quote(parsed), quote(datasets))
    print(format_backfill(report, settings))
    for s in report.run.sources:
        if s.status == "failed":
            event(
                "source_failed",
                "FAILED %s: %s",
                s.source,
                s.error,
                source=s.source,
                level=logging.WARNING,
            )
    event(
        "run_finished",
        "backfill %s: %s, %d new observations, %d history changes",
        run_id,
        report.run.status,
        report.run.observations_new,
        report.run.history_changes,
        status=report.run.status,
        observations_new=report.run.observations_new,
        history_changes=report.run.history_changes,
        quarantined=report.run.quarantined,
    )
    return report


def _parse_or_fail(dataset: Dataset, future) -> Parsed:
    """A dataset that cannot be read or parsed fails alone, with the reason."""
    leg = dataset.source.leg.value
    try:
        pages, seconds = future.result()
    except Exception as error:
        event(
            "read_failed",
            "dataset %s failed to read: %s",
            dataset.name,
            error,
            source=dataset.name,
            level=logging.WARNING,
        )
        return Parsed(SourceOutcome(dataset.name, leg, "failed", error=f"read: {error}"))
    try:
        return parse_dataset(dataset, quote(pages), seconds)
    except Exception as error:
        event(
            "parse_failed",
            "dataset %s failed to parse: %s",
            dataset.name,
            error,
            source=dataset.name,
            level=logging.WARNING,
        )
        return Parsed(
            SourceOutcome(
                dataset.name,
                leg,
                "failed",
                error=f"parse: {type(error).__name__}: {error}",
                fetches=[FetchRecord.of(p) for p in pages],
                fetch_seconds=seconds,
            )
        )


def _record(dataset: Dataset) -> DatasetRecord:
    return DatasetRecord(
        source=dataset.name,
        leg=dataset.source.leg.value,
        description=dataset.source.description,
        provenance=dataset.provenance,
        license=dataset.license,
        files=tuple(r.path for r in dataset.source.recordings),
    )


def format_backfill(report: BackfillReport, settings: Settings) -> str:
    """The run summary, then quarantine by reason and the model identity counts."""
    lines = [format_summary(report.run, settings.warehouse.label), ""]
    if report.quarantine_by_reason:
        lines.append("quarantined by reason:")
        lines.append(render_table(["source", "reason", "rows"], report.quarantine_by_reason))
        lines.append("")
    identity = report.identity
    lines.append(
        f"models {identity.models}; LLM listings {identity.listings}, matched "
        f"{identity.matched}, unmatched {identity.unmatched} (see `deflator models "
        f"--unmatched`); benchmark scores {identity.benchmarks}, matched "
        f"{identity.benchmarks_matched}"
    )
    if report.derived is not None:
        lines.append(format_derived(report.derived))
    return "\n".join(lines)
