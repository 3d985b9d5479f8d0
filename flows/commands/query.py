"""`deflator query`: one read-only SQL statement against the warehouse, safely.

It reads the read snapshot the last run published (warehouse/snapshot.py), so it is never
blocked by a run that is loading and never sees half a run, and never blocks the run either;
``--no-snapshot`` reads the warehouse file itself. The statement goes through
warehouse/safe_query.py: reading statements only, no files outside the warehouse, no
extensions, locked settings, and a time limit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._reader import open_reader
from flows.settings import Settings

NAME = "query"
ORDER = 20
HELP = "run read-only SQL against the warehouse (argument, file or stdin)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Open the warehouse read-only and print the result of one SQL statement, given as "
        "the argument, read from a file (--file PATH, or @PATH) or from stdin (-). "
        "Reads the snapshot the last run published (<db>.read.duckdb), so a run that is "
        "loading neither blocks the query nor shows half its rows. Only reading statements "
        "run (SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN, CALL); nothing outside the "
        "warehouse can be read or written, no extension installed or loaded, and a query "
        "is stopped at --timeout. Examples: docs/query.md; the tables: docs/tables.md."
    )
    parser.add_argument(
        "sql",
        metavar="SQL",
        nargs="?",
        help='the statement, e.g. "select * from runs"; @PATH reads it from a file, - from stdin',
    )
    parser.add_argument(
        "-f", "--file", metavar="PATH", help="read the statement from this file (UTF-8)"
    )
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format (default: table; csv and json keep every digit of a price)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="stop the query after this many seconds; 0: no limit "
        "(default: $DEFLATOR_QUERY_TIMEOUT, else 60)",
    )
    parser.add_argument(
        "--no-snapshot",
        action="store_true",
        help="read the warehouse file itself, not the published snapshot "
        "(fails while a run is writing, and holds up a run that wants to write; a DuckLake "
        "has no snapshot and is always read directly)",
    )


def read_sql(args: argparse.Namespace) -> str:
    """The statement from the argument, ``@PATH``, ``--file PATH`` or ``-`` (stdin).

    Raises:
        ValueError: No statement or two sources given, or the file cannot be read.
    """
    if args.file and args.sql:
        raise ValueError("give the SQL either as an argument or with --file, not both")
    if args.file:
        path = args.file
    elif args.sql is None:
        raise ValueError("no SQL given: pass it as an argument, --file PATH, @PATH, or - (stdin)")
    elif args.sql == "-":
        return sys.stdin.read()
    elif args.sql.startswith("@"):
        path = args.sql[1:]
    else:
        return args.sql
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as problem:
        raise ValueError(f"cannot read SQL from {path}: {problem}") from problem


def run(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from flows.tables import RENDERERS
    from warehouse.safe_query import (
        QueryRefused,
        QueryTimeout,
        explain_error,
        harden,
        run_query,
    )

    try:
        text = read_sql(args)
    except ValueError as problem:
        error(str(problem))
        return EXIT_USAGE
    timeout = settings.query_timeout_s if args.timeout is None else args.timeout
    if timeout < 0:
        error("--timeout must be 0 (no limit) or more seconds")
        return EXIT_USAGE
    opened = open_reader(settings, direct=args.no_snapshot)
    if isinstance(opened, int):
        return opened
    con, _ = opened
    try:
        harden(con)
        result = run_query(con, text, timeout)
    except (QueryRefused, QueryTimeout) as stopped:
        error(str(stopped))
        return EXIT_FAILED
    except duckdb.Error as problem:
        error(explain_error(problem))
        return EXIT_FAILED
    finally:
        con.close()
    if not result.columns:
        return EXIT_OK
    output = RENDERERS[args.format](result.columns, result.rows)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK
