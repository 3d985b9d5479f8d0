"""The night's exchange-rate step: fetch the ECB reference rates and store the new ones.

Live, it fetches the ECB daily file; the last 90 days instead when the newest stored rate is
more than a week old (nights were missed); the full history while the warehouse holds no rate
yet (the backfill, once). Offline, it replays the recorded history
(``fx/eurofxref-hist.zip`` in the shared data) under its live URL: the same Fetcher, raw
archive and parser, so ``make run`` converts every recorded price. It runs in its own short
transaction before the price load, and it never fails the night: a failure is logged and
reported, the rates already stored stay, and prices whose date they do not cover simply get
no USD value (with the reason, in the marts).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flows.logs import event
from flows.settings import Settings
from scrapers import fx_ecb
from scrapers.archive import RawArchive
from scrapers.fetch import Fetcher
from scrapers.replay import replay_transport
from warehouse.connection import connect
from warehouse.fx import MAX_GAP_DAYS, load_rates

# Once the history is stored, a night re-reads only the rates of the last RECHECK_DAYS days
# against the stored ones (new dates, and revisions of recent ones): re-staging 27 years of
# rates every night would cost seconds to recheck rates the ECB does not revise.
RECHECK_DAYS = 31


@dataclass
class FxReport:
    """What the exchange-rate step did: for the summary line and the webhook."""

    status: str  # 'ok', 'failed' or 'skipped'
    error: str | None = None
    urls: list[str] = field(default_factory=list)
    parsed: int = 0
    new: int = 0
    last_date: str | None = None
    problems: int = 0
    revised: int = 0

    def line(self) -> str:
        """One line for the run summary."""
        if self.status != "ok":
            return f"fx {fx_ecb.NAME}: {self.status}" + (f": {self.error}" if self.error else "")
        return (
            f"fx {fx_ecb.NAME}: {self.parsed} rates read, {self.new} new, latest "
            f"{self.last_date}; {self.problems} unreadable, {self.revised} revised (kept)"
        )


def wanted(source_names: list[str] | None, custom_sources: bool) -> bool:
    """Whether this night refreshes rates: every full night (no sources named), never one
    limited to some sources or running caller-built sources (tests against a local server)."""
    return not custom_sources and not source_names


def refresh_rates(settings: Settings, run_id: str, offline: bool) -> FxReport:
    """Fetch, parse and store the reference rates; never raises (the night goes on)."""
    try:
        return _refresh(settings, run_id, offline)
    except Exception as error:  # a rate failure must not fail the night
        report = FxReport("failed", error=f"{type(error).__name__}: {error}")
        event(
            "fx_failed",
            "FAILED %s: %s",
            fx_ecb.NAME,
            report.error,
            source=fx_ecb.NAME,
            level=logging.WARNING,
            error=report.error,
        )
        return report


def _refresh(settings: Settings, run_id: str, offline: bool) -> FxReport:
    latest = _latest_stored(settings)
    if offline:
        urls = [fx_ecb.HISTORY_RECORDING.url]
        transport = replay_transport(settings.shared_data, [fx_ecb.HISTORY_RECORDING])
    else:
        urls = [_live_url(latest)]
        transport = None
    archive = RawArchive(settings.archive_dir)
    parsed = fx_ecb.FxParse()
    with Fetcher(settings.fetch, archive, transport=transport, replay=offline) as fetcher:
        for url in urls:
            page = fetcher.fetch(fx_ecb.NAME, url)
            result = fx_ecb.parse(page)
            parsed.rates.extend(result.rates)
            parsed.problems.extend(result.problems)
    if not parsed.rates:
        raise ValueError(f"no rate found in {', '.join(urls)} (ECB layout changed?)")
    rates = parsed.rates
    if latest is not None:  # history already stored: compare only the recent weeks again
        rates = [r for r in rates if r.rate_date > latest - timedelta(days=RECHECK_DAYS)]
    con = connect(settings.warehouse, lock_timeout_s=settings.lock_timeout_s)
    try:
        loaded = load_rates(con, rates, run_id)
    finally:
        con.close()
    for rate_date, currency, stored, published in loaded.revised[:20]:
        event(
            "fx_revised",
            "%s revised %s %s: stored %s kept, now published %s",
            fx_ecb.NAME,
            rate_date,
            currency,
            stored,
            published,
            source=fx_ecb.NAME,
            level=logging.WARNING,
        )
    report = FxReport(
        "ok",
        urls=urls,
        parsed=len(parsed.rates),
        new=loaded.new,
        last_date=str(loaded.last_date),
        problems=len(parsed.problems),
        revised=len(loaded.revised),
    )
    event("fx_loaded", "%s", report.line(), source=fx_ecb.NAME, new=report.new)
    return report


def _live_url(latest: date | None) -> str:
    """The daily file; the last 90 days after a week without rates; the history if none."""
    if latest is None:
        return fx_ecb.HISTORY_URL
    if (datetime.now(UTC).date() - latest).days > MAX_GAP_DAYS:
        return fx_ecb.NINETY_DAYS_URL
    return fx_ecb.DAILY_URL


def _latest_stored(settings: Settings) -> date | None:
    con = connect(settings.warehouse, lock_timeout_s=settings.lock_timeout_s)
    try:
        (latest,) = con.execute(
            "SELECT max(rate_date) FROM fx_rates WHERE source = ?", [fx_ecb.NAME]
        ).fetchone()
    finally:
        con.close()
    return latest
