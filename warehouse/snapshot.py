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

A publish that fails after the load committed (a full disk, a read-only target) leaves the
load in place and the previous snapshot published: the run reports "loaded, snapshot not
published", and a marker ``<stem>.read.behind.json`` beside the warehouse (run id, reason)
tells `deflator status` that readers see an older state than the warehouse holds. The next
successful publish (the next run, or any command that writes) removes it.

A DuckLake warehouse (warehouse/backends.py) needs none of this: every committed transaction
is a DuckLake snapshot, readers attach the lake itself and see the last whole run, never
blocked by writers. ``publish_snapshot`` does nothing there and ``connect_reader`` attaches
the lake read-only.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
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
    behind_path(where.path).unlink(missing_ok=True)  # readers see the warehouse again
    return target


def behind_path(db_path: Path | str) -> Path:
    """The marker that says the read snapshot of ``db_path`` is older than the warehouse."""
    path = Path(db_path)
    return path.with_name(f"{path.stem}.read.behind.json")


def publish_after_commit(
    con: duckdb.DuckDBPyConnection, db_path: Warehouse | Path | str, run_id: str
) -> str | None:
    """Publish the snapshot after a committed load; a failure is returned, not raised.

    The load is committed whatever happens here, so a failure must not be reported as a
    failed load: it is marked (:func:`mark_behind`) for `deflator status` and returned as the
    reason, for the run's summary ("loaded, snapshot not published: …").
    """
    try:
        publish_snapshot(con, db_path)
    except Exception as error:  # anything: the load stays, readers keep the old snapshot
        reason = f"{type(error).__name__}: {error}"
        mark_behind(db_path, run_id, reason)
        return reason
    return None


def mark_behind(db_path: Warehouse | Path | str, run_id: str, reason: str) -> bool:
    """Record that run ``run_id`` committed but its snapshot was not published (best effort:
    False when even the marker cannot be written, e.g. the disk is full)."""
    where = as_warehouse(db_path)
    if isinstance(where, DuckLake):
        return False
    marker = behind_path(where.path)
    try:
        previous = snapshot_behind(where) or {}
        marker.write_text(
            json.dumps(
                {
                    "since_run": previous.get("since_run", run_id),
                    "last_run": run_id,
                    "reason": reason,
                    "at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            ),
            encoding="utf-8",
        )
    except OSError:
        return False
    return True


def snapshot_behind(db_path: Warehouse | Path | str) -> dict[str, str] | None:
    """The marker's content when the read snapshot is behind the warehouse, else None."""
    where = as_warehouse(db_path)
    if isinstance(where, DuckLake):
        return None
    try:
        return json.loads(behind_path(where.path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        return {"since_run": "?", "last_run": "?", "reason": f"unreadable marker: {error}"}


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
