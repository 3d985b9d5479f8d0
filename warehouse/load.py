"""Load one run into the warehouse in a single transaction: ledger, fetches, observations,
quarantine and the SCD2 price history.

The order inside the transaction matters and is fixed here:

1. Layout drift: a source that parsed no rows, or fewer than half the rows of its last good
   run, is failed before anything of it is stored; its prices stay in force.
2. Stage the observations of the sources that succeeded (one Arrow scan).
3. Check them: plausibility ceilings and the step-move rule send rows to quarantine.
4. Append clean, unseen observations (the natural key makes reruns add nothing).
5. Move the history: turn the clean prices into runs of equal price per series (one per
   series on a nightly run, many in a backfill), continue or close the price in force, open
   the new ones, and close the series a successful source no longer lists (withdrawn).
6. Write the ledger rows.

Any error rolls the whole run back: the warehouse is left exactly as it was.
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
from warehouse.source_windows import record_source_windows
from warehouse.sqlfiles import sql

DEFAULT_MAX_STEP_FACTOR = Decimal(10)
DRIFT_MIN_SHARE = Decimal("0.5")
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

    @property
    def rows(self) -> int:
        """Observations parsed: the pydantic ones plus the rows of ``table``."""
        return len(self.observations) + (row_count(self.table) if self.table is not None else 0)


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
) -> RunReport:
    """Load a run's outcomes atomically and return what changed.

    Args:
        con: A read-write connection with migrations applied.
        run_id: Unique id of this run (sortable by time).
        mode: 'offline' or 'live'.
        started_at: When the run started (timezone-aware).
        outcomes: One per source attempted.
        max_step_factor: A price moving by more than this factor in one step is quarantined.
    """
    # Staging tables made inside the transaction have no statistics, and DuckDB then runs the
    # ASOF join of stage_checked as a nested loop (20k prices x 60k history rows: 13 s instead
    # of 0.3 s, measured). Threshold 0 keeps it an ASOF join whatever the estimate.
    con.execute("SET asof_loop_join_threshold = 0")
    steps = StepTimer()
    con.execute("BEGIN TRANSACTION")
    try:
        _fail_drifted_sources(con, outcomes)
        reports = {o.source: _initial_report(o) for o in outcomes}
        params = {"run_id": run_id}

        with steps("fetches"):
            _insert_fetches(con, run_id, outcomes)
        with steps("stage"):
            _stage(con, [o for o in outcomes if o.status == "ok"])
        with steps("check"):
            con.execute(sql("step_rule"))
            con.execute(sql("stage_checked"), {"max_step_factor": max_step_factor})
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
            con.execute(sql("stage_withdrawn"))
            for source, count in con.execute(
                "SELECT source, count(*) FROM withdrawn GROUP BY source"
            ).fetchall():
                reports[source].history_withdrawn = count
            con.execute(sql("history_close_withdrawn"), params)

        _insert_problems(con, run_id, outcomes)
        record_source_windows(con)  # the staleness windows the views read (011_hygiene.sql)
        report = RunReport(run_id, mode, _run_status(outcomes), list(reports.values()))
        _insert_ledger(con, report, started_at, outcomes)
        with steps("commit"):
            con.execute("COMMIT")
        report.step_seconds = steps.seconds
    except BaseException:
        rollback(con)  # not hiding a conflict (backends.py)
        raise
    finally:
        con.execute("DROP VIEW IF EXISTS temp.stage_checked")
        con.execute("DROP MACRO IF EXISTS temp.step_rejected")
        con.execute("DROP MACRO IF EXISTS temp.step_too_far")
        for name in (
            "stage",
            "stage_checks",
            "stage_new",
            "stage_quarantine",
            "snapshot",
            "withdrawn",
            "stage_sources",
        ):
            con.execute(f"DROP TABLE IF EXISTS temp.{name}")
    return report


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


def _fail_drifted_sources(con: duckdb.DuckDBPyConnection, outcomes: list[SourceOutcome]) -> None:
    """Fail sources whose row count collapsed: a layout change must not withdraw real prices."""
    last_good = dict(con.execute(sql("last_good_rows")).fetchall())
    for outcome in outcomes:
        if outcome.status != "ok":
            continue
        rows = outcome.rows
        previous = last_good.get(outcome.source)
        if rows == 0:
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


def _stage(con: duckdb.DuckDBPyConnection, ok: list[SourceOutcome]) -> None:
    observations = [obs for outcome in ok for obs in outcome.observations]
    bulk = [conform(o.table) for o in ok if o.table is not None and row_count(o.table)]
    columns = ", ".join(OBSERVATION_SCHEMA.names)
    if bulk:
        # Created empty from SQL, never from an empty Arrow scan: DuckDB 1.5.5 silently drops
        # an append of a row group or more that follows an empty Arrow append to the same
        # table in one transaction (bench/README.md).
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE stage AS SELECT {columns} FROM observations LIMIT 0"
        )
        parts = ([observations_table(observations)] if observations else []) + bulk
        statement = f"INSERT INTO stage SELECT {columns} FROM stage_arrow"
    else:
        parts = [observations_table(observations)]
        statement = "CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM stage_arrow"
    for rows in parts:  # a dataset is scanned by DuckDB in batches, column by column
        con.register("stage_arrow", rows)
        try:
            con.execute(statement)
        finally:
            con.unregister("stage_arrow")
    if bulk:
        _check_stage(con)
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
    con.register("stage_sources_arrow", as_of)
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE stage_sources AS SELECT * FROM stage_sources_arrow"
        )
    finally:
        con.unregister("stage_sources_arrow")


def _latest_observation_time(outcome: SourceOutcome) -> datetime:
    """The as-of time of a source without fetch records: its latest observation."""
    if not outcome.rows:
        raise ValueError(f"source {outcome.source} has neither fetches nor observations")
    latest = [obs.observed_at for obs in outcome.observations]
    if outcome.table is not None and row_count(outcome.table):
        latest.append(latest_observed_at(outcome.table))
    return max(latest)


def _check_stage(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a bulk table that breaks the rules pydantic checks on each Observation."""
    broken = con.execute(
        sql("stage_invalid"),
        {
            "legs": [leg.value for leg in Leg],
            "currencies": [currency.value for currency in Currency],
            "component_units": [f"{c.value}/{u.value}" for c, u in CANONICAL_UNIT_OF.items()],
        },
    ).fetchall()
    if broken:
        raise ValueError(
            "observation table refused: "
            + "; ".join(f"{rule}: {rows} row(s), e.g. {example}" for rule, rows, example in broken)
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
        "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            report.run_id,
            utc_naive(started_at),
            utc_naive(datetime.now(UTC)),
            report.mode,
            report.status,
            sum(s.status != "failed" for s in report.sources),  # 'unchanged' succeeded too
            sum(s.status == "failed" for s in report.sources),
            report.observations_new,
            report.history_changes,
            report.quarantined,
        ],
    )
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
