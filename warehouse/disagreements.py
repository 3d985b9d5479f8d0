"""The cross-source check: first-party prices in force against the aggregators' listings.

The view ``price_disagreements`` (migration 012) pairs every first-party price in force
(``prices_in_force``, source kind first-party page or API) with each aggregator listing
(OpenRouter, LiteLLM, the OpenRouter page history) of the same canonical model, component,
tier and currency that differs from it by more than the tolerance (1%, compared as exact
decimals; table ``price_check_tolerance``). Disagreements are listed by `deflator status`.

An **alarm** is a first-party price that changed in the latest nightly run and disagrees with
*every* aggregator that lists it: the signature of a parser that read a new layout wrong (a
mode price taken as the list price, a price from the neighbouring row). One aggregator agreeing
is enough to clear it: aggregators lag real price changes by days, and a real change is
usually picked up by at least one of them. An alarm makes `deflator status` exit non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import duckdb

from warehouse.sqlfiles import sql


@dataclass(frozen=True)
class Disagreement:
    """One first-party price and one aggregator listing that disagrees with it."""

    model_id: str
    component: str
    tier: str
    currency: str
    first_party_price: Decimal
    first_party_source: str
    first_party_provider: str
    first_party_sku: str
    first_party_valid_from: datetime
    aggregator_price: Decimal
    aggregator_source: str
    aggregator_provider: str
    aggregator_sku: str
    relative_difference: Decimal | None
    agreeing_aggregators: int
    listing_aggregators: int
    changed_tonight: bool

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.model_id, self.component, self.tier, self.currency)

    @property
    def is_alarm(self) -> bool:
        """Changed tonight and no aggregator that lists it agrees."""
        return self.changed_tonight and self.agreeing_aggregators == 0


def disagreements(con: duckdb.DuckDBPyConnection) -> list[Disagreement]:
    """Every row of ``price_disagreements``, alarms first, then the largest differences."""
    return [Disagreement(*row) for row in con.execute(sql("price_disagreements")).fetchall()]


def alarms(found: list[Disagreement]) -> list[str]:
    """One line per first-party price in alarm, naming it and every aggregator's price."""
    by_key: dict[tuple[str, str, str, str], list[Disagreement]] = {}
    for row in found:
        if row.is_alarm:
            by_key.setdefault(row.key, []).append(row)
    lines = []
    for (model, component, tier, currency), rows in by_key.items():
        first = rows[0]
        others = ", ".join(
            f"{r.aggregator_source} {r.aggregator_sku} {_price(r.aggregator_price)}" for r in rows
        )
        lines.append(
            f"{model} {component} {tier}: {first.first_party_source} "
            f"({first.first_party_provider} {first.first_party_sku}) changed tonight to "
            f"{_price(first.first_party_price)} {currency} from "
            f"{first.first_party_valid_from:%Y-%m-%d %H:%M}; every aggregator listing it "
            f"disagrees: {others}"
        )
    return lines


def table_rows(found: list[Disagreement]) -> list[list[object]]:
    """Rows for the status table of disagreements."""
    return [
        [
            r.model_id,
            r.component,
            r.tier,
            f"{_price(r.first_party_price)} {r.currency}",
            r.first_party_source,
            _price(r.aggregator_price),
            f"{r.aggregator_source}:{r.aggregator_sku}",
            "" if r.relative_difference is None else f"{r.relative_difference:+.1%}",
            f"{r.agreeing_aggregators}/{r.listing_aggregators}",
            "yes" if r.changed_tonight else "",
        ]
        for r in found
    ]


TABLE_COLUMNS = [
    "model",
    "component",
    "tier",
    "first-party",
    "source",
    "aggregator",
    "aggregator listing",
    "diff",
    "agree",
    "changed tonight",
]


def _price(value: Decimal) -> str:
    return format(value.normalize(), "f")


def status_report(con: duckdb.DuckDBPyConnection) -> tuple[list[Disagreement], list[str]]:
    """The disagreements and the alarm lines; none on a warehouse older than migration 012."""
    try:
        found = disagreements(con)
    except duckdb.CatalogException:
        return [], []
    return found, alarms(found)
