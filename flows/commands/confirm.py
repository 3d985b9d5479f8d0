"""`deflator confirm`: list, or confirm, new series quarantined as far above their peers."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal, InvalidOperation

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._writer import close_and_publish, open_writer
from flows.settings import Settings

NAME = "confirm"
ORDER = 34
HELP = "list or confirm new series quarantined as far above their peers' prices"

COLUMNS = ["source", "provider", "sku", "component", "tier", "region", "currency", "price",
           "observed at", "reason"]  # fmt: skip


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "A NEW series (no price history) priced more than 10x the highest of its peers in "
        "force (the same accelerator per GPU-hour; the same model and component for LLM "
        "tokens) is quarantined until someone confirms it (docs/load-safety.md). Without "
        "--sku this lists the series waiting for confirmation. With --source and --sku it "
        "confirms their latest quarantined price (every component, tier and region of that "
        "sku, or the one --price names): the next run that sees exactly that price for the "
        "series loads it. Nothing is loaded by this command itself."
    )
    parser.add_argument("--source", metavar="NAME", help="the source (see `deflator sources`)")
    parser.add_argument("--sku", metavar="SKU", help="the sku to confirm, as quarantined")
    parser.add_argument(
        "--price", metavar="AMOUNT", help="confirm only this price (as stored: canonical unit)"
    )
    parser.add_argument(
        "--note",
        default="confirmed by hand",
        help="why the price is right (kept with the confirmation; default: %(default)s)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from flows.tables import RENDERERS
    from warehouse.sqlfiles import sql

    if args.sku and not args.source:
        error("--sku needs --source")
        return EXIT_USAGE
    price = None
    if args.price is not None:
        try:
            price = Decimal(args.price)
        except InvalidOperation:
            error(f"--price {args.price!r} is not a number")
            return EXIT_USAGE
        if not price.is_finite() or price <= 0:
            error(f"--price {args.price!r} is not a positive price")
            return EXIT_USAGE
    con = open_writer(settings)
    if con is None:
        return EXIT_FAILED
    wrote = False
    try:
        pending = con.execute(
            sql("peer_quarantined"), {"source": args.source, "sku": args.sku}
        ).fetchall()
        if price is not None:
            pending = [row for row in pending if row[8] == price]
        if not args.sku:
            table = RENDERERS["table"](COLUMNS, [list(row[1:]) for row in pending])
            sys.stdout.write(table if table.endswith("\n") else table + "\n")
            print(f"{len(pending)} series waiting for confirmation", file=sys.stderr)
            return EXIT_OK
        if not pending:
            error(
                f"nothing to confirm for {args.source} {args.sku}"
                + (f" at {price}" if price is not None else "")
                + ": no unconfirmed quarantine as far above its peers"
            )
            return EXIT_FAILED
        con.executemany(
            "INSERT INTO price_confirmations VALUES (?, ?, now()::TIMESTAMP, ?)",
            [(row[0], row[8], args.note) for row in pending],
        )
        wrote = True
        for row in pending:
            print(f"confirmed {' / '.join(str(v) for v in row[1:8])} at {row[8]}: the next run "
                  "that sees this price loads it")  # fmt: skip
        return EXIT_OK
    finally:
        close_and_publish(con, settings) if wrote else con.close()
