"""Build the matched-model indices of every leg from the price history and store them.

Which items, which prices, which segments — the data side of the pure methods in
``jevons``, ``geks`` and ``hedonic``:

- ``llm_tokens``: LLM listings (source, provider, sku, tier, region), one 3:1 blend of input
  and output a month (or the source's own ``blended`` price); segments ``all``,
  ``first_party`` / ``aggregator``, ``open_weights`` / ``closed_weights``; plus the hedonic
  index.
- ``gpu_hour``: on-demand ``gpu_hour`` prices, and ``instance_hour`` prices divided by the
  instance's accelerators (every tier but spot / preemptible / low-priority, reserved and
  committed-use, Windows); segments ``all``, ``accelerator:<catalog id>``,
  ``family:<H100, A100…>`` (catalog id or bare published name: mixes SXM, PCIe and NVL),
  ``hyperscaler`` / ``neocloud``.
- ``electricity``: ``kwh`` series published monthly (the US average of each sector; a
  state's annual value carried through twelve months would step the index once a year);
  segments ``all`` and ``sector:<sector>``.
- ``storage``: ``gb_month`` series; segments ``all`` and ``tier:<storage class>``.
- ``egress``: ``egress_gb`` series; segment ``all``.

Coverage (``coverage``): every value carries its item count and the floor ``MIN_ITEMS`` under
which it is not published; the values are all stored, the marts withhold the thin ones.

Monthly price of an item: the last price in force during the month (SQL:
``index_monthly_prices.sql``). Each source keeps its own items (a model listed by three
sources is three items), so a source that lists more models of a kind weighs more.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import duckdb

from schemas.observation import STANDARD_TIER
from warehouse.indices.frontier import INPUT_SHARE
from warehouse.indices.geks import geks_of_logs
from warehouse.indices.hedonic import HedonicObservation, time_dummy
from warehouse.indices.jevons import chained_jevons_of_logs, log_prices
from warehouse.indices.store import IndexSeries, replace_index
from warehouse.sqlfiles import sql

INDICES = ("llm_tokens", "gpu_hour", "electricity", "storage", "egress")
JEVONS, GEKS, HEDONIC = "jevons", "geks", "hedonic"
METHODS = (JEVONS, GEKS, HEDONIC)
ALL = "all"
# Hyperscalers: the three big public clouds and Oracle's; every other GPU seller is a neocloud.
HYPERSCALERS = frozenset({"aws", "azure", "gcp", "oracle"})
# Compute "providers" that sell nothing: a published index or median over many sellers.
NOT_SELLERS = frozenset({"gpu-price-index"})
# Conditions that make a GPU price not an on-demand price: interruptible (spot, preemptible,
# low-priority), committed (reserved, committed-use discounts, calendar / flex-start
# scheduling) or carrying a licence (Windows).
NOT_ON_DEMAND = re.compile(r"spot|preempt|low-priority|reserved|cud|dws|windows")
_FAMILY = re.compile(r"^[A-Z]{1,3}\d{2,4}[A-Z]{0,2}$")


@dataclass
class Item:
    """One priced thing followed through time, with what its segments are decided from."""

    key: str
    source: str
    provider: str
    sku: str
    tier: str
    model: str | None = None
    accelerator: str | None = None
    family: str | None = None
    prices: dict[date, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ListingFacts:
    """What the LLM segments need to know about a listing's model."""

    model_id: str
    first_party: bool | None
    open_weights: bool | None


