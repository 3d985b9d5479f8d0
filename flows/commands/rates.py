"""`deflator rates`: how fast prices fall — the threshold frontier, or any stored index."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from flows.commands._common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error
from flows.commands._writer import close_and_publish, open_writer
from flows.settings import Settings

NAME = "rates"
ORDER = 45
HELP = "decline rates: threshold frontier (Epoch AI's method) or any index"

FRONTIER_COLUMNS = [
    "benchmark",
    "threshold_model",
    "threshold_score",
    "n_points",
    "start_date",
    "end_date",
    "factor_per_year",
    "ci90_low",
    "ci90_high",
    "r_squared",
]
INDEX_COLUMNS = [
    "index",
    "segment",
    "method",
    "n_points",
    "start_date",
    "end_date",
    "factor_per_year",
    "ci90_low",
    "ci90_high",
    "percent_per_year",
    "halving_months",
    "r_squared",
    "items",
]
HEADLINE_COLUMNS = [
    "leg",
    "measure",
    "quote",
    "segment",
    "method",
    "window_start",
    "window_end",
    "n_points",
    "items",
    "factor_per_year",
    "ci90_low",
    "ci90_high",
    "percent_per_year",
    "note",
]


def _format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=["table", "csv", "json"],
        default="table",
        help="output format (default: table)",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Fit decline rates and store them in the decline_rates table. `frontier`: the "
        "cheapest price at or above each capability threshold over time (Epoch AI 2025). "
        "`index`: the decline of a matched-model or hedonic index (see `deflator indices`)."
    )
    sub = parser.add_subparsers(dest="rates_command", metavar="WHAT", required=True)
    frontier = sub.add_parser(
        "frontier",
        help="threshold-frontier rates per benchmark × threshold",
        description=(
            "For every benchmark and every threshold (the score of a model that was top-1 at "
            "its date; MMLU and GPQA Diamond from 30), the cheapest 3:1-blended price at or "
            "above it over time, fitted by OLS of log10(price) on years: factor per year, "
            "its 90% interval, r². Needs at least 4 points. Reasoning models (o1, o1-mini, "
            "o1-preview, o3-mini, DeepSeek-R1) are left out unless --include-reasoning."
        ),
    )
    frontier.add_argument(
        "--source",
        metavar="SOURCE",
        help="use only this source's prices (e.g. epoch_benchmark_tables); default: all",
    )
    frontier.add_argument(
        "--include-reasoning",
        action="store_true",
        help="keep the reasoning models the study leaves out",
    )
    _format(frontier)
    index = sub.add_parser(
        "index",
        help="decline rate of a stored index",
        description=(
            "Fit log10(index) on years: factor per year, percent per year, halving time and "
            "the factor's 90% interval, on the published months only (at least 5 items; "
            "docs/which-rate-to-quote.md). A series with fewer than 3 such months gets no "
            "rate: the reason is stored in withheld_rates and the exit status is 2. Builds "
            "the index first if it is not stored."
        ),
    )
    index.add_argument(
        "index_name", metavar="NAME", help="llm_tokens, gpu_hour, electricity, storage, egress"
    )
    index.add_argument("--segment", default="all", help="segment (default: all)")
    index.add_argument(
        "--method",
        choices=["geks", "jevons", "hedonic"],
        default="geks",
        help="index method (default: geks)",
    )
    index.add_argument(
        "--since", metavar="DATE", type=date.fromisoformat, help="fit from this date on"
    )
    _format(index)
    headline = sub.add_parser(
        "headline",
        help="the rate to quote per leg (llm, compute, energy, data)",
        description=(
            "The decline rate to quote today for each leg: its measure, method, window, "
            "items and 90% interval; for LLM tokens the threshold frontier (quoted), the "
            "matched-model and the hedonic rates side by side, and why they differ. Stored "
            "in headline_rates (mart_headline_rates). Reads the stored indices and frontier "
            "rates (`deflator indices`, `deflator rates frontier`). See "
            "docs/which-rate-to-quote.md."
        ),
    )
    _format(headline)


def _print(columns: list[str], rows: list[list], fmt: str) -> None:
    from flows.tables import RENDERERS

    output = RENDERERS[fmt](columns, rows)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")


def _frontier(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse.indices import data
    from warehouse.indices.frontier import frontier_rates
    from warehouse.indices.store import replace_frontier_rates

    con = open_writer(settings)
    if con is None:
        return EXIT_FAILED
    wrote = False
    try:
        if args.source and not data.source_has_prices(con, args.source):
            error(f"no LLM prices from source {args.source!r} in {settings.warehouse.label}")
            return EXIT_USAGE
        listings = data.frontier_listings(con, args.source)
        rates = frontier_rates(listings, include_reasoning=args.include_reasoning)
        replace_frontier_rates(con, rates, args.source, args.include_reasoning)
        wrote = True
    finally:
        close_and_publish(con, settings) if wrote else con.close()
    rows = [
        [
            r.benchmark,
            r.threshold_model,
            r.threshold_score,
            r.n_points,
            r.start_date,
            r.end_date,
            r.factor_per_year,
            r.ci90_low,
            r.ci90_high,
            round(r.r_squared, 4),
        ]
        for r in rates
    ]
    if args.format == "table":
        rows = [row[:6] + [_g(v) for v in row[6:9]] + [row[9]] for row in rows]
    _print(FRONTIER_COLUMNS, rows, args.format)
    if not rates:
        print("no benchmark × threshold has 4 frontier points", file=sys.stderr)
    return EXIT_OK


def _g(value: float | None) -> str:
    """A factor for people: 3 significant digits."""
    return "" if value is None else f"{value:.3g}"


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse.indices import build
    from warehouse.indices.publish import fit_index_rate

    if args.index_name not in build.INDICES:
        error(f"unknown index {args.index_name!r}; known: {', '.join(build.INDICES)}")
        return EXIT_USAGE
    con = open_writer(settings)
    if con is None:
        return EXIT_FAILED
    wrote = False
    try:

        def fit():
            return fit_index_rate(con, args.index_name, args.segment, args.method, args.since)

        outcome = fit()
        if outcome is None:
            build.build_index(con, args.index_name, **build.llm_inputs(con, args.index_name))
            outcome = fit()
        if outcome is None:
            segments = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT segment FROM index_values WHERE index = ? AND method = ? "
                    "ORDER BY 1",
                    [args.index_name, args.method],
                ).fetchall()
            ]
            error(
                f"no {args.method} values for {args.index_name} / {args.segment}; "
                f"segments: {', '.join(segments) or 'none (no prices of this leg loaded)'}"
            )
            return EXIT_USAGE
        wrote = True
    finally:
        close_and_publish(con, settings) if wrote else con.close()
    rate = outcome.rate
    if rate is None:
        error(
            f"no rate for {args.index_name} / {args.segment} / {args.method}: "
            f"{outcome.coverage.reason} (stored in withheld_rates)"
        )
        return EXIT_USAGE
    row = [
        args.index_name,
        args.segment,
        args.method,
        rate.n_points,
        rate.start_date,
        rate.end_date,
        rate.factor_per_year,
        rate.ci90_low,
        rate.ci90_high,
        rate.percent_per_year,
        rate.halving_months,
        round(rate.r_squared, 4),
        outcome.coverage.fewest_items,
    ]
    if args.format == "table":
        row = [
            *row[:6],
            *(_g(v) for v in row[6:9]),
            f"{rate.percent_per_year:.1f}",
            "" if rate.halving_months is None else f"{rate.halving_months:.1f}",
            *row[11:],
        ]
    _print(INDEX_COLUMNS, [row], args.format)
    return EXIT_OK


def _headline(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse.indices.headline import WHY_LLM_DIFFER, replace_headline

    con = open_writer(settings)
    if con is None:
        return EXIT_FAILED
    wrote = False
    try:
        rows = replace_headline(con)
        wrote = True
    finally:
        close_and_publish(con, settings) if wrote else con.close()
    table = [
        [
            r.leg, r.measure, r.quote, r.segment or "", r.method, r.window_start, r.window_end,
            r.n_points, r.items, r.factor_per_year, r.ci90_low, r.ci90_high,
            r.percent_per_year, r.note,
        ]
        for r in rows
    ]  # fmt: skip
    if args.format == "table":
        table = [
            [
                *row[:2], "quote" if row[2] else ("not published" if row[9] is None else ""),
                *row[3:9], *(_g(v) for v in row[9:12]),
                "" if row[12] is None else f"{row[12]:.1f}",
                row[13] if row[9] is None else row[13].split(";")[0],
            ]
            for row in table
        ]  # fmt: skip
    _print(HEADLINE_COLUMNS, table, args.format)
    if args.format == "table":
        print(f"\nLLM tokens: {WHY_LLM_DIFFER}")
    return EXIT_OK


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.rates_command == "frontier":
        return _frontier(args, settings)
    if args.rates_command == "headline":
        return _headline(args, settings)
    return _index(args, settings)
