"""Keep the ``accelerators`` table equal to the catalog in :mod:`schemas.accelerators`.

The catalog's one source of truth is Python (parsers need the ids and the mapper; the table
needs the same rows for the ``compute_prices`` view). Every read-write connect compares the
table with the catalog and, if they differ, replaces the rows in one transaction.
"""

from __future__ import annotations

import duckdb

from schemas.accelerators import CATALOG, Accelerator
from warehouse.backends import rollback
from warehouse.sqlfiles import sql

_COLUMNS = (
    "id, vendor, name, memory_gb, memory_source, memory_citation, peak_dense_bf16_tflops, "
    "peak_source, peak_citation, board_power_w, power_source, power_citation"
)


def _row(accelerator: Accelerator) -> tuple:
    return (
        accelerator.id,
        accelerator.vendor,
        accelerator.name,
        accelerator.memory_gb,
        accelerator.memory_source,
        accelerator.memory_citation,
        accelerator.peak_dense_bf16_tflops,
        accelerator.peak_source,
        accelerator.peak_citation,
        accelerator.board_power_w,
        accelerator.power_source,
        accelerator.power_citation,
    )


def sync_accelerators(con: duckdb.DuckDBPyConnection) -> bool:
    """Make the ``accelerators`` table hold exactly the catalog. Returns True if it changed."""
    wanted = sorted(_row(a) for a in CATALOG)
    present = con.execute(f"SELECT {_COLUMNS} FROM accelerators ORDER BY id").fetchall()
    if present == wanted:
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM accelerators")
        con.executemany(sql("insert_accelerator"), wanted)
        con.execute("COMMIT")
    except Exception:
        rollback(con)
        raise
    return True
