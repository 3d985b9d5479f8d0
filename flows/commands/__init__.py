"""One module per `deflator` subcommand; flows.cli finds them all.

Each module defines ``NAME``, ``HELP`` (one line for the command list), ``ORDER`` (its place in
that list), ``configure(parser)`` to add its arguments and description, and
``run(args, settings) -> int`` returning the exit status. Heavy imports (prefect, duckdb) go
inside ``run`` so `--help` stays instant.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def command_modules() -> list[ModuleType]:
    """Every command module, in the order the help lists them."""
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.NAME))
