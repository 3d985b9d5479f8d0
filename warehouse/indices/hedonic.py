"""Time-dummy hedonic index: the price of constant capability.

A matched-model index can only compare a model with itself; the model that replaces it at a
lower price and a higher score is never compared with anything. The time-dummy hedonic
regression pools every listing of every period and prices capability explicitly::

    ln p_i,t = α + Σ_{t ≥ 1} δ_t · D_t + Σ_k β_k · z_i,k + ε_i,t
    I(0) = 100,   I(t) = 100 · exp(δ_t)

``D_t`` is 1 in period ``t`` (the first period is the base, ``δ_0 = 0``); ``z_i,k`` are the
item's capability scores (e.g. MMLU, GPQA Diamond). ``exp(δ_t)`` is the price change of a
listing of *fixed* scores, so new, better, cheaper models lower the index from the month they
appear: entry needs no second observation, and an item leaves simply by having no listing.

Only items with every chosen score take part. Periods without a listing get no dummy and no
index value. The fit is pooled over the whole span, so a new month can revise earlier values
(the usual property of a pooled time-dummy index); scores enter linearly, a known
simplification (the true price of a point of score is not constant across the scale).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from warehouse.indices.jevons import BASE, IndexPoint
from warehouse.indices.stats import solve


@dataclass(frozen=True)
class HedonicObservation:
    """One listing: an item's price in a period and its capability scores."""

    item: str
    period: date
    price: float
    scores: Mapping[str, float]


@dataclass(frozen=True)
class HedonicFit:
    """The index and the fitted coefficients (score coefficients are per point of score)."""

    points: list[IndexPoint]
    coefficients: dict[str, float]
    n: int
    r_squared: float


def time_dummy(
    observations: Sequence[HedonicObservation], characteristics: Sequence[str]
) -> HedonicFit:
    """Fit the time-dummy regression by least squares (normal equations).

    Args:
        observations: listings with positive prices; those missing a characteristic are left
            out.
        characteristics: the score names used as regressors.
    """
    usable = [
        o for o in observations if o.price > 0 and all(name in o.scores for name in characteristics)
    ]
    periods = sorted({o.period for o in usable})
    if len(periods) < 2:
        raise ValueError("a time-dummy index needs listings in at least 2 periods")
    position = {period: i for i, period in enumerate(periods)}
    # Columns: intercept, one dummy per period after the first, one per characteristic.
    size = 1 + (len(periods) - 1) + len(characteristics)
    xtx = [[0.0] * size for _ in range(size)]
    xty = [0.0] * size
    rows: list[tuple[list[tuple[int, float]], float]] = []
    for o in usable:
        row = [(0, 1.0)]
        t = position[o.period]
        if t:
            row.append((t, 1.0))
        row += [(len(periods) + k, float(o.scores[name])) for k, name in enumerate(characteristics)]
        y = math.log(o.price)
        rows.append((row, y))
        for i, xi in row:
            xty[i] += xi * y
            for j, xj in row:
                xtx[i][j] += xi * xj
    beta = solve(xtx, xty)
    mean_y = math.fsum(y for _, y in rows) / len(rows)
    ssr = math.fsum((y - math.fsum(beta[i] * x for i, x in row)) ** 2 for row, y in rows)
    sst = math.fsum((y - mean_y) ** 2 for _, y in rows)
    counts = {period: 0 for period in periods}
    for o in usable:
        counts[o.period] += 1
    points = [
        IndexPoint(period, BASE * math.exp(beta[t] if t else 0.0), counts[period])
        for t, period in enumerate(periods)
    ]
    coefficients = {"intercept": beta[0]}
    coefficients.update({name: beta[len(periods) + k] for k, name in enumerate(characteristics)})
    return HedonicFit(points, coefficients, len(rows), 1.0 - ssr / sst if sst > 0 else 1.0)
