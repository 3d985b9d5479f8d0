"""Keep the ``source_kinds`` table equal to the kinds the sources declare on their classes.

The views that rank listings (``prices_in_force``, ``source_kind_of``, migrations 005 and
009) read ``source_kinds``; its one source of truth is Python: every nightly source declares
``kind`` (scrapers/base.py :class:`SourceKind`) and every backfill dataset is a ``dataset``.
Each read-write connect writes the declared kinds by exact name, so a new source needs no
migration. Rows of names no longer declared (a retired source whose prices stay in the
history) are kept.
"""

from __future__ import annotations

import duckdb

from warehouse.backends import rollback


def declared_kinds() -> dict[str, str]:
    """Every source's and dataset's declared kind, by name; sources without one are left out
    (they rank ``unknown``, and tests/test_source_kinds.py fails for them)."""
    # Imported here: the registries import every source module, which only writers need.
    from scrapers.backfill.registry import all_datasets
    from scrapers.registry import all_sources

    kinds = {name: str(s.kind) for name, s in all_sources().items() if s.kind is not None}
    kinds.update({name: str(dataset.kind) for name, dataset in all_datasets().items()})
    return kinds


def sync_source_kinds(con: duckdb.DuckDBPyConnection) -> bool:
    """Write each declared kind into ``source_kinds``. Returns True if a row changed."""
    wanted = declared_kinds()
    # A DuckLake has no keys: two writers syncing at the same moment (scale-out legs) can each
    # insert a name's row. A name held more than once is rewritten too, so the next writer
    # (the scale-out's final step) leaves exactly one row per name.
    present = {
        source: (kind, rows)
        for source, kind, rows in con.execute(
            "SELECT source, any_value(kind), count(*) FROM source_kinds GROUP BY source"
        ).fetchall()
    }
    changed = sorted(
        (name, kind) for name, kind in wanted.items() if present.get(name) != (kind, 1)
    )
    if not changed:
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        # Delete-then-insert, not INSERT OR REPLACE: a DuckLake has no keys to conflict on.
        con.executemany("DELETE FROM source_kinds WHERE source = ?", [[n] for n, _ in changed])
        con.executemany("INSERT INTO source_kinds VALUES (?, ?)", [list(row) for row in changed])
        con.execute("COMMIT")
    except Exception:
        rollback(con)
        raise
    return True
