"""`deflator backfill`: import the historical datasets, then refresh model identity."""

from __future__ import annotations

import argparse
import textwrap

from flows.commands._common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    error,
    start_prefect,
)
from flows.settings import Settings

NAME = "backfill"
ORDER = 15
HELP = "import historical price datasets (2021 on) and refresh model identity"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Replay the historical datasets in $DEFLATOR_SHARED_DATA (all, or the named ones) "
        "through the raw archive, parse them into dated observations (when the source "
        "observed each price, and when it took effect where the dataset says so), and load "
        "them in one transaction: known errors go to quarantine with their reason, every "
        "price change becomes a price_history row, and a rerun adds nothing. Then copy the "
        "reviewed model catalog and aliases (schemas/data/) into the warehouse, resolve every "
        "LLM listing to a model, and store the datasets' benchmark scores. Exit status: 0 all "
        "datasets ok, 3 some failed, 1 all failed."
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "datasets",
        nargs="*",
        metavar="SOURCE",
        help="dataset(s) to import (default: all; listed below)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show Prefect's own logs too")
    plain_help = parser.format_help

    def format_help() -> str:  # the dataset list imports every importer: only when asked
        return plain_help() + "\n" + datasets_help()

    parser.format_help = format_help  # type: ignore[method-assign]


def datasets_help() -> str:
    """One paragraph per dataset: name, leg, what its rows are, provenance and license."""
    from scrapers.backfill.registry import all_datasets

    lines = ["datasets:"]
    for dataset in all_datasets().values():
        lines.append(f"  {dataset.name} ({dataset.source.leg.value})")
        for text in (dataset.about, f"from: {dataset.provenance}", f"license: {dataset.license}"):
            lines.extend(
                textwrap.wrap(
                    text,
                    width=92,
                    initial_indent=" " * 6,
                    subsequent_indent=" " * 6,
                    break_on_hyphens=False,
                    break_long_words=False,
                )
            )
    lines.append(
        "\nelectricity (energy/) and storage (storage/) history are imported by their own "
        "sources (see `deflator sources`)."
    )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from scrapers.backfill.registry import select_datasets

    try:
        select_datasets(args.datasets)
    except KeyError as problem:
        error(problem.args[0])
        return EXIT_USAGE
    if not settings.shared_data.is_dir():
        error(
            f"recorded data not found at {settings.shared_data}; "
            "set DEFLATOR_SHARED_DATA to the shared data folder"
        )
        return EXIT_USAGE
    start_prefect(settings, verbose=args.verbose)
    from flows.backfill import backfill  # imports prefect, after its environment is set

    # the lake when `--db ducklake:…` or DEFLATOR_WAREHOUSE names one, else the file
    report = backfill(dataset_names=args.datasets or None, db=settings.warehouse_location)
    if report.run.status == "ok":
        return EXIT_OK
    return EXIT_PARTIAL if report.run.status == "partial" else EXIT_FAILED
