"""Decline rate of an index series: factor per year, percent per year, halving time, CI.

OLS of log10(value) on time in years (days / 365, as in the frontier method)::

    factor per year   f = 10^(-slope)                  (2 means "half the price a year later")
    percent per year  (1 - 1/f) · 100                  (the price falls this much each year)
    halving time      12 · log10(2) / (-slope) months  (only while prices fall)

The 90% interval of ``f`` comes from the slope's t interval (n - 2 degrees of freedom).
Monthly index values are serially correlated, which makes this interval too narrow; read it
as a measure of fit, not of sampling error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from warehouse.indices.stats import fit_line

DAYS_PER_YEAR = 365.0
CONFIDENCE = 0.90


@dataclass(frozen=True)
class DeclineRate:
    """How fast a series falls, with its 90% interval."""

    n_points: int
    start_date: date
    end_date: date
    factor_per_year: float
    ci90_low: float
    ci90_high: float
    r_squared: float

    @property
    def percent_per_year(self) -> float:
        """Price fall per year in percent (negative when prices rise)."""
        return percent_per_year(self.factor_per_year)

    @property
    def halving_months(self) -> float | None:
        """Months for the price to halve; None when prices do not fall."""
        return halving_months(self.factor_per_year)


def percent_per_year(factor_per_year: float) -> float:
    """The yearly price fall in percent of a decline factor (negative when prices rise)."""
    return (1.0 - 1.0 / factor_per_year) * 100.0


def halving_months(factor_per_year: float) -> float | None:
    """Months for a price to halve at a decline factor; None when prices do not fall."""
    if factor_per_year <= 1.0:
        return None
    return 12.0 * math.log10(2.0) / math.log10(factor_per_year)


def decline_rate(
    series: Sequence[tuple[date, float]], since: date | None = None, level: float = CONFIDENCE
) -> DeclineRate:
    """Fit the decline of ``(period, value)`` points, optionally from ``since`` on.

    Needs at least 3 points with positive values (a slope and one degree of freedom).
    """
    points = sorted(
        (day, value)
        for day, value in series
        if value > 0 and not math.isnan(value) and (since is None or day >= since)
    )
    if len(points) < 3:
        raise ValueError(f"a decline rate needs at least 3 points, got {len(points)}")
    fit = fit_line(
        [day.toordinal() / DAYS_PER_YEAR for day, _ in points],
        [math.log10(value) for _, value in points],
    )
    slope_low, slope_high = fit.slope_interval(level)
    return DeclineRate(
        n_points=len(points),
        start_date=points[0][0],
        end_date=points[-1][0],
        factor_per_year=10.0 ** (-fit.slope),
        ci90_low=10.0 ** (-slope_high),
        ci90_high=10.0 ** (-slope_low),
        r_squared=fit.r_squared,
    )


def project(factor_per_year: float, months: float) -> float:
    """The multiplier a price has after ``months`` at ``factor_per_year`` (0.5 = half)."""
    return factor_per_year ** (-months / 12.0)
