"""Chained matched-model Jevons index.

For consecutive periods ``t-1`` and ``t`` (months), the link is the geometric mean of the
price relatives of the items priced in both::

    L(t-1, t) = exp( mean_{i ∈ M(t-1, t)} ln(p_i,t / p_i,t-1) ),   M = items priced in both
    I(0) = 100,   I(t) = I(t-1) · L(t-1, t)

**Entry and exit.** An item first priced in month ``m`` enters the index at its second
observation (the link ``m → m+1``): its first price only serves as the base of its first
relative, so a new item never moves the index by being new. An item that disappears (no price
in ``t``) leaves the link ``t-1 → t``; if it comes back it re-enters at its second consecutive
month. A link with no matched item holds the index level (link 1, ``items = 0``).

Unweighted: every matched item counts the same, whatever its sales (no quantities are known).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

BASE = 100.0


@dataclass(frozen=True)
class IndexPoint:
    """One period of an index: its level (first period = 100) and the items behind it."""

    period: date
    value: float
    items: int


def log_prices(
    prices: Mapping[date, Mapping[str, float]],
) -> dict[date, dict[str, float]]:
    """Natural logs of positive prices; non-positive prices are not prices and are dropped."""
    return {
        period: {item: math.log(p) for item, p in row.items() if p > 0}
        for period, row in prices.items()
    }


def bilateral_jevons(base: Mapping[str, float], current: Mapping[str, float]) -> tuple[float, int]:
    """Jevons index (ratio, not ×100) between two periods' log prices, and the matched count.

    Returns ``(nan, 0)`` when no item is priced in both.
    """
    matched = base.keys() & current.keys()
    if not matched:
        return math.nan, 0
    # The same differences and exact sum as a generator over `matched`, iterated in C (a GEKS
    # window computes hundreds of these over tens of thousands of items; bench/README.md).
    differences = map(
        operator.sub, map(current.__getitem__, matched), map(base.__getitem__, matched)
    )
    mean = math.fsum(differences) / len(matched)
    return math.exp(mean), len(matched)


def chained_jevons(
    prices: Mapping[date, Mapping[str, float]], periods: Sequence[date] | None = None
) -> list[IndexPoint]:
    """The chained Jevons index over ``periods`` (default: the sorted keys of ``prices``).

    Args:
        prices: period → item → price (one price per item and month).
        periods: every period to report, consecutive; periods missing from ``prices`` have no
            items and hold the level.
    """
    order = sorted(prices) if periods is None else list(periods)
    return chained_jevons_of_logs(log_prices(prices), order)


def chained_jevons_of_logs(
    logs: Mapping[date, Mapping[str, float]], order: Sequence[date]
) -> list[IndexPoint]:
    """:func:`chained_jevons` on log prices already taken (:func:`log_prices`): the GEKS
    index of the same segment reuses them."""
    if not order:
        return []
    first = logs.get(order[0], {})
    points = [IndexPoint(order[0], BASE, len(first))]
    level = BASE
    for previous, period in pairwise(order):
        link, matched = bilateral_jevons(logs.get(previous, {}), logs.get(period, {}))
        if matched:
            level *= link
        points.append(IndexPoint(period, level, matched))
    return points
