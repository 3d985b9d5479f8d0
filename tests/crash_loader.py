"""A loader process for the crash and reader tests: load one big run, then publish the snapshot.

Usage: ``python -m tests.crash_loader DB RUN_ID ROWS [STEP] [PAUSE_S]``

Loads ``ROWS`` token prices (``ROWS`` // 2 skus, input and output, test data) as run
``RUN_ID`` with ``warehouse.load.load_run`` in one transaction, as the nightly load task does,
then publishes the read snapshot. When STEP names a SQL step of the load (e.g.
``history_open``), it prints ``AT <STEP>`` just before that step, inside the load's
transaction, and pauses ``PAUSE_S`` seconds, so a test can SIGKILL it there; STEP ``publish``
pauses when the snapshot's temporary file is complete but not yet renamed into place. Prints
``DONE`` at the end.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import UTC, datetime, timedelta

import warehouse.load as load
import warehouse.snapshot as snapshot
from tests.warehouse_utils import obs, outcome
from warehouse.connection import connect

START = datetime(2026, 11, 1, 2, tzinfo=UTC)


def run_time(run_id: str) -> datetime:
    """Each run id ``run<N>`` observes at its own hour, so every run changes every price."""
    return START + timedelta(hours=int(run_id.removeprefix("run")))


def batch(run_id: str, rows: int) -> list:
    """``rows`` observations: sku i's input and output, priced by run so each run moves them."""
    from schemas.enums import Component

    when = run_time(run_id)
    step = int(run_id.removeprefix("run"))
    prices = [f"{1 + (i % 97) / 100 + step / 1000:.4f}" for i in range(rows // 2)]
    return [
        obs(f"sku-{i}", price, when, component)
        for i, price in enumerate(prices)
        for component in (Component.INPUT, Component.OUTPUT)
    ]


def main(argv: list[str]) -> int:
    db, run_id, rows = argv[0], argv[1], int(argv[2])
    step = argv[3] if len(argv) > 3 else None
    pause = float(argv[4]) if len(argv) > 4 else 30.0
    observations = batch(run_id, rows)
    if step not in (None, "publish"):
        original = load.sql

        def marked(name: str) -> str:
            if name == step:
                print(f"AT {step}", flush=True)
                time.sleep(pause)
            return original(name)

        load.sql = marked
    if step == "publish":
        rename = os.replace

        def paused_rename(source: str, target: str) -> None:
            print("AT publish", flush=True)
            time.sleep(pause)
            rename(source, target)

        snapshot.os.replace = paused_rename  # this throwaway process only
    con = connect(db, lock_timeout_s=60)
    try:
        when = run_time(run_id)
        load.load_run(con, run_id, "offline", when, [outcome(observations, when)])
        snapshot.publish_snapshot(con, db)
    finally:
        con.close()
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
