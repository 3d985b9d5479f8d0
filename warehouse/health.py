"""Is every source getting its prices in? The rules behind `deflator status`.

Read from the run ledger (``runs`` × ``run_sources``; SQL: ``source_health.sql``). A nightly
source is **healthy** when its last attempt

- succeeded (``ok``, or ``unchanged``: every page answered 304) at most ``max_age_hours``
  before now, or
- was skipped because an offline run has no recording of it, at most ``max_age_hours`` ago
  (an offline run cannot do better; a live run never skips).

Otherwise it is ``failing`` (its last attempt failed: ``consecutive_failures`` says since
when), ``stale`` (the last success is too old: the schedule stopped, or runs crash before
their load), or ``never run``. Age is measured from the start of the run that succeeded, never
from a price's capture time: an offline run replays recordings months old and is still a
success today.

Backfill datasets run on demand, so they have no age limit: a dataset is healthy unless its
last import failed. They are reported, but only nightly sources decide the exit status.

Every run that started has a ledger row, even one whose load failed as a whole (written as
'failed' with the reason: flows/run_ledger.py), so a failing night shows here at once rather
than when its sources go stale. Whether readers see the warehouse's latest state is a separate
question, answered by the publish marker (warehouse/snapshot.py ``snapshot_behind``), which
`deflator status` reports beside this table (docs/load-safety.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from warehouse.sqlfiles import sql

NIGHTLY, DATASET = "nightly", "dataset"
NO_RECORDING = "no recording"  # the reason an offline run skips a source (flows/nightly.py)
SECONDS_PER_HOUR = 3600.0

COLUMNS = (
    "source",
    "kind",
    "leg",
    "health",
    "healthy",
    "last_run",
    "last_status",
    "last_success",
    "age_hours",
    "rows",
    "in_force",
    "consecutive_failures",
    "drift_alarms",
    "last_drift",
    "last_error",
)


@dataclass(frozen=True)
class SourceHealth:
    """One source's state, as `deflator status` prints it."""

    source: str
    kind: str  # 'nightly' or 'dataset'
    leg: str | None
    health: str  # 'ok', 'unchanged', 'skipped: no recording', 'failing', 'stale', 'never run'
    healthy: bool
    last_run: datetime | None  # start of the last run that tried the source
    last_status: str | None
    last_success: datetime | None  # start of the last run where it was ok or unchanged
    age_hours: float | None  # hours since last_success
    rows: int | None  # rows parsed in its last 'ok' run
    in_force: int  # price_history rows in force
    consecutive_failures: int
    drift_alarms: int  # failed runs whose reason starts with "layout drift"
    last_drift: datetime | None
    last_error: str | None  # the reason of its most recent failure

    def row(self) -> list[object]:
        """The values in COLUMNS order."""
        return [getattr(self, name) for name in COLUMNS]


def utc_now() -> datetime:
    """Now in UTC, naive, like every timestamp in the warehouse."""
    return datetime.now(UTC).replace(tzinfo=None)


def _hours(since: datetime | None, now: datetime) -> float | None:
    return None if since is None else (now - since).total_seconds() / SECONDS_PER_HOUR


def _judge(kind: str, ledger: dict, now: datetime, max_age_hours: float) -> tuple[str, bool]:
    """(health, healthy) of one source from its ledger row."""
    status = ledger["last_status"]
    if status == "failed":
        return "failing", False
    if kind == DATASET:
        return ("ok", True) if status in ("ok", "unchanged") else (f"{status}", False)
    if status in ("ok", "unchanged"):
        age = _hours(ledger["last_success"], now)
    elif status == "skipped" and ledger["last_status_error"] == NO_RECORDING:
        age, status = _hours(ledger["last_run"], now), f"skipped: {NO_RECORDING}"
    else:
        return f"{status}: {ledger['last_status_error'] or 'no reason given'}", False
    if age is None or age > max_age_hours:
        return "stale", False
    return status, True


def source_health(
    con: duckdb.DuckDBPyConnection,
    nightly: Iterable[tuple[str, str]],
    datasets: Iterable[tuple[str, str]] = (),
    max_age_hours: float = 36.0,
    now: datetime | None = None,
) -> list[SourceHealth]:
    """The health of each expected source, nightly sources first, then datasets.

    Args:
        con: A connection to the warehouse or its read snapshot.
        nightly: (name, leg) of every source the nightly run should load (the registry).
        datasets: (name, leg) of every backfill dataset.
        max_age_hours: Oldest acceptable success of a nightly source.
        now: The time to judge age against (naive UTC; default: now).
    """
    now = now or utc_now()
    cursor = con.execute(sql("source_health"))
    names = [d[0] for d in cursor.description]
    ledger = {
        (r["kind"], r["source"]): r
        for r in (dict(zip(names, row, strict=True)) for row in cursor.fetchall())
    }
    out = []
    for kind, expected in ((NIGHTLY, nightly), (DATASET, datasets)):
        for name, leg in sorted(expected):
            row = ledger.get((kind, name))
            if row is None:
                out.append(
                    SourceHealth(
                        name, kind, leg, "never run", False, None, None, None, None, None,
                        0, 0, 0, None, None,
                    )
                )  # fmt: skip
                continue
            health, healthy = _judge(kind, row, now, max_age_hours)
            out.append(
                SourceHealth(
                    source=name,
                    kind=kind,
                    leg=row["leg"] or leg,
                    health=health,
                    healthy=healthy,
                    last_run=row["last_run"],
                    last_status=row["last_status"],
                    last_success=row["last_success"],
                    age_hours=_hours(row["last_success"], now),
                    rows=row["rows"],
                    in_force=row["in_force"],
                    consecutive_failures=row["consecutive_failures"],
                    drift_alarms=row["drift_alarms"],
                    last_drift=row["last_drift"],
                    last_error=row["last_error"],
                )
            )
    return out


def all_healthy(report: Iterable[SourceHealth]) -> bool:
    """True when every nightly source is healthy (datasets do not count)."""
    return all(h.healthy for h in report if h.kind == NIGHTLY)
