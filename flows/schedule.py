"""The nightly schedule: a cron expression in a time zone, checked before Prefect starts.

Prefect evaluates cron schedules with cronsim; so does this module, so what `deflator serve`
prints as the next runs is what the Prefect server schedules.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError


def schedule_problem(cron: str, timezone: str) -> str | None:
    """Why ``cron`` in ``timezone`` is not a usable schedule, or None."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {timezone!r} (use an IANA name such as UTC or Europe/Berlin)"
    try:
        next(iter(CronSim(cron, datetime.now(zone))))
    except (CronSimError, StopIteration) as problem:
        return f"not a cron expression {cron!r}: {problem}"
    return None


def next_runs(cron: str, timezone: str, count: int = 3) -> list[datetime]:
    """The next ``count`` times ``cron`` fires in ``timezone`` (for the start-up message)."""
    times = iter(CronSim(cron, datetime.now(ZoneInfo(timezone))))
    return [next(times) for _ in range(count)]
