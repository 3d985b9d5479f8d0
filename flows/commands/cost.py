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

COLUMNS = [
    "horizon_months", "leg", "cost", "low", "high", "factor_per_year", "basis", "rate_only",
]  # fmt: skip


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
    parser.add_argument(
        "--currency",
        metavar="CODE",
        default="USD",
        type=str.upper,
        help="show the costs in this currency (EUR, CNY, JPY, GBP…): priced in USD, converted "
        "at output at the latest ECB reference rate in the warehouse (docs/currencies.md)",
    )


def _report(workload, legs, rows, money=None, note: str = "") -> str:
    from warehouse.cost.model import dollars as usd
    from warehouse.cost.model import total

    dollars = money or usd
    lines = [f"workload: {workload.name} ({workload.path})", ""]
    if note:
        lines[1:1] = [note]
    for leg in legs:
        lines.append(f"{leg.leg} {leg.label:<10} {dollars(leg.cost):>14}  {leg.detail}")
        if leg.price_basis != leg.detail:
            lines.append(f"{'':13}{'':>14}  price: {leg.price_basis}")
    lines.append(f"P = C + E + D {dollars(total(legs)):>12}")
    lines += [
        "",
        "projection: P along each leg's fitted rate, corrected by the median error of that "
        "rate's projections on history (its backtest bias); 'rate only' without the "
        "correction; low..high: 5th..95th percentile of the backtest errors, so that on "
        "history 90% of realized values fell inside (a rate given in the workload: its own "
        "interval, no correction)",
    ]
    lines.append(f"{'months':>6}  {'P':>14}  {'rate only':>14}  {'low':>14}  {'high':>14}")
    for row in rows:
        if row.leg == "P":
            lines.append(
                f"{row.horizon_months:>6}  {dollars(row.cost):>14}  "
                f"{dollars(row.rate_only):>14}  {dollars(row.low):>14}  {dollars(row.high):>14}"
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
        shown = _currency(con, args.currency)
        if isinstance(shown, str):
            error(shown)
            return EXIT_USAGE
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
        sys.stdout.write(_report(workload, legs, rows, *_money(shown)))
    else:
        convert = shown.from_usd if shown is not None else (lambda amount: amount)
        table = [
            [
                r.horizon_months,
                r.leg,
                *(_round(convert(v)) for v in (r.cost, r.low, r.high)),
                r.factor_per_year,
                r.basis,
                _round(convert(r.rate_only)),
            ]
            + ([shown.currency] if shown is not None else [])
            for r in rows
        ]
        columns = COLUMNS + (["currency"] if shown is not None else [])
        sys.stdout.write(RENDERERS[args.format](columns, table))
    return EXIT_OK


def _currency(con, code: str):
    """The rate to show costs in ``code`` (None for USD), or the reason there is none."""
    from warehouse.fx import NoRate, latest_rate

    if code == "USD":
        return None
    if not (len(code) == 3 and code.isalpha()):
        return f"--currency {code!r}: expected an ISO 4217 code such as EUR, CNY, JPY"
    rate = latest_rate(con, code)
    if isinstance(rate, NoRate):
        return f"--currency {code}: {rate.reason}"
    return rate


def _round(amount):
    from decimal import Decimal

    return None if amount is None else amount.quantize(Decimal("1e-12"))


def _money(rate):
    """The formatter and the note line that show USD costs in the rate's currency."""
    from datetime import UTC, datetime
    from decimal import ROUND_HALF_UP, Decimal

    from warehouse.fx import MAX_GAP_DAYS

    if rate is None:
        return None, ""
    age = (datetime.now(UTC).date() - rate.rate_date).days
    stale = f" ({age} days old: the latest stored)" if age > MAX_GAP_DAYS else ""
    cross = "" if rate.currency == "EUR" else f" = {rate.per_eur.normalize()} {rate.currency}"
    note = (
        f"currency: {rate.currency}, priced in USD and converted at the ECB reference rate of "
        f"{rate.rate_date}{stale}: 1 USD = {rate.from_usd(Decimal(1)):.6f} {rate.currency} "
        f"(1 EUR = {rate.usd_per_eur.normalize()} USD{cross})"
    )

    def money(amount: Decimal) -> str:
        value = rate.from_usd(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{value:,} {rate.currency}"

    return money, note
