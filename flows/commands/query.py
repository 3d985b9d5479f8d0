"""`deflator query`: one read-only SQL statement against the warehouse, safely.

It reads the read snapshot the last run published (warehouse/snapshot.py), so it is never
blocked by a run that is loading and never sees half a run, and never blocks the run either;
``--no-snapshot`` reads the warehouse file itself. The statement runs in a child process
with hard time and memory limits (warehouse/query_sandbox.py) and goes through
warehouse/safe_query.py there: reading statements only, allowed functions only, no files
outside the warehouse, no extensions, locked settings. See docs/query-sandbox.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands._common import EXIT_USAGE, error
from flows.settings import Settings
from warehouse.query_limits import DEFAULT_MEMORY, DEFAULT_TIMEOUT, MAX_TIMEOUT_S

NAME = "query"
ORDER = 20
HELP = "run read-only SQL against the warehouse (argument, file or stdin)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Open the warehouse read-only and print the result of one SQL statement, given as "
        "the argument, read from a file (--file PATH, or @PATH) or from stdin (-). "
        "Reads the snapshot the last run published (<db>.read.duckdb), so a run that is "
        "loading neither blocks the query nor shows half its rows. Only reading statements "
        "run (SELECT, WITH, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN, CALL), calling only DuckDB's "
        "SQL functions on an allow-list; nothing outside the warehouse can be read or written, "
        "no extension installed or loaded. Each statement runs in its own process, stopped at "
        "--timeout (parsing, running and printing all count) and at --memory. See "
        "docs/query-sandbox.md; examples: docs/query.md; the tables: docs/tables.md."
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
        metavar="SECONDS",
        help="stop the query after this many seconds, parsing, running and printing included; "
        f"more than 0, at most {MAX_TIMEOUT_S:g} (default: $DEFLATOR_QUERY_TIMEOUT, "
        f"else {DEFAULT_TIMEOUT})",
    )
    parser.add_argument(
        "--memory",
        metavar="AMOUNT",
        help="memory the query may use, with a unit: 512MiB, 2GiB, 1.5GB; at least 256MiB "
        f"(default: $DEFLATOR_QUERY_MEMORY, else {DEFAULT_MEMORY}); DuckDB gets half of it "
        "and never spills to disk",
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


def limits(args: argparse.Namespace, settings: Settings):
    """The statement's limits from the options, else the settings.

    Raises:
        warehouse.query_limits.LimitError: A value that is no usable limit.
    """
    from warehouse.query_limits import Limits, parse_memory, parse_timeout

    if args.timeout is not None:
        timeout = parse_timeout(args.timeout, "--timeout")
    else:
        timeout = parse_timeout(settings.query_timeout, "DEFLATOR_QUERY_TIMEOUT")
    if args.memory is not None:
        memory = parse_memory(args.memory, "--memory")
    else:
        memory = parse_memory(settings.query_memory, "DEFLATOR_QUERY_MEMORY")
    return Limits(timeout_s=timeout, memory_bytes=memory)


def warehouse_problem(args: argparse.Namespace, settings: Settings) -> str | None:
    """Why the warehouse named cannot be a file to read (an empty --db, a folder), else None."""
    if settings.warehouse_spec:
        return None
    if getattr(args, "db", None) is not None and not str(args.db).strip():
        return "--db is empty: give the warehouse file, e.g. --db data/deflator.duckdb"
    if str(settings.db_path) in ("", ".") or settings.db_path.is_dir():
        return f"the warehouse must be a file, not the folder {str(settings.db_path)!r} (--db)"
    return None


def run(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse.query_limits import LimitError
    from warehouse.query_sandbox import Request
    from warehouse.query_sandbox import run as run_sandboxed

    try:
        text = read_sql(args)
        chosen = limits(args, settings)
    except (ValueError, LimitError) as problem:
        error(str(problem))
        return EXIT_USAGE
    problem = warehouse_problem(args, settings)
    if problem:
        error(problem)
        return EXIT_USAGE
    from flows.tables import terminal_width

    request = Request(
        settings.warehouse,
        text,
        args.format,
        chosen,
        direct=args.no_snapshot,
        width=terminal_width() if args.format == "table" else None,
    )
    return run_sandboxed(request)
