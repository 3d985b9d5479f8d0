"""Every run that started leaves a ledger row, whatever happened to it.

A run whose load fails as a whole (or that fails before its load) would otherwise leave no
trace in ``runs``, and `deflator status` would stay green until its staleness limit. Here the
failure is written as a failed run (warehouse.load.record_failed_run) and the read snapshot is
published so readers see it. Best effort: a warehouse that cannot be written at all (held by
another writer past the lock timeout, a full disk) is logged, and the original error goes on.
"""

from __future__ import annotations

import logging
from datetime import datetime

import duckdb

from flows.logs import event
from flows.settings import Settings
from warehouse.connection import connect
from warehouse.load import SourceOutcome, record_failed_run
from warehouse.snapshot import publish_after_commit


def record_failure(
    settings: Settings,
    run_id: str,
    mode: str,
    started_at: datetime,
    outcomes: list[SourceOutcome],
    error: BaseException,
    con: duckdb.DuckDBPyConnection | None = None,
) -> bool:
    """Write run ``run_id`` as failed with ``error`` and publish; True when it was written.

    Args:
        con: The run's open read-write connection, if it has one (else one is opened).
    """
    own = con is None
    try:
        if con is None:
            con = connect(settings.warehouse, lock_timeout_s=settings.lock_timeout_s)
        if con.execute("SELECT count(*) FROM runs WHERE run_id = ?", [run_id]).fetchone()[0]:
            return True  # its load committed; what failed came after
        record_failed_run(con, run_id, mode, started_at, outcomes, error)
        publish_after_commit(con, settings.warehouse, run_id)
    except Exception as problem:  # the original error matters more; say why there is no row
        event(
            "ledger_failed",
            "run %s failed (%s) and its ledger row could not be written: %s",
            run_id,
            error,
            problem,
            level=logging.ERROR,
        )
        return False
    finally:
        if own and con is not None:
            con.close()
    event(
        "run_failed",
        "run %s failed before its load committed: %s",
        run_id,
        error,
        level=logging.ERROR,
    )
    return True


def close_after_commit(con: duckdb.DuckDBPyConnection) -> None:
    """Close the writer's connection; a failure there (a checkpoint on a full disk) comes
    after the run committed, so it is logged, not raised as a failed load."""
    try:
        con.close()
    except Exception as error:
        event("close_failed", "closing the warehouse failed: %s", error, level=logging.WARNING)
