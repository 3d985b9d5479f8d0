"""Open the warehouse: read-write (migrations applied on connect) or read-only (for queries).

The warehouse is an embedded DuckDB file or a DuckLake (warehouse/backends.py); both are
opened here and answer the same SQL, so nothing above this module knows which it has.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb

from warehouse import ducklake
from warehouse.accelerators import sync_accelerators
from warehouse.backends import (
    DuckLake,
    Warehouse,
    as_warehouse,
    redact,
    retry_conflicts,
    rollback,
)
from warehouse.source_kinds import sync_source_kinds


class WarehouseMissing(FileNotFoundError):
    """A read-only open of a database that does not exist yet."""


class WarehouseBusy(RuntimeError):
    """Another process held the warehouse (DuckDB allows one writer) for longer than we waited."""


_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def connect(
    db_path: Warehouse | Path | str, read_only: bool = False, lock_timeout_s: float = 0.0
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse: the DuckDB file at ``db_path``, or the DuckLake it names.

    Read-write opens create the file and its folder if needed and apply pending migrations.
    Read-only opens never create anything: a missing file is a clear error, not a new empty
    database that would answer every query with nothing.

    Args:
        db_path: The warehouse file, or a :class:`warehouse.backends.DuckLake`.
        read_only: Open for reading only.
        lock_timeout_s: While another process holds the file (a second run loading at the
            same moment), retry for this long before giving up with :class:`WarehouseBusy`.
            A DuckLake has no such lock: its writers work at the same time.
    """
    where = as_warehouse(db_path)
    if isinstance(where, DuckLake):
        return _connect_ducklake(where, read_only)
    path = where.path
    if read_only:
        if not path.is_file():
            raise WarehouseMissing(
                f"no warehouse at {path}: run `deflator run --offline` (or `make run`) first, "
                "or point --db / DEFLATOR_DB at an existing file"
            )
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = _open_waiting(path, lock_timeout_s)
    apply_migrations(con)
    sync_accelerators(con)  # the catalog lives in schemas/accelerators.py
    sync_source_kinds(con)  # declared on the source classes (scrapers/base.py)
    return con


def _connect_ducklake(lake: DuckLake, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Attach the lake; a writer applies pending migrations and syncs the catalog tables,
    each retried whole when another process did the same at the same moment."""
    try:
        con = ducklake.attach(lake, read_only=read_only)
    except duckdb.Error as error:
        # Raised again without the original: its text (and traceback) carry the password.
        text = redact(str(error))
        if read_only and "does not exist" in text:
            raise WarehouseMissing(
                f"cannot read the DuckLake {lake.label}: {text}. Has a run written to it yet "
                "(`deflator run` with DEFLATOR_WAREHOUSE set)?"
            ) from None
        raise type(error)(text) from None
    if read_only:
        return con
    try:
        retry_conflicts(
            lambda: apply_migrations(con, _ducklake_bootstrap, ducklake.adapt_migration)
        )
        retry_conflicts(lambda: sync_accelerators(con))
        retry_conflicts(lambda: sync_source_kinds(con))
    except BaseException:
        con.close()
        raise
    return con


def _ducklake_bootstrap(con: duckdb.DuckDBPyConnection) -> Callable[[], None]:
    """Create schema_migrations with its guard row; return the guard every migration runs."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(ducklake.SCHEMA_MIGRATIONS)
        con.execute(ducklake.GUARD_INSERT)
        con.execute("COMMIT")
    except Exception:
        rollback(con)
        raise
    return lambda: con.execute(ducklake.GUARD_UPDATE)


def _embedded_bootstrap(con: duckdb.DuckDBPyConnection) -> Callable[[], None]:
    """Create schema_migrations; the file's lock already keeps a second writer out."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return lambda: None


def _open_waiting(path: Path, timeout_s: float, poll_s: float = 0.2) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-write, waiting up to ``timeout_s`` while another process holds it."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                holder = str(error).split("Conflicting lock is held in", 1)[-1].strip()
                raise WarehouseBusy(
                    f"{path} is in use by another process ({holder}); waited "
                    f"{timeout_s:g} s. Is another run loading? Try again when it has finished."
                ) from error
            time.sleep(poll_s)


def migrations() -> list[tuple[int, str, str]]:
    """All migrations shipped with the package as (version, name, sql), in order."""
    found = []
    for entry in resources.files("warehouse").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [version for version, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


def apply_migrations(
    con: duckdb.DuckDBPyConnection,
    bootstrap: Callable[[duckdb.DuckDBPyConnection], Callable[[], None]] = _embedded_bootstrap,
    adapt: Callable[[str], str] = str,
) -> list[str]:
    """Apply every migration not yet applied, each in its own transaction. Returns their names.

    Args:
        con: A read-write connection.
        bootstrap: Creates schema_migrations; returns what each migration's transaction runs
            first (DuckLake: the guard update that makes two racing migrations conflict).
        adapt: The migration text as this backend runs it (DuckLake: ducklake.adapt_migration).
    """
    guard = bootstrap(con)
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, text in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            guard()
            # Asked again inside the transaction: on a DuckLake another writer may have
            # applied it since `done` was read (a new lake attached by two workers at once);
            # running it again would fail on "already exists", not conflict and retry.
            if con.execute(
                "SELECT count(*) FROM schema_migrations WHERE version = ?", [version]
            ).fetchone()[0]:
                con.execute("ROLLBACK")
                continue
            con.execute(adapt(text))
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, name, datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except Exception:
            rollback(con)
            raise
        applied.append(name)
    return applied
