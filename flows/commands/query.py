"""`deflator query`: one SQL statement against the warehouse, read-only.

It reads the read snapshot the last run published (warehouse/snapshot.py), so it is never
blocked by a run that is loading and never sees half a run, and never blocks the run either;
``--no-snapshot`` reads the warehouse file itself.
"""

from __future__ import annotations

import argparse
import sys

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.settings import Settings

NAME = "query"
ORDER = 20
HELP = "run SQL against the warehouse, read-only"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Open the warehouse read-only and print the result of one SQL statement. "
        "Reads the snapshot the last run published (<db>.read.duckdb), so a run that is "
        "loading neither blocks the query nor shows half its rows. "
        "See the README's table reference for the tables and their columns."
    )
    parser.add_argument("sql", metavar="SQL", help='the statement, e.g. "select * from runs"')
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format (default: table; csv and json keep every digit of a price)",
    )
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="read the warehouse file itself, not the published snapshot "
        "(fails while a run is writing, and holds up a run that wants to write)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from flows.tables import RENDERERS
    from warehouse.connection import WarehouseMissing, connect
    from warehouse.snapshot import connect_reader

    try:
        if args.no_snapshot:
            con = connect(settings.db_path, read_only=True)
        else:
            con, _ = connect_reader(settings.db_path)
    except WarehouseMissing as missing:
        error(str(missing))
        return EXIT_USAGE
    except duckdb.IOException as problem:
        error(f"cannot open {settings.db_path} read-only: {problem}")
        return EXIT_FAILED
    try:
        cursor = con.execute(args.sql)
        if cursor.description is None:
            return EXIT_OK
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as problem:
        error(f"query failed: {problem}")
        return EXIT_FAILED
    finally:
        con.close()
    output = RENDERERS[args.format](columns, rows)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK
