"""Open what the reading commands (query, status, export, dashboard) read: the read snapshot
the last run published, or a DuckLake directly, never blocking a run that is loading."""

from __future__ import annotations

import duckdb

from flows.commands._common import EXIT_FAILED, EXIT_USAGE, error
from flows.settings import Settings

Opened = tuple[duckdb.DuckDBPyConnection, object]


def open_reader(
    settings: Settings,
    *,
    direct: bool = False,
    missing_status: int = EXIT_USAGE,
    missing_hint: str = "",
) -> Opened | int:
    """The read-only connection and what it reads (a file, or a lake's label), or the exit
    status with the reason printed.

    Args:
        settings: The warehouse to read (DEFLATOR_WAREHOUSE, else the embedded file).
        direct: Read the embedded file itself rather than its snapshot (`query
            --no-snapshot`); a DuckLake has no snapshot and is always read directly.
        missing_status: The exit status when no run has written the warehouse yet.
        missing_hint: Appended to the message in that case.
    """
    from warehouse.backends import EmbeddedFile
    from warehouse.connection import WarehouseMissing, connect
    from warehouse.snapshot import connect_reader

    where = settings.warehouse
    try:
        if direct and isinstance(where, EmbeddedFile):
            return connect(where, read_only=True), where.path
        return connect_reader(where)
    except WarehouseMissing as missing:
        error(f"{missing}{missing_hint}")
        return missing_status
    except duckdb.IOException as problem:
        error(f"cannot open {where.label} read-only: {problem}")
        return EXIT_FAILED
