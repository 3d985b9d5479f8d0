"""Every knob of deflator in one place, read from the environment with documented defaults.

| variable | default | what |
|---|---|---|
| DEFLATOR_DB | <data dir>/deflator.duckdb | the warehouse file (also `--db`) |
| DEFLATOR_WAREHOUSE | (the file) | `ducklake:postgres:dbname=… host=…`: that DuckLake instead |
| DEFLATOR_LAKE_DATA_PATH | <data dir>/lake/ | where a DuckLake writes its Parquet files |
| DEFLATOR_EXTENSIONS_DIR | <venv>/duckdb_extensions | DuckDB extensions, installed offline |
| DEFLATOR_LAKE_RETRIES | 30 | attempts of a DuckLake write that conflicts with another |
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
| DEFLATOR_MAX_AGE_HOURS | 36 | `deflator status`: a nightly source older than this is stale |
| DEFLATOR_LOG_FORMAT | text | progress logs on stderr: text, or json lines (also `--log-format`) |
| DEFLATOR_QUERY_TIMEOUT | 60 | seconds before `deflator query` stops a query (also `--timeout`) |
| DEFLATOR_QUERY_MEMORY | 2GiB | memory a `deflator query` statement may use (also `--memory`) |
| DEFLATOR_WEBHOOK_URL | (none) | http(s) URL that receives a JSON summary after each nightly run |
| DEFLATOR_WEBHOOK_RETRIES | 3 | further attempts after a failed webhook delivery |
| DEFLATOR_WEBHOOK_BACKOFF | 2.0 | first wait (s) before a webhook retry; doubles each retry |
| DEFLATOR_FEED_DIR | <data dir>/feeds | where each nightly run writes its Atom and JSON feeds |
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from scrapers.fetch import FetchConfig
from warehouse.backends import DuckLake, EmbeddedFile, Warehouse, is_ducklake_spec

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
    warehouse_spec: str = ""  # DEFLATOR_WAREHOUSE: empty = the file db_path, else a DuckLake
    lake_data_path: str = ""
    extension_dir: Path = Path(sys.prefix) / "duckdb_extensions"
    lake_retries: int = 30
    fetch_task_retries: int = 1
    lock_timeout_s: float = 600.0
    cron: str = "0 2 * * *"
    timezone: str = "UTC"
    prefect_port: int = 4200
    max_age_hours: float = 36.0
    log_format: str = "text"
    query_timeout: str = "60"  # checked by `deflator query` (warehouse/query_limits.py)
    query_memory: str = "2GiB"
    webhook_url: str = ""
    webhook_retries: int = 3
    webhook_backoff_s: float = 2.0
    feed_dir: Path | None = None  # None: <data dir>/feeds

    def with_db(self, db_path: str | Path | None) -> Settings:
        """The same settings with another warehouse file (the `--db` option); a value starting
        with ``ducklake:`` selects that DuckLake instead. While DEFLATOR_WAREHOUSE names a
        DuckLake, a file path changes only db_path: the lake stays the warehouse."""
        if db_path is None:
            return self
        if is_ducklake_spec(db_path):
            return replace(self, warehouse_spec=str(db_path))
        return replace(self, db_path=Path(db_path).expanduser())

    @property
    def warehouse(self) -> Warehouse:
        """The warehouse to open (warehouse/backends.py): the DuckLake or the file."""
        if not self.warehouse_spec:
            return EmbeddedFile(self.db_path)
        return DuckLake(
            catalog=self.warehouse_spec.removeprefix("ducklake:"),
            data_path=self.lake_data_path or f"{self.data_dir / 'lake'}/",
            extension_dir=self.extension_dir,
        )

    @property
    def warehouse_location(self) -> str:
        """What a run and its summary pass on as ``db``: the DuckLake spec, else the file."""
        return self.warehouse_spec or str(self.db_path)


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
        warehouse_spec=_warehouse_spec(env.get("DEFLATOR_WAREHOUSE", "")),
        lake_data_path=env.get("DEFLATOR_LAKE_DATA_PATH", ""),
        extension_dir=Path(
            env.get("DEFLATOR_EXTENSIONS_DIR", Path(sys.prefix) / "duckdb_extensions")
        ).expanduser(),
        lake_retries=int(env.get("DEFLATOR_LAKE_RETRIES", "30")),
        fetch_task_retries=int(env.get("DEFLATOR_TASK_RETRIES", "1")),
        lock_timeout_s=float(env.get("DEFLATOR_LOCK_TIMEOUT", "600")),
        cron=env.get("DEFLATOR_CRON", "0 2 * * *"),
        timezone=env.get("DEFLATOR_TIMEZONE", "UTC"),
        prefect_port=int(env.get("DEFLATOR_PREFECT_PORT", "4200")),
        max_age_hours=float(env.get("DEFLATOR_MAX_AGE_HOURS", "36")),
        log_format=env.get("DEFLATOR_LOG_FORMAT", "text").strip().lower() or "text",
        query_timeout=env.get("DEFLATOR_QUERY_TIMEOUT", "60"),
        query_memory=env.get("DEFLATOR_QUERY_MEMORY", "2GiB"),
        webhook_url=env.get("DEFLATOR_WEBHOOK_URL", "").strip(),
        webhook_retries=int(env.get("DEFLATOR_WEBHOOK_RETRIES", "3")),
        webhook_backoff_s=float(env.get("DEFLATOR_WEBHOOK_BACKOFF", "2.0")),
        feed_dir=Path(env.get("DEFLATOR_FEED_DIR", data_dir / "feeds")).expanduser(),
    )


def _warehouse_spec(value: str) -> str:
    """DEFLATOR_WAREHOUSE: empty or ``file`` for the DuckDB file, else a ``ducklake:`` spec."""
    value = value.strip()
    if value in ("", "file", "duckdb"):
        return ""
    if not is_ducklake_spec(value):
        raise ValueError(
            f"DEFLATOR_WAREHOUSE must start with 'ducklake:' (or be empty), not {value!r}"
        )
    return value
