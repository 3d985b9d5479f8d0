"""`deflator cost`: price a workload today (P = C + E + D) and project it 6, 12, 24 months out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._writer import close_and_publish, open_writer
from flows.settings import Settings

NAME = "cost"
ORDER = 50
HELP = "price a workload file: P = C + E + D today, and in 6, 12 and 24 months"

COLUMNS = ["horizon_months", "leg", "cost", "low", "high", "factor_per_year", "basis"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Read a workload (TOML: GPU-hours, energy, data; or LLM tokens per month), price "
        "each leg from the workload's own prices or the warehouse's prices in force, and "
        "project the total along each leg's fitted decline rate, with a 90% band calibrated "
        "on the rate's rolling-origin backtest (see `deflator backtest`). Results "
        "replace the workload's rows in cost_projections. Examples: examples/*.toml."
    )
    parser.add_argument("workload", metavar="WORKLOAD.toml", type=Path, help="the workload file")
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="table (default) prints the legs and the projection; csv/json the stored rows",
    )


def _report(workload, legs, rows) -> str:
    from warehouse.cost.model import dollars, total

    lines = [f"workload: {workload.name} ({workload.path})", ""]
    for leg in legs:
        lines.append(f"{leg.leg} {leg.label:<10} {dollars(leg.cost):>14}  {leg.detail}")
        if leg.price_basis != leg.detail:
            lines.append(f"{'':13}{'':>14}  price: {leg.price_basis}")
    lines.append(f"P = C + E + D {dollars(total(legs)):>12}")
    lines += [
        "",
        "projection (band: 5th..95th percentile of each leg's backtest errors, so that on "
        "history 90% of realized values fell inside; a rate given in the workload: its own "
        "interval)",
    ]
    lines.append(f"{'months':>6}  {'P':>14}  {'low':>14}  {'high':>14}")
    for row in rows:
        if row.leg == "P":
            lines.append(
                f"{row.horizon_months:>6}  {dollars(row.cost):>14}  {dollars(row.low):>14}  "
                f"{dollars(row.high):>14}"
            )
    lines += ["", "rates:"]
    for leg in legs:
        if leg.rate is not None:
            lines.append(f"  {leg.leg}: {leg.rate.factor_per_year:.3g}×/yr — {leg.rate.basis}")
            if leg.rate.calibration is not None:
                lines.append(f"     {leg.rate.calibration.describe()}")
        elif leg.cost:
            lines.append(f"  {leg.leg}: none: held constant")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.tables import RENDERERS
    from warehouse.cost.book import WarehousePriceBook
    from warehouse.cost.model import project
    from warehouse.cost.pricing import PricingError, price_workload
    from warehouse.cost.store import replace_projections
    from warehouse.cost.workload import WorkloadError, load_workload

    try:
        workload = load_workload(args.workload)
    except WorkloadError as problem:
        error(str(problem))
        return EXIT_USAGE
    con = open_writer(settings)
    if con is None:
        return EXIT_FAILED
    wrote = False
    try:
        legs = price_workload(workload, WarehousePriceBook(con))
        rows = project(legs)
        replace_projections(con, workload, rows)
        wrote = True
    except PricingError as problem:
        error(f"{workload.path}: {problem}")
        return EXIT_USAGE
    finally:
        close_and_publish(con, settings) if wrote else con.close()
    if args.format == "table":
        sys.stdout.write(_report(workload, legs, rows))
    else:
        table = [
            [r.horizon_months, r.leg, r.cost, r.low, r.high, r.factor_per_year, r.basis]
            for r in rows
        ]
        sys.stdout.write(RENDERERS[args.format](COLUMNS, table))
    return EXIT_OK
