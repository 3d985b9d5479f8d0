"""The published read snapshot: what readers open while the nightly run owns the warehouse.

DuckDB lets one process write a file, and while it writes no other process can open it, not
even read-only (FIELD-NOTES); a reader holding the file open also stops the writer. So readers
never touch the warehouse file. After each successful load the run copies the committed
warehouse into ``<name>.read.duckdb`` beside it:

1. the copy is built in a temporary file in the same folder (``COPY FROM DATABASE``: a
   logical copy of every table, view and sequence, consistent because it runs inside the
   writer's connection after the run committed, while the writer holds the lock);
2. the temporary file is flushed to disk and renamed over the published one (``os.replace``
   is atomic), then the folder is flushed.

A reader therefore opens either the previous snapshot or the new one, whole: never half a run,
never blocked (a reader that already has the old file open keeps reading it; the rename does
not disturb it). A crash while publishing leaves the previous snapshot in place and a stray
temporary file, removed by the next publish.

A DuckLake warehouse (warehouse/backends.py) needs none of this: every committed transaction
is a DuckLake snapshot, readers attach the lake itself and see the last whole run, never
blocked by writers. ``publish_snapshot`` does nothing there and ``connect_reader`` attaches
the lake read-only.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from warehouse.backends import DuckLake, Warehouse, as_warehouse
from warehouse.connection import connect
from warehouse.ducklake import allow_data_path

_ALIAS = "deflator_publish"


def snapshot_path(db_path: Path | str) -> Path:
    """Where the read snapshot of ``db_path`` is published: ``<stem>.read<suffix>`` beside it."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}.read{path.suffix or '.duckdb'}")


def publish_snapshot(
    con: duckdb.DuckDBPyConnection, db_path: Warehouse | Path | str
) -> Path | None:
    """Publish a consistent copy of the warehouse for readers, atomically.

    Args:
        con: The writer's read-write connection to ``db_path``, outside any transaction.
        db_path: The warehouse file ``con`` is connected to (a DuckLake: nothing to do).

    Returns:
        The published snapshot's path (None for a DuckLake).
    """
    where = as_warehouse(db_path)
    if isinstance(where, DuckLake):
        return None  # readers read the lake's last snapshot directly
    target = snapshot_path(where.path)
    for stale in target.parent.glob(f".{target.name}.*.tmp*"):
        stale.unlink(missing_ok=True)  # left by a publish that crashed; we hold the writer lock
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    (database,) = con.execute("SELECT current_database()").fetchone()
    quoted = str(temporary).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS {_ALIAS}")
    try:
        con.execute(f'COPY FROM DATABASE "{database}" TO {_ALIAS}')
        con.execute(f"CHECKPOINT {_ALIAS}")
    finally:
        con.execute(f"DETACH {_ALIAS}")
    wal = Path(f"{temporary}.wal")
    if wal.exists():  # everything must be in the one file that is renamed
        raise RuntimeError(f"snapshot {temporary} still has a write-ahead log after detaching")
    _fsync(temporary)
    os.replace(temporary, target)
    _fsync(target.parent)
    return target


def connect_reader(
    db_path: Warehouse | Path | str,
) -> tuple[duckdb.DuckDBPyConnection, Path | str]:
    """Open what readers should read: the published snapshot, else the warehouse read-only.

    Returns:
        The read-only connection and the file it reads (a DuckLake: its label).

    Raises:
        warehouse.connection.WarehouseMissing: Neither file exists.
        duckdb.IOException: Only the warehouse exists and a writer holds it.
    """
    where = as_warehouse(db_path)
    if isinstance(where, DuckLake):
        con = connect(where, read_only=True)
        allow_data_path(con)  # still readable if the reader turns file access off
        return con, where.label
    published = snapshot_path(where.path)
    if published.is_file():
        return duckdb.connect(str(published), read_only=True), published
    return connect(where.path, read_only=True), where.path


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
