"""`deflator feed`: the price changes of the last night (or since a date) as Atom and JSON Feed."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._reader import open_reader
from flows.settings import Settings

NAME = "feed"
ORDER = 62
HELP = "write the night's price changes as Atom and JSON Feed files (overall, per provider)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write the price changes recorded by the last nightly run (or by every nightly run "
        "since --since) as an Atom feed and a JSON Feed 1.1: DIR/feed.atom and DIR/feed.json "
        "for every provider, DIR/providers/<provider>.atom and .json for each. An item is a "
        "new listing, a cut, a rise, a withdrawal, a relisting or a scheduled change, with old "
        "and new price, percent, source and page (docs/feeds-and-webhook.md). Backfills are "
        "history, not news: they never appear. Each night writes the same files to "
        "DEFLATOR_FEED_DIR by itself."
    )
    parser.add_argument(
        "--out", metavar="DIR", required=True, type=Path, help="folder to write (created)"
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="every nightly run started on or after this UTC date (YYYY-MM-DD) instead of "
        "the last one",
    )
    parser.add_argument(
        "--base-url",
        default="",
        metavar="URL",
        help="where DIR is served, for the feeds' self links (optional)",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    import duckdb

    from warehouse.feed import changes, write_feeds

    since = None
    if args.since:
        try:
            since = datetime.combine(date.fromisoformat(args.since), datetime.min.time(), UTC)
        except ValueError:
            error(f"--since {args.since!r}: expected a date such as 2026-07-17")
            return EXIT_USAGE
    opened = open_reader(settings)
    if isinstance(opened, int):
        return opened
    con, source = opened
    try:
        items = changes(con, since=since)
    except duckdb.Error as problem:
        error(f"feed failed: {problem}")
        return EXIT_FAILED
    finally:
        con.close()
    try:
        written = write_feeds(items, args.out, args.base_url)
    except OSError as problem:
        error(f"cannot write {args.out}: {problem}")
        return EXIT_FAILED
    print(
        f"{written.items} change(s), {len(written.providers)} provider(s) from {source} → "
        f"{args.out}/feed.atom, feed.json, providers/"
    )
    if not items:
        print("no changes recorded by a nightly run in that period", file=sys.stderr)
    return EXIT_OK
