"""Write each source's staleness window, as its class declares it, into ``source_windows``.

The views of migration 011 (history_hygiene and what reads it) judge a price current only
within its source's window; the window belongs to the source (scrapers/base.py) or dataset
(scrapers/backfill/base.py), so the table is rewritten from them on every load and can never
drift from the code. docs/input-hygiene.md explains the numbers.
"""

from __future__ import annotations

import duckdb

NIGHTLY, DATASET = "nightly", "dataset"


def declared_windows() -> list[tuple[str, str, int, int, bool, bool, bool]]:
    """(source, kind, cadence_days, stale_after_days, change_log, dated_records,
    regular_cadence) for every known source."""
    from scrapers.backfill.registry import all_datasets  # the loader needs no scrapers else
    from scrapers.registry import all_sources

    rows = [
        (s.name, NIGHTLY, 1, s.stale_after_days, False, False, False)
        for s in all_sources().values()
    ]
    rows += [
        (
            d.name,
            DATASET,
            d.cadence_days,
            d.stale_after_days,
            d.change_log,
            d.dated_records,
            d.regular_cadence,
        )
        for d in all_datasets().values()
    ]
    return rows


def record_source_windows(con: duckdb.DuckDBPyConnection) -> int:
    """Replace ``source_windows`` with the declared windows (inside the caller's transaction)."""
    rows = declared_windows()
    con.execute("DELETE FROM source_windows")
    con.executemany("INSERT INTO source_windows VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)
