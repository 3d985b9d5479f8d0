"""Compare two warehouses table by table, whatever their backend (an embedded file, a DuckLake).

Both are attached to one DuckDB connection; every base table of the first is compared with the
same table of the second as a multiset of rows (``EXCEPT ALL`` both ways), leaving out what
differs between two correct runs of the same data: run ids (a scale-out run is one run per
leg), wall-clock stamps and durations. ``runs`` (one row per run) and ``schema_migrations``
(DuckLake keeps a guard row there) are compared by what they add up to instead.
"""

from __future__ import annotations

import duckdb

# Columns that differ between two correct runs of the same data.
VOLATILE = frozenset(
    {
        "run_id",
        "opened_by_run",
        "closed_by_run",
        "computed_at",
        "fetch_seconds",
        "parse_seconds",
        "applied_at",
        "loaded_at",
        "started_at",
        "finished_at",
    }
)
SKIPPED = frozenset({"schema_migrations", "runs"})
RUN_TOTALS = (
    "SELECT count(DISTINCT mode), sum(observations_new), sum(history_changes), sum(quarantined) "
    "FROM {db}.main.runs"
)


def tables(con: duckdb.DuckDBPyConnection, db: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
            "AND schema_name = 'main' ORDER BY table_name",
            [db],
        ).fetchall()
    ]


def columns(con: duckdb.DuckDBPyConnection, db: str, table: str) -> list[str]:
    return [
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? "
            "AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
            [db, table],
        ).fetchall()
    ]


def differences(con: duckdb.DuckDBPyConnection, a: str, b: str) -> dict[str, tuple[int, int]]:
    """Per table of ``a``: (rows only in ``a``, rows only in ``b``); empty when equal.

    Also ``runs`` totals (new observations, history changes, quarantined) under ``runs``
    and a missing table as (-1, -1).
    """
    found: dict[str, tuple[int, int]] = {}
    in_b = set(tables(con, b))
    for table in tables(con, a):
        if table in SKIPPED:
            continue
        if table not in in_b:
            found[table] = (-1, -1)
            continue
        names = ", ".join(f'"{c}"' for c in columns(con, a, table) if c not in VOLATILE)
        left = f'SELECT {names} FROM {a}.main."{table}"'
        right = f'SELECT {names} FROM {b}.main."{table}"'
        only_a = con.execute(f"SELECT count(*) FROM ({left} EXCEPT ALL {right})").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM ({right} EXCEPT ALL {left})").fetchone()[0]
        if only_a or only_b:
            found[table] = (only_a, only_b)
    totals_a = con.execute(RUN_TOTALS.format(db=a)).fetchone()
    totals_b = con.execute(RUN_TOTALS.format(db=b)).fetchone()
    if totals_a != totals_b:
        found["runs"] = (1, 1)
    return found


def row_counts(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, int]:
    """Rows per table of ``db`` (for messages)."""
    return {
        table: con.execute(f'SELECT count(*) FROM {db}.main."{table}"').fetchone()[0]
        for table in tables(con, db)
    }
