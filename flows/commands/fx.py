"""`deflator fx`: the ECB reference rate a price of a currency and date converts to USD with,
or fetch and store the rates now (what every full night does by itself)."""

from __future__ import annotations

import argparse
import secrets
from datetime import UTC, date, datetime

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._reader import open_reader
from flows.settings import Settings

NAME = "fx"
ORDER = 64
HELP = "exchange rates: the USD rate of a currency on a date, or refresh the ECB rates"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Show the ECB reference rate a price in CURRENCY dated DATE (default: today, UTC) "
        "converts to USD with: the latest rate on or before DATE, at most 7 days back, or why "
        "there is none (docs/currencies.md). With --refresh, fetch the rates now and store the "
        "new ones (every full `deflator run` does this itself; the scale-out flow's legs do "
        "not, so schedule `deflator fx --refresh` beside it)."
    )
    parser.add_argument("currency", nargs="?", metavar="CURRENCY", help="ISO code: CNY, EUR…")
    parser.add_argument("date", nargs="?", metavar="DATE", help="the price's date, YYYY-MM-DD")
    parser.add_argument(
        "--refresh", action="store_true", help="fetch and store the ECB rates now, then exit"
    )
    parser.add_argument(
        "--offline", action="store_true", help="with --refresh: replay the recorded history"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.refresh:
        return _refresh(settings, args.offline)
    if not args.currency:
        error("name a CURRENCY (e.g. `deflator fx CNY 2026-09-20`), or use --refresh")
        return EXIT_USAGE
    try:
        day = date.fromisoformat(args.date) if args.date else datetime.now(UTC).date()
    except ValueError:
        error(f"DATE {args.date!r}: expected a date such as 2026-09-20")
        return EXIT_USAGE
    from warehouse.fx import NoRate, rate_on

    opened = open_reader(settings)
    if isinstance(opened, int):
        return opened
    con, _ = opened
    try:
        rate = rate_on(con, args.currency.upper(), day)
    finally:
        con.close()
    if isinstance(rate, NoRate):
        print(f"no USD value: {rate.reason}")
        return EXIT_FAILED
    cross = "" if rate.currency in ("EUR", "USD") else f" = {rate.per_eur.normalize()} "
    print(
        f"a {rate.currency} price dated {day} converts at the ECB rate of {rate.rate_date}: "
        f"1 {rate.currency} = {rate.usd_per_unit.normalize()} USD "
        f"(1 EUR = {rate.usd_per_eur.normalize()} USD{cross}{rate.currency if cross else ''})"
    )
    return EXIT_OK


def _refresh(settings: Settings, offline: bool) -> int:
    from flows.commands._writer import close_and_publish, open_writer
    from flows.fx import refresh_rates

    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-fx-{secrets.token_hex(3)}"
    report = refresh_rates(settings, run_id, offline)
    print(report.line())
    if report.status != "ok":
        return EXIT_FAILED
    con = open_writer(settings)  # publish the read snapshot, so readers see the new rates
    if con is None:
        return EXIT_FAILED
    close_and_publish(con, settings)
    return EXIT_OK
