"""`deflator models`: the model catalog, listings that match no model, and alias refresh."""

from __future__ import annotations

import argparse
import sys

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.settings import Settings

NAME = "models"
ORDER = 35
HELP = "list models, or the LLM listings that match no model (--unmatched)"

CATALOG_SQL = """
SELECT m.model_id, m.developer, m.family, m.open_weights, m.release_date, m.context_window,
       count(DISTINCT (a.provider, a.listing_id)) AS listings,
       (SELECT count(*) FROM benchmarks b WHERE b.model_id = m.model_id) AS scores
FROM models m LEFT JOIN model_aliases a USING (model_id)
GROUP BY ALL ORDER BY m.developer, m.model_id
"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Without options: every model of the catalog with its number of listings and "
        "benchmark scores. --unmatched: every LLM listing (provider + sku in observations or "
        "price_history) that no rule of the reviewed files schemas/data/models.csv and "
        "model_aliases.csv resolves, most observed first, with counts: add an alias row for "
        "it, or leave it unmatched; deflator never guesses. --refresh: rewrite the models, "
        "providers and model_aliases tables from those files (backfill does this too)."
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--unmatched", action="store_true", help="list listings that match no model, with counts"
    )
    mode.add_argument(
        "--refresh",
        action="store_true",
        help="copy the reviewed catalog and aliases into the warehouse and re-resolve listings",
    )
    parser.add_argument(
        "--limit", type=int, default=50, help="rows to print with --unmatched (0: all; default 50)"
    )
    parser.add_argument(
        "--format", choices=["table", "csv", "json"], default="table", help="output format"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from warehouse.connection import WarehouseMissing

    try:
        if args.refresh:
            return _refresh(settings)
        if args.unmatched:
            return _unmatched(args, settings)
        return _catalog(args, settings)
    except WarehouseMissing as missing:
        error(str(missing))
        return EXIT_USAGE
    except duckdb.Error as problem:
        error(f"cannot read {settings.warehouse.label}: {problem}")
        return EXIT_FAILED


def _print(args: argparse.Namespace, columns: list[str], rows: list) -> None:
    from flows.tables import RENDERERS

    output = RENDERERS[args.format](columns, rows)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")


def _unmatched(args: argparse.Namespace, settings: Settings) -> int:
    from schemas.models import ModelCatalog
    from warehouse.models import listings, unmatched_listings
    from warehouse.snapshot import connect_reader
    from warehouse.sqlfiles import sql

    catalog = ModelCatalog.load()
    con, _ = connect_reader(settings.warehouse)
    try:
        every = listings(con)
        unmatched = unmatched_listings(con, catalog)
        benchmarks = con.execute(sql("unmatched_benchmarks")).fetchall()
    finally:
        con.close()
    shown = unmatched if args.limit <= 0 else unmatched[: args.limit]
    rows = [[u.provider, u.sku, u.observations, u.history_rows, u.sources] for u in shown]
    _print(args, ["provider", "listing", "observations", "history_rows", "sources"], rows)
    if args.format == "table":
        total = sum(item.observations for item in every)
        missed = sum(item.observations for item in unmatched)
        print(
            f"\n{len(unmatched)} of {len(every)} LLM listings match no model "
            f"({missed} of {total} observations)"
            + (f"; showing {len(shown)} (--limit 0 for all)" if len(shown) < len(unmatched) else "")
        )
        if benchmarks:
            names = ", ".join(f"{name} ({source})" for source, name, _ in benchmarks)
            print(f"benchmark rows of unmatched model names: {names}")
    return EXIT_OK


def _catalog(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse.snapshot import connect_reader

    con, _ = connect_reader(settings.warehouse)
    try:
        cursor = con.execute(CATALOG_SQL)
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    if not rows:
        error(
            "no models in the warehouse yet: run `deflator backfill` or `deflator models --refresh`"
        )
        return EXIT_USAGE
    _print(args, columns, rows)
    return EXIT_OK


def _refresh(settings: Settings) -> int:
    from schemas.models import ModelCatalog
    from warehouse.connection import connect
    from warehouse.models import load_identity
    from warehouse.snapshot import publish_snapshot

    con = connect(settings.warehouse, lock_timeout_s=settings.lock_timeout_s)
    try:
        report = load_identity(con, ModelCatalog.load())
        publish_snapshot(con, settings.warehouse)
    finally:
        con.close()
    print(
        f"models {report.models}; LLM listings {report.listings}, matched {report.matched}, "
        f"unmatched {report.unmatched}"
    )
    return EXIT_OK
