"""History: one night's SCD2 update on a long history.

Set-up (not timed): a warehouse whose ``price_history`` holds ``scale.history_rows`` rows and
whose ``observations`` the same count (``synth.build_history_warehouse``), checkpointed; then
one night's observations of its series as pydantic Observations, one outcome per source, as
the nightly flow hands them to the loader (``synth.night_outcomes``).

Timed: :func:`warehouse.load.load_run` of that night — drift check, Arrow staging, checks
against the price in force (ASOF join over the whole history), the anti-join against every
stored observation, continue / close / open history rows, withdrawals, ledger — one
transaction, committed.

Reference: DuckDB alone touching the same rows once: a single ``UPDATE … FROM`` of the night's
series against the prices in force (the floor of any SCD2 update), in a transaction rolled
back.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from bench import synth
from bench.common import Result, load_average, si

GOAL_SECONDS = 10.0


def run(work: Path, scale: synth.Scale, memory_limit: str) -> list[Result]:
    import pyarrow as pa

    from warehouse.connection import connect
    from warehouse.load import FetchRecord, SourceOutcome, load_run

    path = work / "history.duckdb"
    path.unlink(missing_ok=True)
    con = connect(path)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    try:
        started = time.perf_counter()
        built = synth.build_history_warehouse(con, scale)
        night = synth.night_outcomes(con)
        setup = time.perf_counter() - started
        outcomes = []
        for source, observations in night.by_source.items():
            fetch = FetchRecord(
                source=source,
                url=f"https://synth.invalid/{source}",
                status=200,
                fetched_at=night.observed_at,
                sha256=observations[0].page_hash,
                size=0,
                headers={},
                replayed=True,
            )
            outcomes.append(
                SourceOutcome(source, observations[0].leg.value, "ok", None, [fetch], observations)
            )
        keys = pa.table(
            {
                "series_key": [
                    "\x1f".join((o.source, o.provider, o.sku, o.component, o.tier, o.region, "USD"))
                    for obs in night.by_source.values()
                    for o in obs
                ]
            }
        )
        load_start = load_average()
        started = time.perf_counter()
        report = load_run(con, "bench-night", "offline", datetime.now(UTC), outcomes)
        seconds = time.perf_counter() - started
        load_end = load_average()
        reference = _reference(con, keys, night.observed_at.replace(tzinfo=None))
    finally:
        con.close()
        path.unlink(missing_ok=True)
    rows = night.counts["observations"]
    return [
        Result(
            benchmark="history (one night, SCD2)",
            figure=f"{seconds:.2f} s for {si(rows)} obs on {si(built['history_rows'])} rows",
            reference=f"{reference:.2f} s (one UPDATE … FROM of the same series)",
            ratio=f"{seconds / reference:.1f}×",
            goal=f"< {GOAL_SECONDS:g} s",
            met=seconds < GOAL_SECONDS,
            load=(load_start, load_end),
            seconds=seconds,
            details={
                "setup_seconds": round(setup, 1),
                "series": built["series"],
                "history_rows": built["history_rows"],
                **night.counts,
                "new_observations": report.observations_new,
                "history_changes": report.history_changes,
                "quarantined": report.quarantined,
                "withdrawn": sum(s.history_withdrawn for s in report.sources),
                "steps": report.step_seconds,
            },
        )
    ]


def _reference(con, keys, observed_at: datetime) -> float:
    """Seconds for one set-based UPDATE of the prices in force of the night's series."""
    con.register("night_keys", keys)
    try:
        con.execute("BEGIN TRANSACTION")
        started = time.perf_counter()
        con.execute(
            "UPDATE price_history h SET last_observed_at = ? FROM night_keys n "
            "WHERE h.series_key = n.series_key AND h.valid_to IS NULL",
            [observed_at],
        )
        seconds = time.perf_counter() - started
        con.execute("ROLLBACK")
        return seconds
    finally:
        con.unregister("night_keys")
