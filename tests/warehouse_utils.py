"""Shared helpers for warehouse tests: build observations and outcomes, count tables."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from schemas.enums import CanonicalUnit, Component, Currency, Leg
from schemas.observation import Observation
from warehouse.load import FetchRecord, SourceOutcome

TABLES = (
    "runs",
    "run_sources",
    "fetches",
    "observations",
    "price_history",
    "quarantine",
    "parse_problems",
)


def at(day: int, hour: int = 2) -> datetime:
    """A UTC moment in November 2026."""
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def obs(
    sku: str,
    price: str,
    when: datetime,
    component: Component = Component.INPUT,
    source: str = "testsrc",
    tier: str = "standard",
) -> Observation:
    """A token-price observation of a test source."""
    return Observation(
        source=source,
        leg=Leg.LLM,
        provider="acme",
        sku=sku,
        model=sku,
        component=component,
        tier=tier,
        price=Decimal(price),
        currency=Currency.USD,
        unit=CanonicalUnit.PER_1M_TOKENS,
        published_text=price,
        published_unit="per 1M tokens",
        observed_at=when,
        source_url="https://example.invalid/prices",
        page_hash=hashlib.sha256(when.isoformat().encode()).hexdigest(),
        parser_version="1",
    )


def outcome(
    observations: list[Observation],
    when: datetime,
    source: str = "testsrc",
    status: str = "ok",
    error: str | None = None,
) -> SourceOutcome:
    """A source outcome with one fetch at ``when``."""
    fetch = FetchRecord(
        source, "https://example.invalid/prices", 200, when, "0" * 64, 10, {}, False
    )
    return SourceOutcome(
        source=source,
        leg="llm",
        status=status,
        error=error,
        fetches=[fetch],
        observations=observations,
    )


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every warehouse table."""
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def history(con: duckdb.DuckDBPyConnection, sku: str, component: str = "input") -> list[tuple]:
    """(price, valid_from, valid_to, close_reason) of one series, oldest first."""
    return con.execute(
        "SELECT price, valid_from, valid_to, close_reason FROM price_history "
        "WHERE sku = ? AND component = ? ORDER BY valid_from",
        [sku, component],
    ).fetchall()


def one_run_warehouse(path: Path) -> Path:
    """A new warehouse at ``path`` holding one offline run of one price (sku ``a``, $2.5)."""
    from warehouse.connection import connect
    from warehouse.load import load_run

    con = connect(path)
    load_run(con, "run1", "offline", at(1), [outcome([obs("a", "2.5", at(1))], at(1))])
    con.close()
    return path
