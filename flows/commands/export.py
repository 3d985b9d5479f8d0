"""`deflator export`: every mart as Parquet or CSV, for BI tools, pandas, Spark, any engine.

Reads the published read snapshot like `deflator query` (never blocked by a run, never half a
run); the work is warehouse/export.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._reader import open_reader
from flows.settings import Settings

NAME = "export"
ORDER = 60
HELP = "write every mart as Parquet or CSV, or the prices in force as LiteLLM's cost map"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write every mart (docs/marts.md) under --out: Parquet, one folder "
        "per mart (hive-partitioned by leg where that helps), or one CSV file per mart; plus "
        "manifest.json with rows, columns, types and their meaning. Money keeps its exact "
        "digits (Parquet DECIMAL(28,12)). Reads the read snapshot the last run published. "
        "--format litellm writes instead ONE file, --out FILE: the first-party USD prices in "
        "force as LiteLLM's model_prices_and_context_window.json (docs/litellm-export.md)."
    )
    parser.add_argument(
        "--format",
        choices=["parquet", "csv", "litellm"],
        default="parquet",
        help="file format (default: parquet); litellm: LiteLLM's cost-map JSON",
    )
    parser.add_argument(
        "--out",
        metavar="DIR|FILE",
        required=True,
        type=Path,
        help="folder to write (created); with --format litellm, the JSON file",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from flows.tables import render_table
    from warehouse.export import MartsMissing, export_marts

    opened = open_reader(settings)
    if isinstance(opened, int):
        return opened
    con, source = opened
    if args.format == "litellm":
        return _litellm(con, args.out, source)
    try:
        done = export_marts(con, args.out, args.format, source=source)
    except MartsMissing as missing:
        error(str(missing))
        return EXIT_FAILED
    except (duckdb.Error, OSError) as problem:
        error(f"export failed: {problem}")
        return EXIT_FAILED
    finally:
        con.close()
    rows = [[d.name, d.rows, d.files, d.bytes, str(d.path)] for d in done]
    print(render_table(["mart", "rows", "files", "bytes", "path"], rows))
    print(f"{len(done)} marts from {source} → {args.out}/manifest.json", file=sys.stderr)
    return EXIT_OK


def _litellm(con, out: Path, source: object) -> int:
    """`--format litellm`: the cost map of the first-party prices in force (warehouse/
    litellm_export.py)."""
    import duckdb

    from warehouse.litellm_export import export_litellm

    if out.is_dir():
        con.close()
        error(f"--out {out} is a folder: --format litellm writes one JSON file")
        return EXIT_USAGE
    try:
        result = export_litellm(con, out)
    except (duckdb.Error, OSError) as problem:
        error(f"export failed: {problem}")
        return EXIT_FAILED
    finally:
        con.close()
    skipped = sum(result.skipped.values())
    print(
        f"{result.models} models, {result.prices} prices from {source} → {out} "
        f"({skipped} prices with no LiteLLM field left out)"
    )
    return EXIT_OK
