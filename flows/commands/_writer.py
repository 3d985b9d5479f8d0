"""Open the warehouse for the commands that write derived tables (indices, rates, cost), and
publish the read snapshot afterwards so `deflator query` and dashboards see what they wrote."""

from __future__ import annotations

import duckdb

from flows.commands._common import error
from flows.settings import Settings


def open_writer(settings: Settings) -> duckdb.DuckDBPyConnection | None:
    """The warehouse, read-write (waiting for a running load like every writer); None, with
    the reason printed, when it cannot be opened."""
    from warehouse.connection import WarehouseBusy, connect

    try:
        return connect(settings.warehouse, lock_timeout_s=settings.lock_timeout_s)
    except (duckdb.IOException, WarehouseBusy) as problem:
        error(f"cannot open {settings.warehouse.label}: {problem}")
        return None


def close_and_publish(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Publish the read snapshot (readers never open the warehouse itself), then close."""
    from warehouse.snapshot import publish_snapshot

    try:
        publish_snapshot(con, settings.warehouse)
    finally:
        con.close()
