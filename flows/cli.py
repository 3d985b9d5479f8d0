"""The `deflator` command line: a global --db option and one module per subcommand
(flows/commands/). Prefect is imported only by the commands that run flows, so `--help`,
`query` and `sources` answer instantly."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from flows.commands import command_modules
from flows.logs import FORMATS
from flows.logs import configure as configure_logs
from flows.settings import VERSION, SettingsError, load_settings


def build_parser() -> argparse.ArgumentParser:
    """The full command tree; every subcommand has its own --help."""
    parser = argparse.ArgumentParser(
        prog="deflator",
        description=(
            "deflator measures how fast the price of AI falls: it scrapes LLM token, GPU, "
            "electricity and storage prices, keeps every observation and the full price "
            "history in DuckDB, and serves it to analysts and dashboards."
        ),
        epilog=(
            "examples:\n"
            "  deflator run --offline            nightly pipeline on the recorded data\n"
            "  deflator run --source openrouter  live, one source\n"
            '  deflator query "select count(*) from price_history"\n'
            "  deflator sources                  every source and its last run\n\n"
            "settings come from DEFLATOR_* environment variables (docs/settings.md);\n"
            "every command and option: docs/cli.md."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"deflator {VERSION}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="warehouse file (default: $DEFLATOR_DB, else data/deflator.duckdb in the project)",
    )
    parser.add_argument(
        "--log-format",
        choices=list(FORMATS),
        help="progress logs on stderr: text lines, or JSON lines with time, level, run_id, "
        "source, event and message (default: $DEFLATOR_LOG_FORMAT, else text)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in command_modules():
        sub = commands.add_parser(module.NAME, help=module.HELP)
        sub.set_defaults(handler=module.run)
        module.configure(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `deflator` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings().with_db(args.db)
    except SettingsError as problem:  # one line naming the variable, no traceback
        print(f"deflator: {problem}", file=sys.stderr)
        return 2
    if args.log_format:
        settings = settings.model_copy(update={"log_format": args.log_format})
    configure_logs(settings.log_format)
    try:
        return args.handler(args, settings)
    except KeyboardInterrupt:
        print("interrupted; the warehouse keeps its state from before this run", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `deflator … | head`: the reader left; nothing to report
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
