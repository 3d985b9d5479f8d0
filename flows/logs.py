"""Progress logs of the flows: short text lines for people, or JSON lines for machines.

Every progress line of the nightly and backfill flows goes through the ``deflator`` logger via
:func:`event`, which names what happened (``event``), the source it concerns and any numbers
(pages, bytes, seconds, rows). The run id comes from :func:`run_context`, which the flows set
for the whole run (Prefect runs tasks in threads with a copy of the caller's context, so the
tasks' lines carry it too).

``text`` (the default) prints ``HH:MM:SS message``, as before. ``json`` prints one object per
line on stderr, for a log shipper or ``jq``::

    {"time": "2026-11-28T15:46:26.123Z", "level": "info", "run_id": "20261128T154626Z-313f0b",
     "source": "openrouter", "event": "fetched", "message": "fetched openrouter 1 page(s), …",
     "pages": 1, "bytes": 1301234, "seconds": 0.18}

The format is chosen by the global ``--log-format`` option or ``DEFLATOR_LOG_FORMAT``.
Stdout keeps the run summary (and command output); logs never go there.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

LOGGER_NAME = "deflator"
FORMATS = ("text", "json")
# Keys of a JSON line that every line has, in this order; extra fields follow.
CORE_KEYS = ("time", "level", "run_id", "source", "event", "message")

_run_id: ContextVar[str | None] = ContextVar("deflator_run_id", default=None)
log = logging.getLogger(LOGGER_NAME)


class _Stderr(logging.StreamHandler):
    """A handler that writes to whatever ``sys.stderr`` is at the time of each line (so a
    handler installed once keeps working when stderr is replaced, e.g. by pytest)."""

    _deflator = True

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class JsonFormatter(logging.Formatter):
    """One JSON object per record: the core keys, then the record's extra ``fields``.

    Also usable from a logging config (Prefect's logging.yml passes a format string, which a
    JSON line has no use for).
    """

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, *args, **kwargs):
        super().__init__()

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC)
        line: dict[str, object] = {
            "time": stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z",
            "level": record.levelname.lower(),
            "run_id": getattr(record, "run_id", None) or _run_id.get(),
            "source": getattr(record, "source", None),
            "event": getattr(record, "event", None) or record.name,
            "message": record.getMessage(),
        }
        for key in ("flow_run_name", "task_run_name"):  # Prefect's own records carry these
            if getattr(record, key, None):
                line[key.removesuffix("_name")] = getattr(record, key)
        for key, value in (getattr(record, "fields", None) or {}).items():
            if key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """``HH:MM:SS message`` (local time), the lines people read while a run goes."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(message)s", "%H:%M:%S")


def formatter(fmt: str) -> logging.Formatter:
    """The formatter of a log format name ('text' or 'json')."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown log format {fmt!r}; use one of {', '.join(FORMATS)}")
    return JsonFormatter() if fmt == "json" else TextFormatter()


def configure(fmt: str = "text") -> logging.Logger:
    """Send the ``deflator`` logger's INFO lines to stderr in ``fmt``; replaces an earlier
    configuration. When ``fmt`` is json, Prefect's own console lines become JSON too."""
    for handler in [h for h in log.handlers if getattr(h, "_deflator", False)]:
        log.removeHandler(handler)
    handler = _Stderr()
    handler.setFormatter(formatter(fmt))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    if fmt == "json":
        adopt_prefect_handlers()
    return log


def configured_format() -> str | None:
    """The format the logger was configured with, or None when :func:`configure` never ran."""
    for handler in log.handlers:
        if getattr(handler, "_deflator", False):
            return "json" if isinstance(handler.formatter, JsonFormatter) else "text"
    return None


def ensure_configured(fmt: str) -> None:
    """Configure the logger unless someone (the command line) already did: a flow run by a
    Prefect worker or `deflator serve` then logs in the format of its settings."""
    current = configured_format()
    if current is None:
        configure(fmt)
    elif current == "json":
        adopt_prefect_handlers()  # Prefect may have set up its logging since


def prefect_json_environment() -> None:
    """Before Prefect sets up its logging: its console handler formats with
    :class:`JsonFormatter` (Prefect reads any key of its logging.yml from the environment).
    Settings the user made win."""
    os.environ.setdefault("PREFECT_LOGGING_FORMATTERS_JSON_CLASS", f"{__name__}.JsonFormatter")
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FORMATTER", "json")


def adopt_prefect_handlers() -> None:
    """Give Prefect's console handler (on the root logger, once Prefect has set up its
    logging) the JSON formatter: for a process where the environment came too late."""
    if "prefect" not in sys.modules:
        return
    for handler in logging.getLogger().handlers:
        if type(handler).__name__ == "PrefectConsoleHandler":
            handler.setFormatter(JsonFormatter())


@contextmanager
def run_context(run_id: str) -> Iterator[None]:
    """Every line logged inside carries ``run_id``."""
    token = _run_id.set(run_id)
    try:
        yield
    finally:
        _run_id.reset(token)


def current_run_id() -> str | None:
    """The run id of the enclosing :func:`run_context`, if any."""
    return _run_id.get()


def event(
    name: str,
    message: str,
    *args: object,
    source: str | None = None,
    level: int = logging.INFO,
    **fields: object,
) -> None:
    """Log one progress line: ``message % args`` for people, ``name``, ``source`` and
    ``fields`` as JSON keys for machines."""
    log.log(level, message, *args, extra={"event": name, "source": source, "fields": fields})
