"""Open the warehouse: read-write (migrations applied on connect) or read-only (for queries)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import duckdb


class WarehouseMissing(FileNotFoundError):
    """A read-only open of a database that does not exist yet."""


_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def connect(db_path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file at ``db_path``.

    Read-write opens create the file and its folder if needed and apply pending migrations.
    Read-only opens never create anything: a missing file is a clear error, not a new empty
    database that would answer every query with nothing.
    """
    path = Path(db_path)
    if read_only:
        if not path.is_file():
            raise WarehouseMissing(
                f"no warehouse at {path}: run `deflator run --offline` (or `make run`) first, "
                "or point --db / DEFLATOR_DB at an existing file"
            )
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    apply_migrations(con)
    return con


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


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet applied, each in its own transaction. Returns their names."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, text in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(text)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, name, datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
