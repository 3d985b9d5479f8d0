"""After each nightly run: write the change feeds, then send the webhook summary.

Both are for people and other systems to learn what changed; neither may fail the night. A
problem is caught, logged and printed in the run's summary; the run's status and the
warehouse are untouched. Called from flows/nightly.py once the load has committed and the
read snapshot is published (the feeds read that snapshot, like every reader).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flows.fx import FxReport
from flows.logs import event
from flows.settings import Settings
from flows.webhook import Delivery, deliver
from warehouse.load import RunReport

TOP_CHANGES = 20
FEED_DAYS = 7  # the nightly feeds list the changes of the nightly runs of the last 7 days


@dataclass
class NightPublished:
    """What was published after a night: the feeds, the webhook, and any failure."""

    feed_items: int = 0
    feed_dir: str | None = None
    by_kind: Counter[str] = field(default_factory=Counter)
    webhook: Delivery | None = None
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Lines for the run summary."""
        out = []
        if self.feed_dir:
            kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_kind.items())) or "none"
            out.append(f"feeds: {self.feed_items} change(s) tonight ({kinds}) → {self.feed_dir}")
        out.extend(f"publishing FAILED: {p}" for p in self.problems)
        if self.webhook is not None:
            out.append(self.webhook.line())
        return out


def publish_night(settings: Settings, report: RunReport, fx: FxReport | None) -> NightPublished:
    """Write the feeds of run ``report`` and deliver the webhook; never raises."""
    published = NightPublished()
    items = []
    try:
        items = _write_feeds(settings, report.run_id, published)
    except Exception as problem:  # the feed must not fail the night
        published.problems.append(f"feeds: {type(problem).__name__}: {problem}")
        event("feed_failed", "feeds not written: %s", problem, level=logging.WARNING)
    if settings.webhook_url:
        try:
            published.webhook = deliver(
                settings.webhook_url,
                summary(report, fx, published, items),
                retries=settings.webhook_retries,
                backoff_s=settings.webhook_backoff_s,
            )
        except Exception as problem:  # deliver never raises; building the summary might
            published.problems.append(f"webhook: {type(problem).__name__}: {problem}")
    return published


def _write_feeds(settings: Settings, run_id: str, published: NightPublished) -> list:
    """Write the feeds of the last :data:`FEED_DAYS` days of nightly runs (a reader polling
    weekly misses nothing); return this night's changes."""
    from warehouse.feed import changes, write_feeds
    from warehouse.snapshot import connect_reader

    con, _ = connect_reader(settings.warehouse)
    try:
        recent = changes(con, since=datetime.now(UTC) - timedelta(days=FEED_DAYS))
    finally:
        con.close()
    folder = settings.feed_dir or settings.data_dir / "feeds"
    write_feeds(recent, folder)
    tonight = [item for item in recent if item.run_id == run_id]
    published.feed_items = len(tonight)
    published.feed_dir = str(folder)
    published.by_kind = Counter(item.kind for item in tonight)
    return tonight


def summary(report: RunReport, fx: FxReport | None, published: NightPublished, items) -> dict:
    """The JSON the webhook receives: the run, its sources, the changes by kind, the first
    :data:`TOP_CHANGES` changes, where the feeds are, and the exchange-rate step."""
    return {
        "event": "deflator.night",
        "run_id": report.run_id,
        "mode": report.mode,
        "status": report.status,
        # As in runs (warehouse/load.py): skipped sources (no recording) are not ok.
        "sources_ok": sum(s.status in ("ok", "unchanged") for s in report.sources),
        "sources_skipped": sum(s.status == "skipped" for s in report.sources),
        "sources_failed": [
            {"source": s.source, "error": s.error} for s in report.sources if s.status == "failed"
        ],
        "observations_new": report.observations_new,
        "history_changes": report.history_changes,
        "quarantined": report.quarantined,
        "changes": dict(published.by_kind),
        "top_changes": [{"title": item.title, **item.data()} for item in items[:TOP_CHANGES]],
        "feeds": published.feed_dir,
        "fx": None if fx is None else fx.line(),
        "problems": published.problems,
    }