def months_between(first: date, last: date) -> list[date]:
    """Every first-of-month from ``first`` to ``last`` (both month starts)."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _monthly_query(leg: str, components: list[str]) -> tuple[str, dict]:
    return sql("index_monthly_prices").rstrip().rstrip(";"), {"leg": leg, "components": components}


def _monthly_rows(con: duckdb.DuckDBPyConnection, leg: str, components: list[str]) -> list[tuple]:
    """The monthly prices as plain tuples of :data:`MONTHLY_COLUMNS`, the item key joined by
    DuckDB: a 10M-observation history has millions of monthly rows, and a dict or a key built
    in Python per row cost seconds (bench/README.md)."""
    query, params = _monthly_query(leg, components)
    return con.execute(
        "SELECT concat_ws('|', source, provider, sku, component, tier, region) AS key, "
        "source, provider, sku, component, tier, model, accelerator, accelerator_count, "
        f"period, price FROM ({query}) ORDER BY key, period",
        params,
    ).fetchall()


MONTHLY_COLUMNS = (
    "key", "source", "provider", "sku", "component", "tier", "model", "accelerator",
    "accelerator_count", "period", "price",
)  # fmt: skip


def llm_items(con: duckdb.DuckDBPyConnection) -> list[Item]:
    """LLM listings with one 3:1 blended price a month (or the source's own blended price).

    A month with only an input or only an output price has no blend: the listing is not priced
    that month (embedding models, which have no output price, never enter). The blend is
    computed in SQL (index_llm_listings.sql), one row per listing and month.
    """
    query, params = _monthly_query("llm", ["input", "output", "blended"])
    rows = con.execute(
        f"WITH monthly AS ({query}) {sql('index_llm_listings')}",
        {**params, "input_share": INPUT_SHARE, "tier": STANDARD_TIER},
    ).fetchall()
    items: dict[str, Item] = {}
    for key, source, provider, sku, tier, model, period, price in rows:
        item = items.get(key)
        if item is None:
            item = items[key] = Item(key, source, provider, sku, tier, model)
        item.prices[period] = price
    return list(items.values())


def on_demand(tier: str) -> bool:
    """True unless the tier is interruptible, committed or licensed (see NOT_ON_DEMAND)."""
    return not any(NOT_ON_DEMAND.search(part) for part in tier.split("+"))


def accelerator_family(accelerator: str | None, published: str | None) -> str | None:
    """The accelerator family: the catalog id's first part (``H100-SXM-80GB`` → ``H100``),
    else a published bare name that is one (``H100``, ``MI300X``), else None."""
    if accelerator:
        return accelerator.split("-", 1)[0]
    name = (published or "").strip().upper()
    return name if _FAMILY.match(name) else None


def compute_items(con: duckdb.DuckDBPyConnection) -> list[Item]:
    """On-demand GPU prices per GPU-hour (an instance price divided by its accelerators)."""
    items: dict[str, Item] = {}
    for row in _monthly_rows(con, "compute", ["gpu_hour", "instance_hour"]):
        key, source, provider, sku, component, tier, model, accelerator, count, period, price = row
        if not on_demand(tier):
            continue
        if component == "instance_hour":
            if not count:
                continue
            price /= count
        item = items.get(key)
        if item is None:
            item = items[key] = Item(
                key,
                source,
                provider,
                sku,
                tier,
                accelerator=accelerator,
                family=accelerator_family(accelerator, model),
            )
        item.prices[period] = price
    return list(items.values())


def series_items(con: duckdb.DuckDBPyConnection, leg: str, component: str) -> list[Item]:
    """Every series of one leg and component as an item, all tiers."""
    items: dict[str, Item] = {}
    for key, source, provider, sku, _, tier, _, _, _, period, price in _monthly_rows(
        con, leg, [component]
    ):
        item = items.get(key)
        if item is None:
            item = items[key] = Item(key, source, provider, sku, tier)
        item.prices[period] = price
    return list(items.values())


# Electricity series published at least monthly: a median gap of at most two months between
# successive prices (EIA's monthly US averages: 31 days; its annual state values: 365).
MONTHLY_MAX_GAP_DAYS = 62


def monthly_series(
    items: list[Item], con: duckdb.DuckDBPyConnection, leg: str, component: str
) -> list[Item]:
    """The items whose series has monthly coverage (``coverage_monthly_series.sql``)."""
    keys = {
        key
        for (key,) in con.execute(
            sql("coverage_monthly_series"),
            {"leg": leg, "component": component, "max_gap_days": MONTHLY_MAX_GAP_DAYS},
        ).fetchall()
    }
    return [item for item in items if item.key in keys]


def llm_segments(facts: Mapping[tuple[str, str], ListingFacts]) -> Callable[[Item], list[str]]:
    """Segments of an LLM listing: who sells it and whether its weights are open."""

    def segments(item: Item) -> list[str]:
        out = [ALL]
        fact = facts.get((item.provider, item.sku))
        if fact is not None:
            if fact.first_party is not None:
                out.append("first_party" if fact.first_party else "aggregator")
            if fact.open_weights is not None:
                out.append("open_weights" if fact.open_weights else "closed_weights")
        return out

    return segments


def compute_segments(item: Item) -> list[str]:
    """Segments of a GPU price: its accelerator (catalog id) and family, and hyperscaler or
    neocloud (an index of many sellers is neither)."""
    out = [ALL]
    if item.provider not in NOT_SELLERS:
        out.append("hyperscaler" if item.provider in HYPERSCALERS else "neocloud")
    if item.accelerator:
        out.append(f"accelerator:{item.accelerator}")
    if item.family:
        out.append(f"family:{item.family}")
    return out


def sector_segments(item: Item) -> list[str]:
    """Electricity: the sector is the tier (residential, commercial, industrial…)."""
    return [ALL, f"sector:{item.tier}"]


def storage_segments(item: Item) -> list[str]:
    """Storage: the storage class is the tier before any volume band (``standard:first-tier``)."""
    return [ALL, f"tier:{item.tier.split(':', 1)[0]}"]


def matched_series(
    index: str, items: Iterable[Item], segments_of: Callable[[Item], list[str]]
) -> list[IndexSeries]:
    """Chained Jevons and GEKS for every segment of ``items``."""
    by_segment: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        for segment in segments_of(item):
            by_segment[segment].append(item)
    out = []
    for segment, members in sorted(by_segment.items()):
        prices: dict[date, dict[str, float]] = defaultdict(dict)
        for item in members:
            for period, price in item.prices.items():
                prices[period][item.key] = price
        periods = months_between(min(prices), max(prices))
        if len(periods) < 2:
            continue
        logs = log_prices(prices)  # once for both methods
        out.append(IndexSeries(index, segment, JEVONS, chained_jevons_of_logs(logs, periods)))
        out.append(IndexSeries(index, segment, GEKS, geks_of_logs(logs, periods)))
    return out


@dataclass(frozen=True)
class BuildReport:
    """What one index build wrote."""

    index: str
    items: int
    series: int
    rows: int
    note: str = ""


def build_index(
    con: duckdb.DuckDBPyConnection,
    index: str,
    model_facts: Mapping[tuple[str, str], ListingFacts] | None = None,
    scores: Mapping[str, Mapping[str, float]] | None = None,
    characteristics: tuple[str, ...] = (),
) -> BuildReport:
    """Compute one index (all segments and methods) and replace its stored rows."""
    note = ""
    if index == "llm_tokens":
        items = llm_items(con)
        series = matched_series(index, items, llm_segments(model_facts or {}))
        if scores and characteristics:
            hedonic, note = hedonic_series(items, model_facts or {}, scores, characteristics)
            series += hedonic
    elif index == "gpu_hour":
        items = compute_items(con)
        series = matched_series(index, items, compute_segments)
    elif index == "electricity":
        items = monthly_series(series_items(con, "energy", "kwh"), con, "energy", "kwh")
        series = matched_series(index, items, sector_segments)
    elif index == "storage":
        items = series_items(con, "data", "gb_month")
        series = matched_series(index, items, storage_segments)
    elif index == "egress":
        items = series_items(con, "data", "egress_gb")
        series = matched_series(index, items, lambda item: [ALL])
    else:
        raise KeyError(f"unknown index {index!r}; known: {', '.join(INDICES)}")
    rows = replace_index(con, index, series)
    return BuildReport(index, len(items), len(series), rows, note)


def hedonic_series(
    items: Iterable[Item],
    model_facts: Mapping[tuple[str, str], ListingFacts],
    scores: Mapping[str, Mapping[str, float]],
    characteristics: tuple[str, ...],
) -> tuple[list[IndexSeries], str]:
    """The time-dummy index of LLM listings whose model has every characteristic's score."""
    observations = []
    for item in items:
        fact = model_facts.get((item.provider, item.sku))
        model_scores = scores.get(fact.model_id) if fact else None
        if not model_scores:
            continue
        for period, price in item.prices.items():
            observations.append(HedonicObservation(item.key, period, price, model_scores))
    try:
        fit = time_dummy(observations, characteristics)
    except ValueError as problem:
        return [], f"hedonic index not computed: {problem}"
    note = f"hedonic on {', '.join(characteristics)}: {fit.n} listings, r² {fit.r_squared:.2f}"
    return [IndexSeries("llm_tokens", ALL, HEDONIC, fit.points)], note


def llm_inputs(con: duckdb.DuckDBPyConnection, index: str) -> dict:
    """What the LLM index needs beyond prices: model facts, scores and hedonic regressors."""
    if index != "llm_tokens":
        return {}
    from warehouse.indices import data

    facts = data.listing_models(con)
    scores = data.latest_scores(con)
    return {
        "model_facts": facts,
        "scores": scores,
        "characteristics": data.hedonic_characteristics(scores),
    }
