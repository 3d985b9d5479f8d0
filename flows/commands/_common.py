"""Exit statuses and small helpers shared by commands."""

from __future__ import annotations

import logging
import sys

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3


def error(message: str) -> None:
    """Print a user-facing error to stderr."""
    print(f"deflator: {message}", file=sys.stderr)


def progress_logging() -> None:
    """Send the 'deflator' logger's progress lines to stderr with a time stamp."""
    logger = logging.getLogger("deflator")
    if not any(getattr(h, "_deflator", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        handler._deflator = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def start_prefect(settings, verbose: bool = False) -> None:
    """Prepare Prefect's environment (before it is imported) and say that it is starting."""
    from flows.prefect_env import configure_prefect

    configure_prefect(settings, verbose=verbose)
    print(
        "starting Prefect (ephemeral API, no server needed; ~10 s, ~20 s the first time)…",
        file=sys.stderr,
        flush=True,
    )
    progress_logging()
