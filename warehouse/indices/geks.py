"""Multilateral GEKS index on Jevons bilaterals, 13-month rolling window, mean splice.

A chained index drifts when prices bounce (an item's cut and its reversal do not cancel
once items enter and leave between them). GEKS (Gini–Eltetö–Köves–Szulc) compares every
pair of periods in a window directly and makes the comparisons transitive::

    P_J(s, t)      = exp( mean_{i ∈ M(s, t)} ln(p_i,t / p_i,s) )        bilateral Jevons
    P_W(s, t)      = Π_{l ∈ W} ( P_J(s, l) · P_J(l, t) )^(1/|W|)        GEKS in window W

**Window.** The first window holds the first 13 months (fewer if the series is shorter):
``I(t) = 100 · P_W0(0, t)``. Each later month ``T`` gets the window ``W = [T-12, T]`` and is
**mean-spliced** onto the published series through every overlapping month::

    I(T) = Π_{k=T-12}^{T-1} ( I(k) · P_W(k, T) )^(1/12)

so published values are never revised.

**Entry and exit.** Bilaterals use the items priced in both periods, so an item counts from
the month it first appears (it is compared with every later month it shares), and leaves when
it disappears. A pivot ``l`` whose bilateral with ``s`` or ``t`` has no matched item is left
out of that product (the mean runs over the pivots that exist); a month with no price at all
holds the level. ``items`` is the number of items priced in the month.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date

from warehouse.indices.jevons import BASE, IndexPoint, bilateral_jevons, log_prices

WINDOW = 13


def _log_bilaterals(logs: Sequence[Mapping[str, float]], window: int) -> list[list[float]]:
    """ln P_J(s, t) for every pair of positions at most ``window - 1`` apart (NaN when the two
    periods share no item; 0 on the diagonal of a priced period), as a dense matrix.

    Only pairs inside one window are ever read, so only those are computed; a list of lists
    read with plain indexing keeps the GEKS loops below out of method calls (they read a
    million entries for the recorded data's series).
    """
    n = len(logs)
    matrix = [[math.nan] * n for _ in range(n)]
    for s in range(n):
        row = matrix[s]
        row[s] = 0.0 if logs[s] else math.nan
        for t in range(s + 1, min(n, s + window)):
            ratio, _ = bilateral_jevons(logs[s], logs[t])
            value = math.log(ratio) if ratio == ratio else math.nan
            row[t] = value
            matrix[t][s] = -value
    return matrix


def _geks_log(matrix: list[list[float]], window: Sequence[int], s: int, t: int) -> float:
    """ln P_W(s, t): the mean over pivots of ln P_J(s, l) + ln P_J(l, t) (pivots whose sum is
    NaN left out)."""
    from_s = matrix[s]
    terms = [total for p in window if (total := from_s[p] + matrix[p][t]) == total]
    return math.fsum(terms) / len(terms) if terms else math.nan


def geks(
    prices: Mapping[date, Mapping[str, float]],
    periods: Sequence[date] | None = None,
    window: int = WINDOW,
) -> list[IndexPoint]:
    """The rolling-window GEKS-Jevons index with a mean splice (first period = 100).

    Args:
        prices: period → item → price.
        periods: every period to report, consecutive (default: the sorted keys of ``prices``).
        window: window length in periods (13 months: a year of monthly links plus the base).
    """
    order = sorted(prices) if periods is None else list(periods)
    return geks_of_logs(log_prices(prices), order, window)


def geks_of_logs(
    by_period: Mapping[date, Mapping[str, float]], order: Sequence[date], window: int = WINDOW
) -> list[IndexPoint]:
    """:func:`geks` on log prices already taken (:func:`~warehouse.indices.jevons.log_prices`)
    over the periods ``order``."""
    if window < 2:
        raise ValueError("a GEKS window needs at least 2 periods")
    if not order:
        return []
    logs = [by_period.get(period, {}) for period in order]
    bilaterals = _log_bilaterals(logs, window)
    log_levels: list[float] = []
    first_window = list(range(min(window, len(order))))
    for t in first_window:
        step = _geks_log(bilaterals, first_window, 0, t) if t else 0.0
        log_levels.append(step if not math.isnan(step) else (log_levels[-1] if t else 0.0))
    for T in range(len(first_window), len(order)):
        span = list(range(T - window + 1, T + 1))
        splices = []
        for k in span[:-1]:
            link = _geks_log(bilaterals, span, k, T)
            if not math.isnan(link):
                splices.append(log_levels[k] + link)
        log_levels.append(math.fsum(splices) / len(splices) if splices else log_levels[-1])
    return [
        IndexPoint(period, BASE * math.exp(level), len(items))
        for period, level, items in zip(order, log_levels, logs, strict=True)
    ]
