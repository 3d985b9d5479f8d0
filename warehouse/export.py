"""Export every mart to files other tools read: Parquet (partitioned where it helps) or CSV.

Layout of ``OUT``:

- Parquet: one folder per mart, ``OUT/<mart>/``. Marts the catalog partitions
  (``warehouse.marts.catalog``: ``partition_by``) are written hive style,
  ``OUT/mart_current_prices/leg=llm/data_0.parquet``; the others as one file,
  ``OUT/mart_decline_rates/mart_decline_rates.parquet``. Every engine reads a folder the same
  way: DuckDB ``read_parquet('OUT/<mart>/**/*.parquet', hive_partitioning = true)``, pyarrow
  ``pyarrow.dataset.dataset('OUT/<mart>', partitioning='hive')``, pandas, Spark, Polars.
- CSV: one file per mart with a header, ``OUT/<mart>.csv``.
- ``OUT/manifest.json``: when, from which file, and per mart its rows, path, partitioning and
  every column with its type and meaning (from the catalog).

Money keeps its exact digits: Parquet ``DECIMAL(28,12)`` (pyarrow ``decimal128(28, 12)``),
CSV the decimal text. All marts are read in one transaction, so they agree with each other.
Each mart is written to a temporary name beside its target and renamed into place, so a
reader of ``OUT`` never sees half a mart and a failed export leaves the previous one.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.marts.catalog import MARTS, Mart

FORMATS = ("parquet", "csv")


class MartsMissing(RuntimeError):
    """The database has no marts yet (a read snapshot published before migration 009)."""


@dataclass(frozen=True)
class ExportedMart:
    """What one mart's export wrote."""

    name: str
    rows: int
    path: Path
    files: int
    bytes: int


def missing_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The catalog's marts that ``con`` does not have as views or tables."""
    present = {
        row[0]
        for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'mart\\_%' "
            "ESCAPE '\\'"
        ).fetchall()
    }
    return [m.name for m in MARTS if m.name not in present]


def require_marts(con: duckdb.DuckDBPyConnection, where: object) -> None:
    """Raise :class:`MartsMissing`, saying what to do, when ``con`` lacks any mart."""
    missing = missing_marts(con)
    if missing:
        raise MartsMissing(
            f"{where} has no {', '.join(missing)}: it was published before the marts existed. "
            "Any command that writes (e.g. `deflator run`, `deflator indices`) adds them and "
            "publishes a new read snapshot."
        )


def select_sql(entry: Mart) -> str:
    """The mart's rows in its catalog order."""
    order = ", ".join(f'"{c}"' for c in entry.order_by)
    return f"SELECT * FROM {entry.name} ORDER BY {order}"


def _quote(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _size(path: Path) -> tuple[int, int]:
    if path.is_file():
        return 1, path.stat().st_size
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def _replace(temporary: Path, target: Path) -> None:
    """Move ``temporary`` to ``target``, replacing what was there."""
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
        os.replace(temporary, target)
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    else:
        os.replace(temporary, target)


def _export_one(
    con: duckdb.DuckDBPyConnection, entry: Mart, out_dir: Path, fmt: str
) -> ExportedMart:
    query = select_sql(entry)
    (rows,) = con.execute(f"SELECT count(*) FROM {entry.name}").fetchone()
    if fmt == "csv":
        target = out_dir / f"{entry.name}.csv"
        temporary = out_dir / f".{entry.name}.csv.tmp-{os.getpid()}"
        temporary.unlink(missing_ok=True)
        con.execute(f"COPY ({query}) TO {_quote(temporary)} (FORMAT csv, HEADER true)")
    else:
        target = out_dir / entry.name
        temporary = out_dir / f".{entry.name}.tmp-{os.getpid()}"
        shutil.rmtree(temporary, ignore_errors=True)
        if entry.partition_by:
            columns = ", ".join(f'"{c}"' for c in entry.partition_by)
            con.execute(
                f"COPY ({query}) TO {_quote(temporary)} "
                f"(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ({columns}))"
            )
            if not temporary.exists():  # an empty mart writes no partition at all
                temporary.mkdir()
        else:
            temporary.mkdir()
            file = temporary / f"{entry.name}.parquet"
            con.execute(f"COPY ({query}) TO {_quote(file)} (FORMAT parquet, COMPRESSION zstd)")
    _replace(temporary, target)
    files, size = _size(target)
    return ExportedMart(entry.name, rows, target, files, size)


def export_marts(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path | str,
    fmt: str = "parquet",
    source: object = "",
) -> list[ExportedMart]:
    """Write every mart of ``con`` under ``out_dir`` as ``fmt``.

    Args:
        con: A connection to a warehouse or read snapshot with the marts.
        out_dir: The folder to write; created if missing. Other files in it are left alone.
        fmt: ``parquet`` or ``csv``.
        source: What ``con`` reads, for the manifest.

    Raises:
        MartsMissing: ``con`` has no marts.
        ValueError: An unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    require_marts(con, source or "the database")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    done: list[ExportedMart] = []
    con.execute("BEGIN TRANSACTION")  # one snapshot for every mart
    try:
        for entry in MARTS:
            done.append(_export_one(con, entry, out, fmt))
    finally:
        con.execute("ROLLBACK")  # nothing was written to the database
    _write_manifest(out, fmt, source, done)
    return done


def _write_manifest(out: Path, fmt: str, source: object, done: list[ExportedMart]) -> None:
    by_name = {m.name: m for m in MARTS}
    manifest = {
        "exported_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "format": fmt,
        "source": str(source),
        "marts": {
            d.name: {
                "rows": d.rows,
                "path": d.path.name,
                "files": d.files,
                "bytes": d.bytes,
                "partition_by": list(by_name[d.name].partition_by) if fmt == "parquet" else [],
                "grain": by_name[d.name].grain,
                "description": by_name[d.name].description,
                "columns": [
                    {"name": c.name, "type": c.type, "description": c.description}
                    for c in by_name[d.name].columns
                ],
            }
            for d in done
        },
    }
    temporary = out / f".manifest.json.tmp-{os.getpid()}"
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(temporary, out / "manifest.json")
