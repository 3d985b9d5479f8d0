"""The `deflator` command line. Prefect is imported only by the commands that run flows,
so `--help`, `query` and `sources` answer instantly."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from flows.settings import VERSION, Settings, load_settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3


def build_parser() -> argparse.ArgumentParser:
    """The full command tree; every subcommand has its own --help."""
    parser = argparse.ArgumentParser(
        prog="deflator",
        description=(
            "deflator measures how fast the price of AI falls: it scrapes LLM token, GPU, "
            "electricity and storage prices, keeps every observation and the full price "
            "history in DuckDB, and serves it to analysts and dashboards."
        ),
        epilog=(
            "examples:\n"
            "  deflator run --offline            nightly pipeline on the recorded data\n"
            "  deflator run --source openrouter  live, one source\n"
            '  deflator query "select count(*) from price_history"\n'
            "  deflator sources                  every source and its last run\n\n"
            "settings come from DEFLATOR_* environment variables; see the README."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"deflator {VERSION}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="warehouse file (default: $DEFLATOR_DB, else data/deflator.duckdb in the project)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = commands.add_parser(
        "run",
        help="run the nightly pipeline once (fetch, parse, load, history)",
        description=(
            "Fetch every source (or the named ones) concurrently, archive each response, parse "
            "it into observations, and load the run into the warehouse in one transaction. "
            "A source that fails is reported and keeps its previous prices; the others load. "
            "Exit status: 0 all sources ok, 3 some failed, 1 all failed."
        ),
    )
    run.add_argument(
        "--offline",
        action="store_true",
        help="replay the recorded responses in $DEFLATOR_SHARED_DATA instead of the network",
    )
    run.add_argument(
        "--source",
        dest="sources",
        action="append",
        metavar="NAME",
        help="run only this source (repeatable; see `deflator sources`)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs too")

    query = commands.add_parser(
        "query",
        help="run SQL against the warehouse, read-only",
        description=(
            "Open the warehouse read-only and print the result of one SQL statement. "
            "Tables: runs, run_sources, fetches, observations, price_history, quarantine, "
            "parse_problems, plausibility_limits (see the README's table reference)."
        ),
    )
    query.add_argument("sql", metavar="SQL", help='the statement, e.g. "select * from runs"')
    query.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format (default: table; csv and json keep every digit of a price)",
    )

    commands.add_parser(
        "sources",
        help="list every source with its leg, URLs and last run status",
        description="List every source, its leg and URL(s), and how its last run went.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `deflator` console script."""
    args = build_parser().parse_args(argv)
    settings = load_settings().with_db(args.db)
    handlers = {"run": _run, "query": _query, "sources": _sources}
    try:
        return handlers[args.command](args, settings)
    except KeyboardInterrupt:
        print("interrupted; the warehouse keeps its state from before this run", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from scrapers.registry import select_sources

    try:
        select_sources(args.sources)
    except KeyError as error:
        print(f"deflator: {error.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    if args.offline and not settings.shared_data.is_dir():
        print(
            f"deflator: recorded data not found at {settings.shared_data}; "
            "set DEFLATOR_SHARED_DATA to the shared data folder",
            file=sys.stderr,
        )
        return EXIT_USAGE

    from flows.prefect_env import configure_prefect

    configure_prefect(settings, verbose=args.verbose)
    print(
        "starting Prefect (ephemeral API, no server needed; ~10 s, ~20 s the first time)…",
        file=sys.stderr,
        flush=True,
    )
    from flows.nightly import nightly  # imports prefect, after its environment is set

    _progress_logging()
    report = nightly(offline=args.offline, source_names=args.sources, db=str(settings.db_path))
    if report.status == "ok":
        return EXIT_OK
    return EXIT_PARTIAL if report.status == "partial" else EXIT_FAILED


def _query(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from flows.tables import RENDERERS
    from warehouse.connection import WarehouseMissing, connect

    try:
        con = connect(settings.db_path, read_only=True)
    except WarehouseMissing as error:
        print(f"deflator: {error}", file=sys.stderr)
        return EXIT_USAGE
    except duckdb.IOException as error:
        print(f"deflator: cannot open {settings.db_path} read-only: {error}", file=sys.stderr)
        return EXIT_FAILED
    try:
        cursor = con.execute(args.sql)
        if cursor.description is None:
            return EXIT_OK
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as error:
        print(f"deflator: query failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        con.close()
    output = RENDERERS[args.format](columns, rows)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    from flows.tables import render_table
    from scrapers.registry import all_sources
    from warehouse.connection import WarehouseMissing, connect

    last: dict[str, tuple] = {}
    try:
        con = connect(settings.db_path, read_only=True)
    except WarehouseMissing:
        con = None
    if con is not None:
        try:
            last = {
                row[0]: row[1:]
                for row in con.execute(
                    "SELECT s.source, s.status, r.started_at, s.rows_parsed, s.error "
                    "FROM run_sources s JOIN runs r USING (run_id) "
                    "QUALIFY row_number() OVER "
                    "(PARTITION BY s.source ORDER BY r.started_at DESC) = 1"
                ).fetchall()
            }
        finally:
            con.close()
    rows = []
    for source in all_sources().values():
        status, started, parsed, error = last.get(source.name, ("never run", None, None, None))
        rows.append(
            [
                source.name,
                source.leg.value,
                status,
                started,
                parsed,
                " ".join(source.urls),
                error or "",
            ]
        )
    print(
        render_table(["source", "leg", "last status", "last run", "rows", "url(s)", "error"], rows)
    )
    return EXIT_OK


def _progress_logging() -> None:
    logger = logging.getLogger("deflator")
    if not any(getattr(h, "_deflator", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        handler._deflator = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


if __name__ == "__main__":
    raise SystemExit(main())
