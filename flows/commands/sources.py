"""`deflator sources`: every source, its leg, URL(s) and how its last run went."""

from __future__ import annotations

import argparse

from flows.commands._common import EXIT_OK
from flows.settings import Settings

NAME = "sources"
ORDER = 30
HELP = "list every source with its leg, URLs and last run status"

LAST_RUN_SQL = """
SELECT s.source, s.status, r.started_at, s.rows_parsed, s.error
FROM run_sources s JOIN runs r USING (run_id)
QUALIFY row_number() OVER (PARTITION BY s.source ORDER BY r.started_at DESC) = 1
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "List every source, its leg and URL(s), and how its last run went "
        "(status, time, rows parsed, error). The table fits the terminal (long cells end "
        "in …) and shows a source's first URL and how many more it has; csv and json carry "
        "every URL, space-separated, and the full error."
    )
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="table for people (default), csv or json for tools",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.tables import RENDERERS
    from scrapers.registry import all_sources
    from warehouse.connection import WarehouseMissing
    from warehouse.snapshot import connect_reader

    last: dict[str, tuple] = {}
    try:
        con, _ = connect_reader(settings.warehouse)  # the published snapshot: never blocks a run
    except WarehouseMissing:
        con = None
    if con is not None:
        try:
            last = {row[0]: row[1:] for row in con.execute(LAST_RUN_SQL).fetchall()}
        finally:
            con.close()
    rows = []
    for source in all_sources().values():
        status, started, parsed, problem = last.get(source.name, ("never run", None, None, None))
        urls = " ".join(source.urls) if args.format != "table" else first_and_count(source.urls)
        rows.append([source.name, source.leg.value, status, started, parsed, urls, problem or ""])
    headers = ["source", "leg", "last status", "last run", "rows", "url(s)", "error"]
    output = RENDERERS[args.format](headers, rows)
    print(output, end="" if output.endswith("\n") else "\n")
    return EXIT_OK


def first_and_count(urls: tuple[str, ...] | list[str]) -> str:
    """A source's URLs as a table cell: the first, and how many more there are."""
    if len(urls) <= 1:
        return "".join(urls)
    return f"{urls[0]} (+{len(urls) - 1} more)"
