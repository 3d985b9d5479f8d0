"""`deflator backtest`: how well the decline rates projected the prices that followed."""

from __future__ import annotations

import argparse
import sys

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._writer import close_and_publish, open_writer
from flows.settings import Settings

NAME = "backtest"
ORDER = 47
HELP = "rolling-origin backtest of the decline-rate projections, per leg and method"

COLUMNS = [
    "leg",
    "method",
    "series",
    "horizon_months",
    "n",
    "first_origin",
    "last_origin",
    "median_abs_error_log10",
    "bias_log10",
    "coverage_fit_band",
    "band_low_log10",
    "band_high_log10",
    "coverage_calibrated",
    "coverage_realtime",
    "n_realtime",
]


def _horizon(text: str) -> int:
    try:
        months = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of months: {text!r}") from None
    if not 1 <= months <= 120:
        raise argparse.ArgumentTypeError(f"a horizon is 1 to 120 months, not {months}")
    return months


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "For every origin month of the history, fit each leg's decline rate with the data up "
        "to that month only, project each horizon from the value at the origin, and compare "
        "with the value realized then. Reports, per leg and method (threshold frontier, GEKS "
        "index) and horizon: the median absolute error in log10 (0.1 = ×1.26), the bias "
        "(median of log10 realized/projected; > 0: prices fell less than projected), the "
        "share of realized values inside the fit's own 90%% interval, and the 5th..95th "
        "percentile of the errors: the calibrated 90%% band the cost model uses, with the share "
        "inside it in sample and in real time (each forecast against the band of the errors "
        "known at its origin). Series '*' "
        "pools every segment (or threshold) of the leg. Rows replace the legs' rows in the "
        "backtests table (mart_backtests). Reads the stored indices (`deflator indices`)."
    )
    parser.add_argument(
        "--leg",
        dest="legs",
        action="append",
        choices=["llm", "compute", "energy", "data"],
        help="backtest only this leg (repeatable; default: every leg)",
    )
    parser.add_argument(
        "--horizon",
        dest="horizons",
        nargs="+",
        type=_horizon,
        metavar="MONTHS",
        help="horizons in months (default: 6 12)",
    )
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format (default: table)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.tables import RENDERERS
    from warehouse.backtest.legs import LEGS, backtest, replace_backtests, store_rows
    from warehouse.backtest.rolling import HORIZONS

    legs = args.legs or list(LEGS)
    horizons = sorted(set(args.horizons or HORIZONS))
    con = open_writer(settings)
    if con is None:
        return EXIT_FAILED
    wrote = False
    try:
        if not con.execute("SELECT count(*) FROM index_values").fetchone()[0]:
            error("no index values stored: run `deflator indices` (or a load) first")
            return EXIT_USAGE
        rows = backtest(con, legs, horizons)
        replace_backtests(con, legs, rows)
        wrote = True
    finally:
        close_and_publish(con, settings) if wrote else con.close()
    table = [list(row[:-1]) for row in store_rows(rows)]
    if args.format == "table":
        table = [[*row[:7], *(_fmt(v) for v in row[7:-1]), row[-1]] for row in table]
    output = RENDERERS[args.format](COLUMNS, table)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return EXIT_OK


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
