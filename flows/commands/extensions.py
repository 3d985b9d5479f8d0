"""`deflator extensions`: install the DuckDB extensions of the DuckLake backend, offline."""

from __future__ import annotations

import argparse
import sys

from flows.commands._common import EXIT_FAILED, EXIT_OK, error
from flows.settings import Settings

NAME = "extensions"
ORDER = 90
HELP = "install (offline) or list the DuckDB extensions a DuckLake warehouse needs"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "The DuckLake backend (DEFLATOR_WAREHOUSE=ducklake:…) needs DuckDB's ducklake and "
        "postgres_scanner extensions. They come from the pinned packages "
        "duckdb-extension-ducklake and duckdb-extension-postgres-scanner (requirements.lock) "
        "and are copied into $DEFLATOR_EXTENSIONS_DIR, where connections load them with "
        "automatic downloads off. `make install` runs `deflator extensions install`."
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=["install", "list"],
        default="list",
        help="install: copy the packaged extensions into the folder; list (default): show "
        "what the folder holds",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    from warehouse.extensions import (
        PACKAGES,
        ExtensionMissing,
        install_extensions,
        installed_extensions,
    )

    folder = settings.extension_dir
    try:
        found = install_extensions(folder) if args.action == "install" else None
    except ExtensionMissing as problem:
        error(str(problem))
        return EXIT_FAILED
    found = found if found is not None else installed_extensions(folder)
    for extension in found:
        print(f"{extension.name}\t{extension.version}\t{extension.path}")
    missing = sorted(set(PACKAGES) - {extension.name for extension in found})
    if missing:
        print(
            f"not installed in {folder}: {', '.join(missing)} (run `deflator extensions install`)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK
