"""LLM token prices in force and the frontier rate, for LLM workloads.

- A named model: its input and output prices in force (standard tier, USD) from the
  ``prices_in_force`` view (the precedence of the history issue: first-party page > API >
  aggregator > dataset, the developer's own listing first), or from one source when the
  workload names it. The name may be a canonical model id or any listing that resolves to one.
- A capability threshold: of the models with both prices in force and a score of at least
  ``min_score`` on the benchmark (their latest score), the cheapest for the workload's own
  mix of input and output tokens; reasoning models only when the workload includes them.
- Its decline rate: the threshold-frontier rate of that benchmark (every source) at the
  highest threshold not above ``min_score``.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb

from warehouse.cost.model import Rate
from warehouse.cost.pricing import PricingError, TokenQuote
from warehouse.cost.workload import LlmLeg
from warehouse.indices import data
from warehouse.indices.frontier import benchmark_key, frontier_rates, is_reasoning_model

_IN_FORCE = """
SELECT model_id, component, price, source, provider, sku, valid_from
FROM prices_in_force
WHERE tier = 'standard' AND currency = 'USD' AND valid_to IS NULL
  AND component IN ('input', 'output') AND price > 0
"""
_OF_SOURCE = """
SELECT a.model_id, h.component, h.price, h.source, h.provider, h.sku, h.valid_from
FROM history_in_force h
JOIN model_aliases a ON a.provider = h.provider AND a.listing_id = h.sku
WHERE h.leg = 'llm' AND h.tier = 'standard' AND h.currency = 'USD' AND h.valid_to IS NULL
  AND h.component IN ('input', 'output') AND h.price > 0 AND h.source = ?
ORDER BY (h.region = 'global') DESC, h.price
"""


def resolve_model(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """A canonical model id for a model id or any listing id that resolves to one."""
    if not data.has_table(con, "models"):
        return None
    row = con.execute("SELECT model_id FROM models WHERE model_id = ?", [name]).fetchone()
    if row:
        return row[0]
    row = con.execute(
        "SELECT min(model_id) FROM model_aliases WHERE listing_id = ? HAVING count(DISTINCT "
        "model_id) = 1",
        [name],
    ).fetchone()
    return row[0] if row else None


def _quotes(con: duckdb.DuckDBPyConnection, source: str | None) -> dict[str, dict[str, tuple]]:
    """model_id → component → (price, source, provider, sku, valid_from), first row wins."""
    if not data.has_table(con, "prices_in_force"):
        raise PricingError("no model identity in the warehouse: run `deflator backfill` first")
    if source:
        rows = con.execute(_OF_SOURCE, [source]).fetchall()
    else:
        rows = con.execute(_IN_FORCE).fetchall()
    out: dict[str, dict[str, tuple]] = {}
    for model_id, component, *rest in rows:
        out.setdefault(model_id, {}).setdefault(component, tuple(rest))
    return {m: c for m, c in out.items() if "input" in c and "output" in c}


def _quote(model_id: str, parts: dict[str, tuple], why: str = "") -> TokenQuote:
    price_in, source, provider, sku, since = parts["input"]
    price_out = parts["output"][0]
    basis = f"{source}: {provider}/{sku}, in force from {since:%Y-%m-%d}{why}"
    return TokenQuote(model_id, Decimal(price_in), Decimal(price_out), basis)


def model_quote(con: duckdb.DuckDBPyConnection, model: str, source: str | None) -> TokenQuote:
    model_id = resolve_model(con, model)
    if model_id is None:
        raise PricingError(f"model {model!r} is not in the catalog (see `deflator models`)")
    parts = _quotes(con, source).get(model_id)
    if parts is None:
        where = f" from {source}" if source else ""
        raise PricingError(f"no input and output price of {model_id} in force{where}")
    return _quote(model_id, parts)


def threshold_quote(con: duckdb.DuckDBPyConnection, leg: LlmLeg) -> TokenQuote:
    assert leg.benchmark is not None and leg.min_score is not None
    wanted = benchmark_key(leg.benchmark)
    scores = data.latest_scores(con)
    quotes = _quotes(con, leg.source)
    best: tuple[Decimal, str, float] | None = None
    for model_id, parts in quotes.items():
        if not leg.include_reasoning and is_reasoning_model(model_id):
            continue
        score = next(
            (v for b, v in scores.get(model_id, {}).items() if benchmark_key(b) == wanted), None
        )
        if score is None or score < float(leg.min_score):
            continue
        cost_in = leg.input_tokens_per_month * Decimal(parts["input"][0])
        cost = cost_in + leg.output_tokens_per_month * Decimal(parts["output"][0])
        if best is None or (cost, model_id) < (best[0], best[1]):
            best = (cost, model_id, score)
    if best is None:
        raise PricingError(
            f"no model with prices in force scores {leg.min_score} or more on {leg.benchmark}"
        )
    _, model_id, score = best
    why = f"; cheapest of the models scoring ≥ {leg.min_score} on {leg.benchmark} ({score:g})"
    return _quote(model_id, quotes[model_id], why)


def frontier_rate(con: duckdb.DuckDBPyConnection, key: str) -> Rate | None:
    """The frontier rate at the highest threshold not above the workload's score, or None."""
    benchmark, _, score_text = key.rpartition("@")
    minimum = float(score_text)
    listings = data.frontier_listings(con, None)
    wanted = benchmark_key(benchmark)
    candidates = [
        r
        for r in frontier_rates(listings)
        if benchmark_key(r.benchmark) == wanted and r.threshold_score <= minimum
    ]
    if not candidates:
        return None
    rate = max(candidates, key=lambda r: r.threshold_score)
    return Rate(
        rate.factor_per_year,
        rate.ci90_low,
        rate.ci90_high,
        f"threshold frontier, {rate.benchmark} ≥ {rate.threshold_score:g} "
        f"({rate.threshold_model}), {rate.start_date:%Y-%m}..{rate.end_date:%Y-%m} "
        f"({rate.n_points} points): {rate.factor_per_year:.3g}×/yr",
    )
