"""`deflator indices`: build the price indices of every leg into index_values."""

from __future__ import annotations

import argparse
import sys

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._writer import close_and_publish, open_writer
from flows.settings import Settings

NAME = "indices"
ORDER = 40
HELP = "build the matched-model (Jevons, GEKS) and hedonic price indices"

COLUMNS = [
    "index", "segment", "method", "months", "first", "last", "last_value", "last_items",
    "published",
]  # fmt: skip
# `published`: months with at least min_items items (coverage rules; the marts show only those).
SUMMARY_SQL = """
SELECT index, segment, method, count(*) AS months, min(period) AS first, max(period) AS last,
       arg_max(value, period) AS last_value, arg_max(items, period) AS last_items,
       count(*) FILTER (WHERE items >= min_items) AS published
FROM index_values
WHERE list_contains(?, index)
GROUP BY index, segment, method
ORDER BY index, segment, method
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Build monthly price indices from the price history and store them in index_values "
        "(first month = 100): a chained Jevons and a GEKS (13-month window, mean splice) "
        "index per leg and segment, and a time-dummy hedonic index of LLM tokens. Every "
        "month is stored with its item count; months with fewer than 5 items are not "
        "published (the summary's `published` column; docs/which-rate-to-quote.md). Methods: "
        "docs/methodology.md."
    )
    parser.add_argument(
        "--index",
        dest="indices",
        action="append",
        metavar="NAME",
        help="build only this index (repeatable): llm_tokens, gpu_hour, electricity, "
        "storage, egress",
    )
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format of the summary (default: table)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.tables import RENDERERS
    from warehouse.indices import build

    names = args.indices or list(build.INDICES)
    unknown = [name for name in names if name not in build.INDICES]
    if unknown:
        error(f"unknown index {unknown[0]!r}; known: {', '.join(build.INDICES)}")
        return EXIT_USAGE
    con = open_writer(settings)
    if con is None:
        return EXIT_FAILED
    wrote = False
    try:
        for name in names:
            report = build.build_index(con, name, **build.llm_inputs(con, name))
            note = f"; {report.note}" if report.note else ""
            print(
                f"{name}: {report.items} items, {report.series} series, {report.rows} rows{note}",
                file=sys.stderr,
            )
        cursor = con.execute(SUMMARY_SQL, [names])
        rows = cursor.fetchall()
        wrote = True
    finally:
        close_and_publish(con, settings) if wrote else con.close()
    if args.format == "table":
        rows = [[*r[:6], f"{r[6]:.4g}", *r[7:]] for r in rows]
    output = RENDERERS[args.format](COLUMNS, rows)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK
