"""Every knob of deflator in one place, read from the environment with documented defaults.

Read and validated by pydantic-settings: each setting is ONE declaration on :class:`Settings`
(its attribute name, type and bounds, default, environment variable and a description). A bad
value is a :class:`SettingsError` with one line naming the variable, what it got and what it
expects; `deflator` prints it and exits 2. To add a setting, declare one more field with
``setting(default, "DEFLATOR_NAME", "what it is")`` and a row in this table.

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

import math
import sys
from collections.abc import Mapping
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars

from flows.logs import FORMATS as LOG_FORMATS
from scrapers.fetch import FetchConfig
from warehouse.backends import DuckLake, EmbeddedFile, Warehouse, is_ducklake_spec

VERSION = "0.1.0"
PROJECT_URL = "https://github.com/deflator-pipeline/deflator"


class SettingsError(ValueError):
    """A DEFLATOR_* value that cannot be used: one line naming it, what it got, what it expects."""


def project_root() -> Path:
    """The folder holding pyproject.toml (the package is installed editable from it)."""
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return Path.cwd()


def setting(default: Any, env: str, description: str, **bounds: Any) -> Any:
    """One setting: its default, environment variable, description and bounds (gt, ge, le…)."""
    return Field(default, validation_alias=env, description=description, **bounds)


Finite = Annotated[float, Field(allow_inf_nan=False)]  # NaN and inf are meaningless here

# Where the environment comes from: os.environ, or the mapping given to load_settings.
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("deflator_environ", default=None)


class _MappingEnvSource(EnvSettingsSource):
    """pydantic-settings' environment source, reading load_settings' mapping when given one."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        environ = _ENVIRON.get()
        if environ is None:
            return super()._load_env_vars()
        return parse_env_vars(
            environ, self.case_sensitive, self.env_ignore_empty, self.env_parse_none_str
        )


class Settings(BaseSettings):
    """Resolved settings of one invocation (immutable; see the module's table)."""

    model_config = SettingsConfigDict(
        frozen=True,
        case_sensitive=True,
        env_ignore_empty=False,  # DEFLATOR_X= is the value "": refused where it means nothing
        extra="ignore",
        populate_by_name=True,
        validate_default=False,
    )

    data_dir: Path | None = setting(None, "DEFLATOR_DATA_DIR", "warehouse, archive, Prefect state")
    db_path: Path | None = setting(None, "DEFLATOR_DB", "the warehouse file (also --db)")
    archive_dir: Path | None = setting(None, "DEFLATOR_ARCHIVE", "the raw archive")
    shared_data: Path | None = setting(None, "DEFLATOR_SHARED_DATA", "recordings and datasets")
    prefect_home: Path | None = setting(None, "PREFECT_HOME", "Prefect's state folder")
    warehouse_spec: str = setting("", "DEFLATOR_WAREHOUSE", "empty/file, or a ducklake: spec")
    lake_data_path: str = setting("", "DEFLATOR_LAKE_DATA_PATH", "a DuckLake's Parquet folder")
    extension_dir: Path = setting(
        Path(sys.prefix) / "duckdb_extensions", "DEFLATOR_EXTENSIONS_DIR", "DuckDB extensions"
    )
    lake_retries: int = setting(30, "DEFLATOR_LAKE_RETRIES", "DuckLake write attempts", ge=1)
    user_agent: str = setting(
        f"deflator/{VERSION} (+{PROJECT_URL})", "DEFLATOR_USER_AGENT", "User-Agent", min_length=1
    )
    timeout_s: Finite = setting(30.0, "DEFLATOR_TIMEOUT", "seconds per request", gt=0)
    host_delay_s: Finite = setting(1.0, "DEFLATOR_HOST_DELAY", "seconds between requests", ge=0)
    retries: int = setting(3, "DEFLATOR_RETRIES", "HTTP retries", ge=0)
    backoff_s: Finite = setting(1.0, "DEFLATOR_BACKOFF", "first retry wait (s)", ge=0)
    max_bytes: int = setting(50 * 1024 * 1024, "DEFLATOR_MAX_BYTES", "largest body", gt=0)
    max_step_factor: Decimal = setting(
        Decimal(10), "DEFLATOR_MAX_STEP_FACTOR", "quarantine factor", gt=1, allow_inf_nan=False
    )
    fetch_task_retries: int = setting(1, "DEFLATOR_TASK_RETRIES", "Prefect fetch retries", ge=0)
    lock_timeout_s: Finite = setting(600.0, "DEFLATOR_LOCK_TIMEOUT", "writer lock wait", ge=0)
    cron: str = setting("0 2 * * *", "DEFLATOR_CRON", "nightly schedule (cron)")
    timezone: str = setting("UTC", "DEFLATOR_TIMEZONE", "time zone of the cron (IANA)")
    prefect_port: int = setting(4200, "DEFLATOR_PREFECT_PORT", "Prefect port", ge=1, le=65535)
    max_age_hours: Finite = setting(36.0, "DEFLATOR_MAX_AGE_HOURS", "stale after (h)", gt=0)
    log_format: str = setting("text", "DEFLATOR_LOG_FORMAT", "text or json")
    # Text: `deflator query` reads them with its --timeout/--memory options and checks both
    # with one rule (warehouse/query_limits.py), naming the setting or the option.
    query_timeout: str = setting("60", "DEFLATOR_QUERY_TIMEOUT", "query limit (seconds)")
    query_memory: str = setting("2GiB", "DEFLATOR_QUERY_MEMORY", "query memory (e.g. 2GiB)")
    webhook_url: str = setting("", "DEFLATOR_WEBHOOK_URL", "run summary webhook (http/https)")
    webhook_retries: int = setting(3, "DEFLATOR_WEBHOOK_RETRIES", "webhook retries", ge=0)
    webhook_backoff_s: Finite = setting(2.0, "DEFLATOR_WEBHOOK_BACKOFF", "webhook wait", ge=0)
    feed_dir: Path | None = setting(None, "DEFLATOR_FEED_DIR", "Atom and JSON feeds folder")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments, then the environment; no .env or secrets files."""
        return init_settings, _MappingEnvSource(settings_cls)

    @field_validator("*", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return (value.lower() or "text") if isinstance(value, str) else value  # "": the default

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        if value not in LOG_FORMATS:
            raise ValueError(f"one of {', '.join(LOG_FORMATS)}")
        return value

    @field_validator("warehouse_spec")
    @classmethod
    def _warehouse_spec(cls, value: str) -> str:
        if value in ("", "file", "duckdb"):
            return ""
        if not is_ducklake_spec(value):
            raise ValueError("empty, 'file', or a spec starting with 'ducklake:'")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("an IANA time zone name such as UTC or Europe/Berlin") from None
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("a cron expression of five fields, such as '0 2 * * *'")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("an http:// or https:// URL, or nothing")
        return value

    @model_validator(mode="after")
    def _derived_paths(self) -> Settings:
        """Paths default to places in the data folder; every path has ~ expanded."""
        root = project_root()
        data_dir = (self.data_dir or root / "data").expanduser()
        defaults = {
            "data_dir": data_dir,
            "db_path": data_dir / "deflator.duckdb",
            "archive_dir": data_dir / "archive",
            "shared_data": root.parent / "shared" / "data",
            "prefect_home": data_dir / "prefect",
            "feed_dir": data_dir / "feeds",
            "extension_dir": self.extension_dir,
        }
        for name, default in defaults.items():
            value = getattr(self, name)
            # Frozen model: set the resolved value once, while validating.
            object.__setattr__(self, name, Path(value or default).expanduser())
        return self

    @property
    def fetch(self) -> FetchConfig:
        """How to fetch: the HTTP settings as scrapers/fetch.py takes them."""
        return FetchConfig(
            user_agent=self.user_agent,
            timeout_s=self.timeout_s,
            per_host_delay_s=self.host_delay_s,
            max_retries=self.retries,
            backoff_base_s=self.backoff_s,
            max_bytes=self.max_bytes,
        )

    def with_db(self, db_path: str | Path | None) -> Settings:
        """The same settings with another warehouse file (the `--db` option); a value starting
        with ``ducklake:`` selects that DuckLake instead. While DEFLATOR_WAREHOUSE names a
        DuckLake, a file path changes only db_path: the lake stays the warehouse."""
        if db_path is None:
            return self
        if is_ducklake_spec(db_path):
            return self.model_copy(update={"warehouse_spec": str(db_path)})
        return self.model_copy(update={"db_path": Path(db_path).expanduser()})

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


def setting_names() -> list[str]:
    """Every DEFLATOR_* environment variable deflator reads, in declaration order."""
    names = [field.validation_alias for field in Settings.model_fields.values()]
    return [name for name in names if isinstance(name, str) and name.startswith("DEFLATOR_")]


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment (``os.environ`` by default).

    Raises:
        SettingsError: a value is not what its setting expects (one line, no traceback).
    """
    token = _ENVIRON.set(environ)
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(_one_line(error)) from None
    finally:
        _ENVIRON.reset(token)


def _one_line(error: ValidationError) -> str:
    """The first problem as `DEFLATOR_X: got 'abc', expected …`."""
    problem = error.errors(include_url=False)[0]
    name = str(problem["loc"][0]) if problem["loc"] else "a setting"
    field = Settings.model_fields.get(name)
    env = field.validation_alias if isinstance(field, FieldInfo) else None
    expected = problem["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
    got = problem.get("input")
    if isinstance(got, float) and not math.isfinite(got):
        got = str(got)
    return f"{env or name}: got {got!r}, expected {expected}"


__all__ = ["Settings", "SettingsError", "load_settings", "project_root", "setting", "setting_names"]
