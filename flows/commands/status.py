"""`deflator status`: is every source getting its prices in? Exit 1 when not, for schedulers."""

from __future__ import annotations

import argparse
import sys

from flows.commands._common import EXIT_FAILED, EXIT_OK
from flows.commands._reader import open_reader
from flows.settings import Settings

NAME = "status"
ORDER = 32
HELP = "health of every source: last success, age, failures, drift alarms (exit 1 if unhealthy)"

TABLE_COLUMNS = [
    "source",
    "kind",
    "leg",
    "health",
    "last success",
    "age h",
    "rows",
    "in force",
    "fails",
    "drift",
    "last error",
]
ERROR_WIDTH = 60  # the table cuts long reasons; csv and json keep them whole


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "One line per source — every nightly source and every backfill dataset — from the "
        "run ledger: health, the start of its last successful run, the age of that success "
        "in hours, rows parsed then, prices in force, consecutive failures, layout-drift "
        "alarms and the reason of its last failure. A nightly source is healthy when its "
        "last attempt was ok, unchanged (HTTP 304) or skipped for lack of a recording "
        "(offline runs), within --max-age hours. Exit status: 0 when every nightly source "
        "is healthy, 1 otherwise (or when there is no warehouse), so a scheduler can alert. "
        "Datasets are shown but never change the exit status: backfills run on demand. "
        "When a run loaded but could not publish the read snapshot (a full disk, a "
        "read-only target), status says the snapshot is behind the warehouse, with the "
        "run and the reason, and exits 1 until a later run publishes it."
    )
    parser.epilog = (
        "Then the cross-source check (view price_disagreements): every first-party price in "
        "force that differs by more than 1% (and half a cent per 1M tokens) from an "
        "aggregator's (OpenRouter, LiteLLM) price "
        "for the same model, component and tier; a first-party price that changed in the "
        "latest nightly run and disagrees with every aggregator listing it is a PRICE ALARM "
        "and also makes the exit status 1."
    )
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format (default: table; csv and json have every column, whole)",
    )
    parser.add_argument(
        "--max-age",
        type=float,
        metavar="HOURS",
        help="oldest acceptable success of a nightly source "
        "(default: $DEFLATOR_MAX_AGE_HOURS, else 36)",
    )


def _table_rows(report) -> list[list[object]]:
    rows = []
    for h in report:
        reason = h.last_error or ""
        if len(reason) > ERROR_WIDTH:
            reason = reason[: ERROR_WIDTH - 1] + "…"
        rows.append(
            [
                h.source,
                h.kind,
                h.leg,
                h.health,
                h.last_success.strftime("%Y-%m-%d %H:%M") if h.last_success else "",
                "" if h.age_hours is None else f"{h.age_hours:.1f}",
                h.rows,
                h.in_force,
                h.consecutive_failures,
                h.drift_alarms,
                reason,
            ]
        )
    return rows


def run(args: argparse.Namespace, settings: Settings) -> int:

    from flows.tables import RENDERERS
    from scrapers.backfill.registry import all_datasets
    from scrapers.registry import all_sources
    from warehouse.disagreements import status_report
    from warehouse.health import COLUMNS, NIGHTLY, all_healthy, source_health
    from warehouse.snapshot import snapshot_behind

    max_age = settings.max_age_hours if args.max_age is None else args.max_age
    opened = open_reader(  # the published snapshot: never blocks a run
        settings,
        missing_status=EXIT_FAILED,
        missing_hint="; no source has run, so none is healthy",
    )
    if isinstance(opened, int):
        return opened
    con, _ = opened
    try:
        report = source_health(
            con,
            [(s.name, s.leg.value) for s in all_sources().values()],
            [(d.name, d.source.leg.value) for d in all_datasets().values()],
            max_age_hours=max_age,
        )
        found, price_alarms = status_report(con)  # the cross-source check (issue 14)
    finally:
        con.close()
    if args.format == "table":
        output = RENDERERS["table"](TABLE_COLUMNS, _table_rows(report))
    else:
        output = RENDERERS[args.format](list(COLUMNS), [h.row() for h in report])
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    nightly = [h for h in report if h.kind == NIGHTLY]
    unhealthy = [f"{h.source} ({h.health})" for h in nightly if not h.healthy]
    print(
        f"{len(nightly) - len(unhealthy)} of {len(nightly)} nightly sources healthy "
        f"(max age {max_age:g} h)" + (f"; unhealthy: {', '.join(unhealthy)}" if unhealthy else ""),
        file=sys.stderr,
    )
    _print_disagreements(args.format, found, price_alarms)
    behind = snapshot_behind(settings.warehouse)
    if behind is not None:
        print(behind_message(behind), file=sys.stderr)
    healthy = all_healthy(report) and behind is None and not price_alarms
    return EXIT_OK if healthy else EXIT_FAILED


def behind_message(behind: dict[str, str]) -> str:
    """One line: the read snapshot is older than the warehouse, since which run and why."""
    since, last = behind.get("since_run", "?"), behind.get("last_run", "?")
    runs = since if since == last else f"{since} … {last}"
    return (
        f"read snapshot is behind the warehouse: run(s) {runs} loaded but not published "
        f"({behind.get('reason', 'no reason recorded')}); readers see the state before; "
        "the next run republishes it"
    )


def _print_disagreements(output_format: str, found, price_alarms: list[str]) -> None:
    """The disagreements table (table format; csv and json keep stdout to the health rows),
    their count, and each alarm by name on stderr."""
    from flows.tables import RENDERERS
    from warehouse.disagreements import TABLE_COLUMNS, table_rows

    if found and output_format == "table":
        print("\nprice disagreements (first-party price in force vs aggregators beyond tolerance):")
        print(RENDERERS["table"](TABLE_COLUMNS, table_rows(found)).rstrip("\n"))
    print(f"{len(found)} price disagreement(s), {len(price_alarms)} alarm(s)", file=sys.stderr)
    for line in price_alarms:
        print(f"PRICE ALARM: {line}", file=sys.stderr)
