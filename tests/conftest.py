"""Shared test fixtures: where the recorded data lives, and an isolated data folder per test."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("DEFLATOR_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The recorded data folder, read in place (never copied into the repository)."""
    if not (SHARED_DATA / "README.md").is_file():
        pytest.fail(f"recorded data not found at {SHARED_DATA}; set DEFLATOR_SHARED_DATA")
    return SHARED_DATA


# Prefect reads its settings when first imported: give the whole test session one private,
# quiet, offline PREFECT_HOME before any test imports it (the first flow run then pays the
# ephemeral server's ~15 s set-up once, later runs ~1 s).
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="deflator-test-prefect-"))
for _key, _value in {
    "PREFECT_HOME": str(_PREFECT_HOME),
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
}.items():
    os.environ[_key] = _value
os.environ.pop("PREFECT_API_URL", None)
