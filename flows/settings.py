"""Every knob of deflator in one place, read from the environment with documented defaults.

| variable | default | what |
|---|---|---|
| DEFLATOR_DB | <data dir>/deflator.duckdb | the warehouse file (also `--db`) |
| DEFLATOR_DATA_DIR | <project>/data | where the warehouse, raw archive and Prefect state live |
| DEFLATOR_ARCHIVE | <data dir>/archive | the content-addressed raw archive |
| DEFLATOR_SHARED_DATA | <project>/../shared/data | recorded responses and datasets, read in place |
| DEFLATOR_USER_AGENT | deflator/<version> (+project URL) | User-Agent of live fetches |
| DEFLATOR_TIMEOUT | 30 | seconds per request |
| DEFLATOR_HOST_DELAY | 1.0 | minimum seconds between two requests to one host |
| DEFLATOR_RETRIES | 3 | HTTP retries on 429, 5xx, timeouts and resets |
| DEFLATOR_MAX_BYTES | 52428800 | largest response body accepted (decoded) |
| DEFLATOR_MAX_STEP_FACTOR | 10 | a price moving more than this factor in one step is quarantined |
| DEFLATOR_BACKOFF | 1.0 | first retry wait (s) without a Retry-After; doubles each retry |
| DEFLATOR_TASK_RETRIES | 1 | Prefect retries of a source's whole fetch (live runs) |
| DEFLATOR_LOCK_TIMEOUT | 600 | seconds a run waits for another writer to release the warehouse |
| DEFLATOR_CRON | 0 2 * * * | when `deflator serve` runs the nightly flow |
| DEFLATOR_TIMEZONE | UTC | time zone of DEFLATOR_CRON (IANA name) |
| DEFLATOR_PREFECT_PORT | 4200 | port of the Prefect server `deflator serve` starts if needed |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from scrapers.fetch import FetchConfig

VERSION = "0.1.0"
PROJECT_URL = "https://github.com/deflator-pipeline/deflator"


def project_root() -> Path:
    """The folder holding pyproject.toml (the package is installed editable from it)."""
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return Path.cwd()


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one invocation."""

    db_path: Path
    data_dir: Path
    archive_dir: Path
    shared_data: Path
    prefect_home: Path
    fetch: FetchConfig
    max_step_factor: Decimal
    fetch_task_retries: int = 1
    lock_timeout_s: float = 600.0
    cron: str = "0 2 * * *"
    timezone: str = "UTC"
    prefect_port: int = 4200

    def with_db(self, db_path: str | Path | None) -> Settings:
        """The same settings with another warehouse file (the `--db` option)."""
        return self if db_path is None else replace(self, db_path=Path(db_path).expanduser())


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from the environment (``os.environ`` by default)."""
    env = os.environ if environ is None else environ
    root = project_root()
    data_dir = Path(env.get("DEFLATOR_DATA_DIR", root / "data")).expanduser()
    fetch = FetchConfig(
        user_agent=env.get("DEFLATOR_USER_AGENT", f"deflator/{VERSION} (+{PROJECT_URL})"),
        timeout_s=float(env.get("DEFLATOR_TIMEOUT", "30")),
        per_host_delay_s=float(env.get("DEFLATOR_HOST_DELAY", "1.0")),
        max_retries=int(env.get("DEFLATOR_RETRIES", "3")),
        backoff_base_s=float(env.get("DEFLATOR_BACKOFF", "1.0")),
        max_bytes=int(env.get("DEFLATOR_MAX_BYTES", str(50 * 1024 * 1024))),
    )
    return Settings(
        db_path=Path(env.get("DEFLATOR_DB", data_dir / "deflator.duckdb")).expanduser(),
        data_dir=data_dir,
        archive_dir=Path(env.get("DEFLATOR_ARCHIVE", data_dir / "archive")).expanduser(),
        shared_data=Path(
            env.get("DEFLATOR_SHARED_DATA", root.parent / "shared" / "data")
        ).expanduser(),
        prefect_home=Path(env.get("PREFECT_HOME", data_dir / "prefect")).expanduser(),
        fetch=fetch,
        max_step_factor=Decimal(env.get("DEFLATOR_MAX_STEP_FACTOR", "10")),
        fetch_task_retries=int(env.get("DEFLATOR_TASK_RETRIES", "1")),
        lock_timeout_s=float(env.get("DEFLATOR_LOCK_TIMEOUT", "600")),
        cron=env.get("DEFLATOR_CRON", "0 2 * * *"),
        timezone=env.get("DEFLATOR_TIMEZONE", "UTC"),
        prefect_port=int(env.get("DEFLATOR_PREFECT_PORT", "4200")),
    )
