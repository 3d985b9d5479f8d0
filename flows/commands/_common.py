"""Exit statuses and small helpers shared by commands."""

from __future__ import annotations

import sys

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3


def error(message: str) -> None:
    """Print a user-facing error to stderr."""
    print(f"deflator: {message}", file=sys.stderr)


def progress_logging(fmt: str = "text") -> None:
    """Send the 'deflator' logger's progress lines to stderr, as text or JSON lines
    (flows/logs.py); keeps a format the command line already chose."""
    from flows.logs import ensure_configured

    ensure_configured(fmt)


def start_prefect(settings, verbose: bool = False) -> None:
    """Prepare Prefect's environment (before it is imported) and say that it is starting."""
    from flows.logs import event, prefect_json_environment
    from flows.prefect_env import configure_prefect

    configure_prefect(settings, verbose=verbose)
    fmt = getattr(settings, "log_format", "text")
    if fmt == "json":
        prefect_json_environment()  # Prefect's own lines (warnings; all with -v) as JSON too
    progress_logging(fmt)
    event(
        "prefect_starting",
        "starting Prefect (ephemeral API, no server needed; ~10 s, ~20 s the first time)…",
    )
