"""Load one run into the warehouse in a single transaction: ledger, fetches, observations,
quarantine and the SCD2 price history.

Before the transaction, each source's rows become Arrow on their own (out-of-range prices are
set aside as parse problems, warehouse/price_range.py): one source's bad row fails that source
alone, never the shared stage. The order inside the transaction matters and is fixed here:

1. Layout drift: a source that parsed no rows, or fewer than half the rows of its last good
   run, is failed before anything of it is stored; its prices stay in force.
2. Stage the observations of the sources that succeeded (one Arrow append per source; a bulk
   table that breaks the Observation rules fails its source alone).
3. Check them: plausibility ceilings, the step-move rule and, for new series, their peers'
   prices (sql/stage_peer_check.sql) send rows to quarantine.
4. Append clean, unseen observations (the natural key makes reruns add nothing).
5. Move the history: turn the clean prices into runs of equal price per series (one per
   series on a nightly run, many in a backfill), continue or close the price in force, open
   the new ones; a series a successful source no longer lists is pending withdrawal, and
   withdrawn when its source's next successful run misses it too (docs/load-safety.md).
6. Write the ledger rows.

Any error rolls the whole run back: the warehouse is left exactly as it was (the callers then
write the run's ledger row as failed: flows/run_ledger.py).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pyarrow as pa

from schemas.enums import CANONICAL_UNIT_OF, Currency, Leg
from schemas.observation import FetchedPage, Observation, ParseProblem
from warehouse.arrow_rows import (
    OBSERVATION_SCHEMA,
    BulkRows,
    conform,
    latest_observed_at,
    observations_table,
    row_count,
    utc_naive,
)
from warehouse.backends import rollback
from warehouse.price_range import SetAside, split_observations, split_table
from warehouse.source_windows import record_source_windows
from warehouse.sqlfiles import sql

DEFAULT_MAX_STEP_FACTOR = Decimal(10)
DRIFT_MIN_SHARE = Decimal("0.5")
WITHDRAW_AFTER_MISSES = 2
# A new series priced more than these factors × the highest of its (at least MIN_PEERS) peer
# series in force is quarantined until confirmed (sql/stage_peer_check.sql says why these).
PEER_FACTOR_COMPUTE = 10.0
PEER_FACTOR_LLM = 100.0
MIN_PEERS = 1
_TEMP_TABLES = (
    "stage",
    "stage_checked",
    "stage_new",
    "history_points",
    "history_islands",
    "withdrawn",
    "stage_sources",
)


@dataclass(frozen=True)
class FetchRecord:
    """What the ledger keeps of one fetched response (the body is in the raw archive)."""

    source: str
    url: str
    status: int
    fetched_at: datetime
    sha256: str
    size: int
    headers: dict[str, str]
    replayed: bool

    @classmethod
    def of(cls, page: FetchedPage) -> FetchRecord:
        return cls(
            source=page.source,
            url=page.url,
            status=page.status,
            fetched_at=page.fetched_at,
            sha256=page.sha256,
            size=len(page.body),
            headers=dict(page.headers),
            replayed=page.replayed,
        )


@dataclass
class SourceOutcome:
    """Everything one source produced in a run, ready to load."""

    source: str
    leg: str
    status: str  # 'ok', 'failed', or 'unchanged' (every page answered 304: nothing to load)
    error: str | None = None
    fetches: list[FetchRecord] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    fetch_seconds: float = 0.0
    parse_seconds: float = 0.0
    # A bulk source (backfill, price list) may hand its observations over column-wise instead:
    # an Arrow table or dataset with the columns of warehouse.arrow_rows.OBSERVATION_SCHEMA
    # (observed_at as UTC wall time). Checked set-based on load (sql/stage_invalid.sql).
    table: BulkRows | None = None
    # Rows whose price the warehouse cannot hold (warehouse/price_range.py), taken out of
    # ``observations`` / ``table`` before the load and reported as parse problems.
    set_aside: SetAside = field(default_factory=SetAside)

    @property
    def rows(self) -> int:
        """Rows parsed: the pydantic observations plus the rows of ``table``, plus the rows
        set aside as out of range."""
        bulk = row_count(self.table) if self.table is not None else 0
        return len(self.observations) + bulk + self.set_aside.rows

    @property
    def storable_rows(self) -> int:
        """Rows parsed that the warehouse can hold (what staging gets)."""
        return self.rows - self.set_aside.rows


@dataclass
class SourceReport:
    """What loading did with one source's outcome."""

    source: str
    leg: str
    status: str
    error: str | None
    rows_parsed: int
    rows_new: int = 0
    rows_quarantined: int = 0
    problems: int = 0
    skipped: int = 0
    history_new: int = 0
    history_changed: int = 0
    history_withdrawn: int = 0
    history_pending: int = 0  # missing for the first time: withdrawn if missing again next run


