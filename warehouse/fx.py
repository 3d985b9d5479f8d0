"""Exchange rates in the warehouse: store the ECB reference rates, and convert with them.

Rule (docs/currencies.md): a price converts to USD at the rate of its own date, the latest
ECB reference rate published on or before that date, at most :data:`MAX_GAP_DAYS` days back.
The ECB publishes on TARGET business days only, so a Saturday or Sunday takes Friday's rate
and Easter Monday takes Maundy Thursday's (4 days back, the longest regular gap). A price
whose latest rate is older than that gets no USD value and a reason, never a guess.

The ECB quotes units of a currency per 1 EUR; a USD value goes through the euro:
``USD per unit of X = USD[d] / X[d]``, computed here exactly with Decimal and stored rounded
half-even to 16 decimals (``fx_rates.usd_per_unit``). The marts multiply a price by it and
round to the price's 12 decimals (migration 014).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import duckdb
import pyarrow as pa

from schemas.fx import EUR, USD, FxRate
from warehouse.backends import rollback
from warehouse.sqlfiles import sql

MAX_GAP_DAYS = 7
USD_RATE_SCALE = Decimal("1e-16")
SOURCE = "ecb_eurofxref"


@dataclass
class FxLoad:
    """What loading a batch of rates did."""

    parsed: int
    new: int
    first_date: date | None
    last_date: date | None
    revised: list[tuple[date, str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class UsdRate:
    """USD per unit of ``currency``, from the ECB rates published on ``rate_date``.

    Attributes:
        currency: ISO 4217 code.
        rate_date: The ECB reference date of the rate.
        usd_per_unit: USD per 1 unit (``USD[d] / X[d]``, 16 decimals).
        per_eur: ``X[d]``, units of the currency per EUR, as published.
        usd_per_eur: ``USD[d]``, USD per EUR, as published.
    """

    currency: str
    rate_date: date
    usd_per_unit: Decimal
    per_eur: Decimal
    usd_per_eur: Decimal

    def from_usd(self, amount: Decimal) -> Decimal:
        """A USD amount in this currency, exact: ``amount · X[d] / USD[d]`` (28 digits)."""
        if self.currency == USD:
            return amount
        return amount * self.per_eur / self.usd_per_eur


@dataclass(frozen=True)
class NoRate:
    """Why a currency on a date has no USD rate."""

    reason: str


def usd_per_unit(usd_per_eur: Decimal, per_eur: Decimal) -> Decimal:
    """USD per 1 unit of a currency quoted ``per_eur`` per EUR on a day of ``usd_per_eur``."""
    return (usd_per_eur / per_eur).quantize(USD_RATE_SCALE, rounding=ROUND_HALF_EVEN)


def _rows(rates: list[FxRate]) -> pa.Table:
    """The staged rows: each published rate with its USD cross rate, plus EUR (per_eur 1)."""
    usd_of: dict[tuple[str, date], Decimal] = {}
    by_page_day: dict[tuple[str, date], FxRate] = {}
    unique: dict[tuple[str, date, str], FxRate] = {}
    for rate in rates:  # the same rate read twice (two files of one night) is kept once
        key = (rate.source, rate.rate_date, rate.currency)
        kept = unique.setdefault(key, rate)
        if kept.per_eur != rate.per_eur:
            raise ValueError(
                f"{rate.currency} on {rate.rate_date} read as {kept.published_text} "
                f"({kept.source_url}) and {rate.published_text} ({rate.source_url})"
            )
    rates = list(unique.values())
    for rate in rates:
        if rate.currency == USD:
            usd_of[(rate.source, rate.rate_date)] = rate.per_eur
        by_page_day.setdefault((rate.source, rate.rate_date), rate)
    columns: dict[str, list] = defaultdict(list)

    def add(rate: FxRate, currency: str, per_eur: Decimal, text: str) -> None:
        usd = usd_of.get((rate.source, rate.rate_date))
        columns["source"].append(rate.source)
        columns["rate_date"].append(rate.rate_date)
        columns["currency"].append(currency)
        columns["per_eur"].append(per_eur)
        columns["usd_per_unit"].append(None if usd is None else usd_per_unit(usd, per_eur))
        columns["published_text"].append(text)
        columns["source_url"].append(rate.source_url)
        columns["page_hash"].append(rate.page_hash)

    for rate in rates:
        add(rate, rate.currency, rate.per_eur, rate.published_text)
    for (_, _), first in by_page_day.items():
        add(first, EUR, Decimal(1), "1 (the quote base)")
    schema = pa.schema(
        [
            ("source", pa.string()),
            ("rate_date", pa.date32()),
            ("currency", pa.string()),
            ("per_eur", pa.decimal128(28, 12)),
            ("usd_per_unit", pa.decimal128(28, 16)),
            ("published_text", pa.string()),
            ("source_url", pa.string()),
            ("page_hash", pa.string()),
        ]
    )
    return pa.table({name: columns[name] for name in schema.names}, schema=schema)


def load_rates(con: duckdb.DuckDBPyConnection, rates: list[FxRate], run_id: str) -> FxLoad:
    """Store the rates not stored yet, in one transaction; a rerun adds nothing.

    A rate already stored with another value (the publisher revised it) is kept as stored
    and listed in :attr:`FxLoad.revised`, for the caller to report.
    """
    report = FxLoad(
        parsed=len(rates),
        new=0,
        first_date=min((r.rate_date for r in rates), default=None),
        last_date=max((r.rate_date for r in rates), default=None),
    )
    if not rates:
        return report
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("fx_stage_arrow", _rows(rates))
        con.execute("CREATE OR REPLACE TEMP TABLE fx_stage AS SELECT * FROM fx_stage_arrow")
        con.unregister("fx_stage_arrow")
        report.revised = [tuple(row) for row in con.execute(sql("fx_revised")).fetchall()]
        (before,) = con.execute("SELECT count(*) FROM fx_rates").fetchone()
        con.execute(sql("fx_insert_new"), {"run_id": run_id})
        (after,) = con.execute("SELECT count(*) FROM fx_rates").fetchone()
        report.new = after - before
        con.execute("COMMIT")
    except BaseException:
        rollback(con)  # not hiding a DuckLake conflict (backends.py)
        raise
    finally:
        con.execute("DROP TABLE IF EXISTS temp.fx_stage")
    return report


def rate_on(con: duckdb.DuckDBPyConnection, currency: str, day: date) -> UsdRate | NoRate:
    """The USD rate a price of ``currency`` dated ``day`` converts with, or why there is none."""
    if currency == USD:
        return UsdRate(USD, day, Decimal(1), Decimal(1), Decimal(1))
    row = con.execute(sql("fx_rate_on"), {"currency": currency, "day": day}).fetchone()
    if row is None:
        return NoRate(f"no ECB reference rate for {currency} on or before {day}")
    rate_date = row[0]
    gap = (day - rate_date).days
    if gap > MAX_GAP_DAYS:
        return NoRate(
            f"the latest ECB rate for {currency} ({rate_date}) is {gap} days before the "
            f"price's date {day} (at most {MAX_GAP_DAYS} days back)"
        )
    return UsdRate(currency, *row)


def latest_rate(con: duckdb.DuckDBPyConnection, currency: str) -> UsdRate | NoRate:
    """The most recent stored rate of ``currency`` (what a cost "today" is shown in)."""
    if currency == USD:
        return UsdRate(USD, date.today(), Decimal(1), Decimal(1), Decimal(1))
    row = con.execute(
        "SELECT rate_date, usd_per_unit, per_eur, usd_per_eur FROM fx_usd_rates "
        "WHERE currency = ? "
        "ORDER BY rate_date DESC LIMIT 1",
        [currency],
    ).fetchone()
    if row is None:
        return NoRate(
            f"no ECB reference rate for {currency} in the warehouse (a run loads them: "
            "`deflator run --offline` replays the recorded history)"
        )
    return UsdRate(currency, *row)
