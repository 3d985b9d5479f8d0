"""`deflator dashboard`: one self-contained HTML file of charts and tables from the marts.

Reads the published read snapshot like `deflator query`; the page is built by
warehouse/dashboard/ and needs no network to view (plotly.js is inlined).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands._common import EXIT_FAILED, EXIT_OK, error
from flows.commands._reader import open_reader
from flows.settings import Settings

NAME = "dashboard"
ORDER = 62
HELP = "build one offline HTML dashboard (charts and tables) from the marts"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write one self-contained HTML file: the price of fixed capability over time with its "
        "trend and factor per year, GPU price per GPU-hour by accelerator and provider, the "
        "electricity and storage price indices, a searchable table of current prices, the "
        "latest price changes and source health. plotly.js and the data are inlined: open it "
        "anywhere, offline. Reads the read snapshot the last run published."
    )
    parser.add_argument(
        "--out", metavar="FILE.html", required=True, type=Path, help="the file to write"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from warehouse.dashboard.page import build_dashboard
    from warehouse.export import MartsMissing

    opened = open_reader(settings)
    if isinstance(opened, int):
        return opened
    con, source = opened
    try:
        built = build_dashboard(con, args.out, source=source)
    except MartsMissing as missing:
        error(str(missing))
        return EXIT_FAILED
    except (duckdb.Error, OSError) as problem:
        error(f"dashboard failed: {problem}")
        return EXIT_FAILED
    finally:
        con.close()
    rows = ", ".join(f"{name} {count}" for name, count in built.rows.items())
    print(f"{built.path}: {built.bytes / 1e6:.1f} MB, {len(built.charts)} charts; rows: {rows}")
    print("open it in any browser; it needs no network", file=sys.stderr)
    return EXIT_OK
