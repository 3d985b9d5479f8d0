"""Decline rates of index series, and the statistics under every fit."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from warehouse.indices.rates import decline_rate, project
from warehouse.indices.stats import fit_line, solve, t_cdf, t_quantile

D0 = date(2021, 1, 1)


def day(years: float) -> date:
    return D0 + timedelta(days=round(365 * years))


@pytest.mark.parametrize(
    ("df", "expected"),
    # Student t 95th percentiles from standard tables (to 9 significant digits).
    [
        (1, 6.31375151),
        (2, 2.91998558),
        (3, 2.35336343),
        (4, 2.13184679),
        (7, 1.89457861),
        (30, 1.69726089),
        (120, 1.65765090),
    ],
)
def test_t_quantile_matches_tables(df, expected):
    assert t_quantile(0.95, df) == pytest.approx(expected, abs=5e-8)


def test_t_quantile_other_levels_and_symmetry():
    assert t_quantile(0.975, 1) == pytest.approx(12.7062047, abs=1e-6)
    assert t_quantile(0.995, 3) == pytest.approx(5.84090931, abs=1e-7)
    assert t_quantile(0.05, 5) == pytest.approx(-t_quantile(0.95, 5))
    assert t_quantile(0.5, 9) == 0.0
    assert t_cdf(0.0, 4) == pytest.approx(0.5)
    assert t_cdf(t_quantile(0.9, 6), 6) == pytest.approx(0.9, abs=1e-14)
    with pytest.raises(ValueError):
        t_quantile(1.0, 3)


def test_fit_line_by_hand():
    fit = fit_line([0, 1, 2, 3], [2, 1.2, 0.6, 0.2])
    assert fit.slope == pytest.approx(-0.6)
    assert fit.intercept == pytest.approx(1.9)
    assert fit.slope_se == pytest.approx(math.sqrt(0.004))
    assert fit.r_squared == pytest.approx(1 - 0.04 / 1.84)
    with pytest.raises(ValueError):
        fit_line([1, 1], [2, 3])


def test_solve_small_system():
    assert solve([[2, 1], [1, 3]], [3, 5]) == pytest.approx([0.8, 1.4])
    assert solve([[0, 1], [1, 0]], [2, 3]) == pytest.approx([3, 2])  # needs a pivot swap
    with pytest.raises(ValueError):
        solve([[1, 2], [2, 4]], [1, 2])


def test_exact_halving_every_year():
    series = [(day(k), 100 * 0.5**k) for k in range(5)]
    rate = decline_rate(series)
    assert rate.factor_per_year == pytest.approx(2.0)
    assert rate.percent_per_year == pytest.approx(50.0)
    assert rate.halving_months == pytest.approx(12.0)
    assert rate.ci90_low == pytest.approx(2.0) and rate.ci90_high == pytest.approx(2.0)
    assert rate.r_squared == pytest.approx(1.0)
    assert (rate.n_points, rate.start_date, rate.end_date) == (5, day(0), day(4))


def test_hand_computed_interval_and_window():
    # log10 values 2, 1.2, 0.6, 0.2 at 0..3 years (see test_fit_line_by_hand): slope -0.6.
    series = [(day(k), 10.0**y) for k, y in enumerate([2, 1.2, 0.6, 0.2])]
    rate = decline_rate(series)
    half = t_quantile(0.95, 2) * math.sqrt(0.004)
    assert rate.factor_per_year == pytest.approx(10**0.6)  # 3.98× a year
    assert rate.percent_per_year == pytest.approx((1 - 10**-0.6) * 100)  # 74.9% a year
    assert rate.halving_months == pytest.approx(12 * math.log10(2) / 0.6)  # 6.02 months
    assert (rate.ci90_low, rate.ci90_high) == (
        pytest.approx(10 ** (0.6 - half)),
        pytest.approx(10 ** (0.6 + half)),
    )
    # --since keeps the last three points: log10 1.2, 0.6, 0.2 → slope -0.5 by hand.
    recent = decline_rate(series, since=day(1))
    assert recent.factor_per_year == pytest.approx(10**0.5)
    assert recent.n_points == 3


def test_rising_prices_have_no_halving_time_and_too_few_points_fail():
    rising = decline_rate([(day(k), 10 * 1.1**k) for k in range(4)])
    assert rising.factor_per_year == pytest.approx(1 / 1.1)
    assert rising.percent_per_year == pytest.approx(-10.0)
    assert rising.halving_months is None
    with pytest.raises(ValueError, match="at least 3"):
        decline_rate([(day(0), 1.0), (day(1), 0.5), (day(2), 0.0)])


def test_project():
    assert project(2.0, 12) == pytest.approx(0.5)
    assert project(4.0, 6) == pytest.approx(0.5)
    assert project(10.0, 24) == pytest.approx(0.01)
    assert project(2.0, 0) == 1.0