@dataclass
class RunReport:
    """The outcome of a whole run, as printed in the summary and stored in the ledger."""

    run_id: str
    mode: str
    status: str
    sources: list[SourceReport]
    # Seconds each step of the load took, in order (the summary's --verbose and bench/ read
    # them); not part of what a run wrote, so two equal runs compare equal.
    step_seconds: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    # What failed after the load committed (a checkpoint, the read snapshot's publish): the
    # load stands; the summary says "loaded, snapshot not published" with this reason.
    after_commit_error: str | None = field(default=None, compare=False)
    # Series closed as withdrawn by this run, and series missing for the first time (pending:
    # withdrawn if still missing on the source's next successful run; docs/load-safety.md).
    withdrawn: list[tuple[str, str]] = field(default_factory=list, compare=False, repr=False)
    pending: list[tuple[str, str]] = field(default_factory=list, compare=False, repr=False)

    @property
    def observations_new(self) -> int:
        return sum(s.rows_new for s in self.sources)

    @property
    def history_changes(self) -> int:
        return sum(s.history_new + s.history_changed + s.history_withdrawn for s in self.sources)

    @property
    def quarantined(self) -> int:
        return sum(s.rows_quarantined for s in self.sources)


def load_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    mode: str,
    started_at: datetime,
    outcomes: list[SourceOutcome],
    max_step_factor: Decimal = DEFAULT_MAX_STEP_FACTOR,
    withdraw_after: int = WITHDRAW_AFTER_MISSES,
) -> RunReport:
    """Load a run's outcomes atomically and return what changed.

    Args:
        con: A read-write connection with migrations applied.
        run_id: Unique id of this run (sortable by time).
        mode: 'offline' or 'live'.
        started_at: When the run started (timezone-aware).
        outcomes: One per source attempted.
        max_step_factor: A price moving by more than this factor in one step is quarantined.
        withdraw_after: A series is withdrawn when this many consecutive successful runs of
            its source did not list it (1: at once; docs/load-safety.md).
    """
    # Staging tables made inside the transaction have no statistics, and DuckDB then runs the
    # ASOF join of stage_checked as a nested loop (20k prices x 60k history rows: 13 s instead
    # of 0.3 s, measured). Threshold 0 keeps it an ASOF join whatever the estimate.
    con.execute("SET asof_loop_join_threshold = 0")
    steps = StepTimer()
    committing = False
    with steps("arrow"):
        parts = _arrow_parts(outcomes)  # per source: one source's bad row fails it alone
    con.execute("BEGIN TRANSACTION")
    try:
        _fail_drifted_sources(con, outcomes)
        params = {"run_id": run_id}

        with steps("fetches"):
            _insert_fetches(con, run_id, outcomes)
        with steps("stage"):
            _stage(con, outcomes, parts)
        reports = {o.source: _initial_report(o) for o in outcomes}
        with steps("check"):
            con.execute(sql("step_rule"))
            con.execute(sql("stage_checked"), {"max_step_factor": max_step_factor})
            if mode != "backfill":  # historical prices are not today's peers
                con.execute(
                    sql("stage_peer_check"),
                    {
                        "min_peers": MIN_PEERS,
                        "compute_factor": PEER_FACTOR_COMPUTE,
                        "llm_factor": PEER_FACTOR_LLM,
                    },
                )
            con.execute(sql("stage_checked_view"))

        with steps("quarantine"):
            con.execute(sql("stage_quarantine"), params)
            for source, count in con.execute(
                "SELECT source, count(*) FROM stage_quarantine GROUP BY source"
            ).fetchall():
                reports[source].rows_quarantined = count
            con.execute("INSERT INTO quarantine BY NAME SELECT * FROM stage_quarantine")
        with steps("find new"):
            con.execute(sql("stage_new_observations"))
            for source, count in con.execute(
                "SELECT source, count(*) FROM stage_new GROUP BY source"
            ).fetchall():
                reports[source].rows_new = count
        with steps("insert observations"):
            con.execute(sql("insert_new_observations"), params)

        with steps("history points"):
            con.execute(sql("stage_history_points"))
            con.execute(sql("stage_history_islands"))
            for source, new_series, changes in con.execute(sql("history_change_counts")).fetchall():
                reports[source].history_new = new_series
                reports[source].history_changed = changes
        with steps("history write"):
            con.execute(sql("history_continue_current"), params)
            con.execute(sql("history_open"), params)
        with steps("withdrawn"):
            _script(con, "stage_withdrawn", {"withdraw_after": withdraw_after})
            withdrawn, pending = [], []
            for source, now, series in con.execute(sql("missing_series")).fetchall():
                (withdrawn if now else pending).append((source, series))
                if now:
                    reports[source].history_withdrawn += 1
                else:
                    reports[source].history_pending += 1
            con.execute(sql("history_close_withdrawn"), params)
            con.execute(sql("withdrawal_pending_clear"))
            _script(con, "withdrawal_pending_add", params)

        _insert_problems(con, run_id, outcomes)
        record_source_windows(con)  # the staleness windows the views read (011_hygiene.sql)
        report = RunReport(run_id, mode, _run_status(outcomes), list(reports.values()))
        report.withdrawn, report.pending = withdrawn, pending
        _insert_ledger(con, report, started_at, outcomes)
        with steps("commit"):
            committing = True
            con.execute("COMMIT")
        report.step_seconds = steps.seconds
    except BaseException as error:
        rollback(con)  # not hiding a conflict (backends.py)
        if not (committing and _committed(con, run_id)):
            raise
        # COMMIT raised after the run was durable (a checkpoint that failed on a full disk):
        # the load stands, so it is reported as loaded with what failed after it.
        report.after_commit_error = f"{type(error).__name__}: {error}"
        report.step_seconds = steps.seconds
    finally:
        con.execute("DROP VIEW IF EXISTS temp.stage_checked")
        con.execute("DROP MACRO IF EXISTS temp.step_rejected")
        con.execute("DROP MACRO IF EXISTS temp.step_too_far")
        for name in (
            "stage",
            "stage_set_aside",
            "stage_checks",
            "stage_new",
            "missing",
            "stage_quarantine",
            "snapshot",
            "withdrawn",
            "stage_sources",
        ):
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    return report


