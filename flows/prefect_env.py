"""Prefect settings that keep a serverless run quiet, offline and inside its start-up timeout.

Measured on these machines (FIELD-NOTES): the ephemeral API server needs up to ~16 s on a
fresh PREFECT_HOME and timed out at the default 20 s under load; its analytics try an outside
host and log an ERROR every run. These defaults must be in the environment before prefect is
imported; anything the user set explicitly wins.
"""

from __future__ import annotations

import os

from flows.settings import Settings


def configure_prefect(settings: Settings, verbose: bool = False) -> None:
    """Set Prefect's environment defaults for this process."""
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(settings.prefect_home),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "INFO" if verbose else "WARNING",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    }
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
