"""Rolling-origin evaluation of decline-rate projections (pure: no database).

For every origin month ``o`` of a series, fit the decline rate with the data up to ``o``
only, project each horizon ``h`` from the value at ``o`` (as the cost model projects from
today's price), and compare with the value realized at ``o + h``::

    projected  = v(o) · f^(-h/12)                 f: factor per year fitted up to o
    error      = log10(realized / projected)      > 0: the price fell less than projected
    fit band   = v(o) · [f_high, f_low]^(-h/12)   the fit's own 90% interval

Index series: ``f`` is the GEKS (or any index) rate over the last ``window`` months up to
``o`` with at least ``min_points`` published months. Threshold frontier: at ``o`` the
thresholds and frontier points are rebuilt from the listings dated up to ``o``; ``v(o)`` is
the cheapest price at or above the threshold so far, and the realized value the cheapest at
``o + h`` (the frontier never rises). A projection is scored only where a realized value
exists.

Summaries per horizon: the median absolute error, the bias (median error), the share of
realized values inside the fit's band, and the 5th / 95th percentiles of the errors, which
are the calibrated 90% band (so on history 90% of realized values fall inside it). That band
is fitted in sample; the **real-time** coverage scores each forecast against the band of the
errors already known at its origin (forecasts whose target month had passed; at least
:data:`MIN_PRIOR_ERRORS` of them), which is how the band would have done had it been used.
"""

from __future__ import annotations

import math
from bisect import insort
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from warehouse.indices.frontier import Listing, frontier_rates
from warehouse.indices.rates import decline_rate, project

HORIZONS = (6, 12)
WINDOW_MONTHS = 36
MIN_POINTS = 6
BAND = (0.05, 0.95)
MIN_PRIOR_ERRORS = 20


@dataclass(frozen=True)
class Forecast:
    """One projection of one series from one origin to one horizon, and what happened."""

    series: str
    origin: date
    horizon: int
    projected: float
    realized: float
    fit_low: float
    fit_high: float
    target: date | None = None  # when the realized value is known (default: origin + h)

    @property
    def known_at(self) -> date:
        return self.target or add_months(self.origin, self.horizon)

    @property
    def error(self) -> float:
        """log10(realized / projected)."""
        return math.log10(self.realized / self.projected)

    @property
    def inside_fit_band(self) -> bool:
        return self.fit_low <= self.realized <= self.fit_high


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _forecast(
    series: str, origin: date, h: int, base: float, rate, realized: float, target=None
) -> Forecast:
    return Forecast(
        series,
        origin,
        h,
        base * project(rate.factor_per_year, h),
        realized,
        base * project(rate.ci90_high, h),
        base * project(rate.ci90_low, h),
        target,
    )


def index_forecasts(
    series: str,
    points: Sequence[tuple[date, float]],
    horizons: Iterable[int] = HORIZONS,
    window: int = WINDOW_MONTHS,
    min_points: int = MIN_POINTS,
) -> list[Forecast]:
    """Rolling-origin forecasts of a monthly series (its published ``(month, value)``)."""
    ordered = sorted((p, v) for p, v in points if v > 0)
    value = dict(ordered)
    horizons = tuple(horizons)
    out = []
    for origin, base in ordered:
        since = add_months(origin, -(window - 1))
        history = [(p, v) for p, v in ordered if since <= p <= origin]
        if len(history) < min_points:
            continue
        rate = decline_rate(history)
        for h in horizons:
            realized = value.get(add_months(origin, h))
            if realized is not None:
                out.append(_forecast(series, origin, h, base, rate, realized))
    return out


def frontier_forecasts(
    listings_by_benchmark: Mapping[str, Iterable[Listing]],
    horizons: Iterable[int] = HORIZONS,
    include_reasoning: bool = False,
) -> list[Forecast]:
    """Rolling-origin forecasts of every benchmark × threshold frontier, monthly origins."""
    horizons = tuple(horizons)
    out = []
    for benchmark, listings in listings_by_benchmark.items():
        pool = sorted(
            (x for x in listings if x.price > 0 and (include_reasoning or not x.reasoning)),
            key=lambda x: x.day,
        )
        if not pool:
            continue
        last_day = pool[-1].day
        origin = add_months(pool[0].day, 1) - timedelta(days=1)  # end of the first month
        while origin < last_day:
            known = [x for x in pool if x.day <= origin]
            for rate in frontier_rates({benchmark: known}, include_reasoning=True):
                base = rate.points[-1].price
                name = f"{benchmark}>={rate.threshold_score:g}"
                for h in horizons:
                    target = add_months(origin, h + 1) - timedelta(days=1)  # month end
                    if target > last_day:
                        continue
                    later = [
                        x.price
                        for x in pool
                        if origin < x.day <= target and x.score >= rate.threshold_score
                    ]
                    realized = min([base, *later])
                    out.append(_forecast(name, origin, h, base, rate, realized, target))
            origin = add_months(origin, 2) - timedelta(days=1)
    return out


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile with linear interpolation between order statistics."""
    return _sorted_quantile(sorted(values), q)


def _sorted_quantile(ordered: Sequence[float], q: float) -> float:
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Summary:
    """How one set of forecasts at one horizon did."""

    horizon: int
    n: int
    first_origin: date | None
    last_origin: date | None
    median_abs_error: float | None
    bias: float | None
    coverage_fit_band: float | None
    band_low: float | None
    band_high: float | None
    coverage_calibrated: float | None
    coverage_realtime: float | None = None
    n_realtime: int = 0


def realtime_coverage(forecasts: Sequence[Forecast]) -> tuple[float | None, int]:
    """Share of forecasts inside the band of the errors known at their origin, and how many
    forecasts had at least :data:`MIN_PRIOR_ERRORS` known errors to be scored."""
    known = sorted((f.known_at, f.error) for f in forecasts)
    prior: list[float] = []  # the errors known so far, sorted
    scored = inside = position = 0
    for f in sorted(forecasts, key=lambda f: f.origin):
        while position < len(known) and known[position][0] <= f.origin:
            insort(prior, known[position][1])
            position += 1
        if len(prior) < MIN_PRIOR_ERRORS:
            continue
        scored += 1
        inside += _sorted_quantile(prior, BAND[0]) <= f.error <= _sorted_quantile(prior, BAND[1])
    return (inside / scored if scored else None), scored


def summarize(forecasts: Sequence[Forecast], horizon: int) -> Summary:
    """The summary of the forecasts at ``horizon`` (all None when there are none)."""
    chosen = [f for f in forecasts if f.horizon == horizon]
    if not chosen:
        return Summary(horizon, 0, None, None, None, None, None, None, None, None)
    errors = [f.error for f in chosen]
    low, high = quantile(errors, BAND[0]), quantile(errors, BAND[1])
    realtime, n_realtime = realtime_coverage(chosen)
    return Summary(
        horizon,
        len(chosen),
        min(f.origin for f in chosen),
        max(f.origin for f in chosen),
        median(abs(e) for e in errors),
        median(errors),
        sum(f.inside_fit_band for f in chosen) / len(chosen),
        low,
        high,
        sum(low <= e <= high for e in errors) / len(errors),
        realtime,
        n_realtime,
    )