def record_failed_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    mode: str,
    started_at: datetime,
    outcomes: list[SourceOutcome],
    error: BaseException | str,
) -> None:
    """Write the ledger of a run whose load failed as a whole (nothing of it was stored).

    Every run that started leaves a ``runs`` row, so `deflator status` sees the failure at
    once: status 'failed', every source 'failed' with the reason (a source that had already
    failed keeps its own). Runs in its own transaction; call it after ``load_run`` rolled back.
    """
    reason = f"run failed before its load committed: {type(error).__name__}: {error}"
    if isinstance(error, str):
        reason = f"run failed before its load committed: {error}"
    reports = [
        SourceReport(
            source=o.source,
            leg=o.leg,
            status="failed",
            error=o.error if o.status == "failed" and o.error else reason,
            rows_parsed=o.rows,
            problems=len(o.problems),
            skipped=sum(o.skipped.values()),
        )
        for o in outcomes
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        _insert_ledger(con, RunReport(run_id, mode, "failed", reports), started_at, outcomes)
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise


class StepTimer:
    """Wall seconds per named step: ``with steps("check"): ...`` adds to ``seconds["check"]``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            self.seconds[name] = round(self.seconds.get(name, 0.0) + spent, 4)


def _script(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, object]) -> None:
    """Run the statements of ``sql/<name>.sql`` in order, each with the parameters it names
    (DuckDB prepares one statement at a time)."""
    for statement in sql(name).split(";\n"):
        if statement.strip():
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            con.execute(statement, used or None)


def _committed(con: duckdb.DuckDBPyConnection, run_id: str) -> bool:
    """Whether the ledger row of ``run_id`` is in the warehouse (its load committed)."""
    try:
        return con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [run_id]).fetchone()[0] > 0
    except duckdb.Error:
        return False


def _fail_drifted_sources(con: duckdb.DuckDBPyConnection, outcomes: list[SourceOutcome]) -> None:
    """Fail sources whose row count collapsed: a layout change must not withdraw real prices."""
    last_good = dict(con.execute(sql("last_good_rows")).fetchall())
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        rows = outcome.rows
        previous = last_good.get(outcome.source)
        if rows and not outcome.storable_rows:
            outcome.status = "failed"
            outcome.error = (
                f"every price out of range ({rows} rows; see parse_problems); previous prices kept"
            )
        elif rows == 0:
            outcome.status = "failed"
            outcome.error = "layout drift: no prices found on the page(s); previous prices kept"
        elif previous and rows < previous * DRIFT_MIN_SHARE:
            outcome.status = "failed"
            outcome.error = (
                f"layout drift: {rows} rows, fewer than half of the last good run's {previous}; "
                "previous prices kept"
            )


def _initial_report(outcome: SourceOutcome) -> SourceReport:
    return SourceReport(
        source=outcome.source,
        leg=outcome.leg,
        status=outcome.status,
        error=outcome.error,
        rows_parsed=outcome.rows,
        problems=len(outcome.problems),
        skipped=sum(outcome.skipped.values()),
    )


def _arrow_parts(outcomes: list[SourceOutcome]) -> dict[str, list[BulkRows]]:
    """Each ok source's rows as Arrow, built per source before anything shared is.

    Out-of-range prices are set aside first (warehouse/price_range.py: parse problems of
    their source); a source whose rows still cannot be converted (a bulk table whose columns
    do not fit) fails alone, with the reason, and every other source loads.
    """
    parts: dict[str, list[BulkRows]] = {}
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        outcome.observations, aside = split_observations(outcome.observations)
        if outcome.table is not None:
            outcome.table, bulk_aside = split_table(outcome.source, outcome.table)
            aside.rows += bulk_aside.rows
            aside.problems += bulk_aside.problems
            aside.series |= bulk_aside.series
        if aside.rows:
            outcome.set_aside = aside
            outcome.problems = [*outcome.problems, *aside.problems]
        try:
            source_parts = []
            if outcome.observations:
                source_parts.append(observations_table(outcome.observations))
            if outcome.table is not None and row_count(outcome.table):
                source_parts.append(conform(outcome.table))
        except (ValueError, TypeError, ArithmeticError, pa.ArrowException) as error:
            outcome.status = "failed"
            outcome.error = f"rows refused before loading: {error}; previous prices kept"
            continue
        parts[outcome.source] = source_parts
    return parts


def _stage(
    con: duckdb.DuckDBPyConnection,
    outcomes: list[SourceOutcome],
    parts: dict[str, list[BulkRows]],
) -> None:
    """Stage the rows of every source still ok, one Arrow append per part.

    The stage is created empty from SQL, never from an empty Arrow scan: DuckDB 1.5.5
    silently drops an append of a row group or more that follows an empty Arrow append to
    the same table in one transaction (bench/README.md), so empty parts are never appended.
    """
    columns = ", ".join(OBSERVATION_SCHEMA.names)
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage AS SELECT {columns} FROM observations LIMIT 0")
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        for index, rows in enumerate(parts.get(outcome.source, [])):
            con.register("stage_arrow", rows)  # a dataset is scanned in batches
            try:
                # A bulk table skipped pydantic's checks: a broken one fails its source alone,
                # before any of its rows is staged (its pydantic part, first, is taken out).
                refused = _refusal(con) if outcome.table is not None else None
                if refused is None:
                    con.execute(f"INSERT INTO stage SELECT {columns} FROM stage_arrow")
            finally:
                con.unregister("stage_arrow")
            if refused is not None:
                if index:
                    con.execute("DELETE FROM stage WHERE source = ?", [outcome.source])
                outcome.status = "failed"
                outcome.error = f"{refused}; previous prices kept"
                break
    ok = [o for o in outcomes if o.status == "ok"]
    as_of = pa.table(
        {
            "source": [o.source for o in ok],
            "as_of": [
                utc_naive(
                    max((f.fetched_at for f in o.fetches), default=_latest_observation_time(o))
                )
                for o in ok
            ],
        },
        schema=pa.schema([("source", pa.string()), ("as_of", pa.timestamp("us"))]),
    )
    kept = pa.table(
        {"series_key": sorted({key for o in ok for key in o.set_aside.series})},
        schema=pa.schema([("series_key", pa.string())]),
    )
    for name, table in (("stage_sources", as_of), ("stage_set_aside", kept)):
        con.register(f"{name}_arrow", table)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        finally:
            con.unregister(f"{name}_arrow")


def _latest_observation_time(outcome: SourceOutcome) -> datetime:
    """The as-of time of a source without fetch records: its latest observation."""
    if not outcome.rows:
        raise ValueError(f"source {outcome.source} has neither fetches nor observations")
    latest = [obs.observed_at for obs in outcome.observations]
    if outcome.table is not None and row_count(outcome.table):
        latest.append(latest_observed_at(outcome.table))
    return max(latest)


def _refusal(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the bulk rows registered as ``stage_arrow`` break the rules pydantic checks on
    each Observation (None: they keep them); checked before they join the stage."""
    broken = con.execute(
        sql("stage_invalid"),
        {
            "legs": [leg.value for leg in Leg],
            "currencies": [currency.value for currency in Currency],
            "component_units": [f"{c.value}/{u.value}" for c, u in CANONICAL_UNIT_OF.items()],
        },
    ).fetchall()
    if not broken:
        return None
    return "observation table refused: " + "; ".join(
        f"{rule}: {rows} row(s), e.g. {example}" for rule, rows, example in broken
    )


def _insert_fetches(
    con: duckdb.DuckDBPyConnection, run_id: str, outcomes: list[SourceOutcome]
) -> None:
    rows = [
        (
            run_id,
            f.source,
            f.url,
            f.status,
            utc_naive(f.fetched_at),
            f.sha256,
            f.size,
            json.dumps(f.headers),
            f.replayed,
        )
        for outcome in outcomes
        for f in outcome.fetches
    ]
    if rows:
        con.executemany("INSERT INTO fetches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _insert_problems(
    con: duckdb.DuckDBPyConnection, run_id: str, outcomes: list[SourceOutcome]
) -> None:
    rows = [
        (run_id, p.source, p.url, p.where, p.text, p.reason)
        for outcome in outcomes
        for p in outcome.problems
    ]
    if not rows:
        return
    table = pa.table(
        {
            name: [row[i] for row in rows]
            for i, name in enumerate(["run_id", "source", "url", "location", "text", "reason"])
        }
    )
    con.register("problems_arrow", table)
    try:
        con.execute("INSERT INTO parse_problems SELECT * FROM problems_arrow")
    finally:
        con.unregister("problems_arrow")


def _run_status(outcomes: list[SourceOutcome]) -> str:
    failed = sum(o.status == "failed" for o in outcomes)
    if failed == 0:
        return "ok"
    return "failed" if failed == len(outcomes) else "partial"


def _insert_ledger(
    con: duckdb.DuckDBPyConnection,
    report: RunReport,
    started_at: datetime,
    outcomes: list[SourceOutcome],
) -> None:
    durations = {o.source: (o.fetch_seconds, o.parse_seconds) for o in outcomes}
    con.execute(
        "INSERT INTO runs (run_id, started_at, finished_at, mode, status, sources_ok, "
        "sources_failed, observations_new, history_changes, quarantined, sources_skipped) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.run_id,
            utc_naive(started_at),
            utc_naive(datetime.now(UTC)),
            report.mode,
            report.status,
            # 'unchanged' (HTTP 304) succeeded too; 'skipped' (no recording) did not run at all
            sum(s.status in ("ok", "unchanged") for s in report.sources),
            sum(s.status == "failed" for s in report.sources),
            report.observations_new,
            report.history_changes,
            report.quarantined,
            sum(s.status == "skipped" for s in report.sources),
        ],
    )
    if not report.sources:  # a run that failed before any source was recorded
        return
    con.executemany(
        "INSERT INTO run_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                report.run_id,
                s.source,
                s.leg,
                s.status,
                s.error,
                len(next(o for o in outcomes if o.source == s.source).fetches),
                s.rows_parsed,
                s.rows_new,
                s.rows_quarantined,
                s.problems,
                s.skipped,
                s.history_new,
                s.history_changed,
                s.history_withdrawn,
                *durations[s.source],
            )
            for s in report.sources
        ],
    )
