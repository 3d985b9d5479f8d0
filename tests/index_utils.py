"""Helpers for index and rate tests: dated prices of any leg loaded through the real loader."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb

from schemas.enums import CANONICAL_UNIT_OF, Component, Currency, Leg
from schemas.observation import Observation
from warehouse.load import FetchRecord, SourceOutcome, load_run

LEG_OF = {
    Component.INPUT: Leg.LLM,
    Component.OUTPUT: Leg.LLM,
    Component.BLENDED: Leg.LLM,
    Component.GPU_HOUR: Leg.COMPUTE,
    Component.INSTANCE_HOUR: Leg.COMPUTE,
    Component.KWH: Leg.ENERGY,
    Component.GB_MONTH: Leg.DATA,
    Component.EGRESS_GB: Leg.DATA,
}


def dated(
    source: str,
    provider: str,
    sku: str,
    component: Component,
    price: str,
    effective: str,
    observed: str,
    tier: str = "standard",
    region: str = "global",
    model: str | None = None,
    accelerator: str | None = None,
    count: int | None = None,
) -> Observation:
    """One price with its effective date, observed at ``observed`` (both ISO dates)."""
    when = datetime.combine(date.fromisoformat(observed), datetime.min.time(), tzinfo=UTC)
    return Observation(
        source=source,
        leg=LEG_OF[component],
        provider=provider,
        sku=sku,
        model=model or sku,
        component=component,
        tier=tier,
        region=region,
        price=Decimal(price),
        currency=Currency.USD,
        unit=CANONICAL_UNIT_OF[component],
        published_text=price,
        published_unit="test",
        observed_at=when,
        effective_date=date.fromisoformat(effective),
        source_url="https://example.invalid/prices",
        page_hash=hashlib.sha256(f"{source}{observed}".encode()).hexdigest(),
        parser_version="1",
        accelerator=accelerator,
        accelerator_count=count,
    )


def load(con: duckdb.DuckDBPyConnection, run: str, observations: list[Observation]) -> None:
    """Load observations as one run, one outcome per source, through the real loader."""
    by_source: dict[str, list[Observation]] = {}
    for o in observations:
        by_source.setdefault(o.source, []).append(o)
    moment = max(o.observed_at for o in observations)
    outcomes = [
        SourceOutcome(
            source=source,
            leg=found[0].leg.value,
            status="ok",
            fetches=[
                FetchRecord(
                    source, "https://example.invalid/prices", 200, moment, "0" * 64, 1, {}, True
                )
            ],
            observations=found,
        )
        for source, found in by_source.items()
    ]
    load_run(con, run, "offline", moment, outcomes)
