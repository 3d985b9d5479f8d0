"""`deflator run`: the nightly pipeline, once."""

from __future__ import annotations

import argparse

from flows.commands._common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    error,
    start_prefect,
)
from flows.settings import Settings

NAME = "run"
ORDER = 10
HELP = "run the nightly pipeline once (fetch, parse, load, history)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Fetch every source (or the named ones) concurrently, archive each response, parse "
        "it into observations, and load the run into the warehouse in one transaction. "
        "A source that fails is reported and keeps its previous prices; the others load. "
        "Exit status: 0 all sources ok, 3 some failed, 1 all failed."
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="replay the recorded responses in $DEFLATOR_SHARED_DATA instead of the network",
    )
    parser.add_argument(
        "--source",
        dest="sources",
        action="append",
        metavar="NAME",
        help="run only this source (repeatable; see `deflator sources`)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs too")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from scrapers.registry import select_sources

    try:
        select_sources(args.sources)
    except KeyError as problem:
        error(problem.args[0])
        return EXIT_USAGE
    if args.offline and not settings.shared_data.is_dir():
        error(
            f"recorded data not found at {settings.shared_data}; "
            "set DEFLATOR_SHARED_DATA to the shared data folder"
        )
        return EXIT_USAGE
    start_prefect(settings, verbose=args.verbose)
    from flows.nightly import nightly  # imports prefect, after its environment is set

    # the lake when `--db ducklake:…` or DEFLATOR_WAREHOUSE names one, else the file
    report = nightly(
        offline=args.offline, source_names=args.sources, db=settings.warehouse_location
    )
    if report.status == "ok":
        return EXIT_OK
    return EXIT_PARTIAL if report.status == "partial" else EXIT_FAILED
