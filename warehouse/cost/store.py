"""Store a workload's cost and projections in cost_projections (replacing its earlier rows)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from warehouse.cost.model import Projection
from warehouse.cost.workload import Workload
from warehouse.indices.store import now


def replace_projections(
    con: duckdb.DuckDBPyConnection, workload: Workload, rows: Sequence[Projection]
) -> None:
    """Replace every row of the workload (by name) with ``rows``, in one transaction."""
    stamp = now()
    values = [
        (
            workload.name,
            workload.path,
            r.horizon_months,
            r.leg,
            r.cost,
            r.low,
            r.high,
            r.factor_per_year,
            r.basis,
            stamp,
        )
        for r in rows
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM cost_projections WHERE workload = ?", [workload.name])
        con.executemany(
            "INSERT INTO cost_projections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
