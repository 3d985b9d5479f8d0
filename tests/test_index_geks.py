"""GEKS on Jevons bilaterals: hand-computed windows and the mean splice."""

from __future__ import annotations

import math
from datetime import date

import pytest

from warehouse.indices.geks import geks
from warehouse.indices.jevons import chained_jevons


def month(k: int) -> date:
    return date(2023 + k // 12, k % 12 + 1, 1)


# A doubles and comes back; B skips month 1 and doubles in month 3. With a = ln 2, the log
# bilaterals are P(0,1)=a, P(0,2)=0, P(1,2)=-a, P(0,3)=a/2, P(1,3)=-a, P(2,3)=a/2.
BOUNCE = {
    month(0): {"A": 1.0, "B": 1.0},
    month(1): {"A": 2.0},
    month(2): {"A": 1.0, "B": 1.0},
    month(3): {"A": 1.0, "B": 2.0},
}


def test_hand_computed_first_window_and_mean_splice():
    points = geks(BOUNCE, window=3)
    # First window {0,1,2}: GEKS(0,1) = mean(0+a, a+0, 0+a) = a → 200;
    # GEKS(0,2) = mean(0+0, a-a, 0+0) = 0 → 100.
    # Month 3, window {1,2,3}: GEKS(1,3) = mean(-a, -a+a/2, -a) = -5a/6,
    # GEKS(2,3) = mean(a-a, a/2, a/2) = a/3; mean splice:
    # ln I3/100 = mean(a - 5a/6, 0 + a/3) = a/4 → I3 = 100 · 2^(1/4) = 118.92.
    assert [round(p.value, 6) for p in points] == [
        100.0,
        200.0,
        100.0,
        round(100 * 2**0.25, 6),
    ]
    assert [p.items for p in points] == [2, 1, 2, 2]
    # The chained index reads the same data as 100, 200, 100, 141.42: month 3's link sees
    # only the matched pair of months 2 and 3.
    assert round(chained_jevons(BOUNCE)[-1].value, 2) == 141.42


def test_balanced_panel_at_a_constant_rate_is_exact_beyond_the_window():
    # Every item falls 3% a month: any window and splice must give 0.97^t exactly.
    prices = {
        month(k): {item: base * 0.97**k for item, base in {"A": 5.0, "B": 7.0, "C": 0.2}.items()}
        for k in range(30)
    }
    points = geks(prices)
    for k, point in enumerate(points):
        assert point.value == pytest.approx(100 * 0.97**k, rel=1e-12)
    assert len(points) == 30 and points[0].items == 3


def test_item_enters_when_it_first_appears_and_leaves_when_gone():
    # C appears in month 1 at a price far below A and B, then disappears: as in the chained
    # index, being new or leaving does not move the index; only matched comparisons do.
    prices = {
        month(0): {"A": 4.0, "B": 4.0},
        month(1): {"A": 4.0, "B": 4.0, "C": 0.1},
        month(2): {"A": 2.0, "B": 2.0, "C": 0.05},
        month(3): {"A": 2.0, "B": 2.0},
    }
    points = geks(prices, window=13)
    assert [round(p.value, 9) for p in points] == [100.0, 100.0, 50.0, 50.0]
    assert [p.items for p in points] == [2, 3, 3, 2]


def test_month_without_prices_holds_the_level():
    prices = {month(0): {"A": 1.0}, month(2): {"A": 0.5}}
    points = geks(prices, periods=[month(0), month(1), month(2)], window=13)
    assert [(round(p.value, 9), p.items) for p in points] == [(100.0, 1), (100.0, 0), (50.0, 1)]


def test_window_must_hold_two_periods():
    with pytest.raises(ValueError):
        geks(BOUNCE, window=1)
    assert geks({}) == []
    assert math.isclose(geks(BOUNCE, window=2)[1].value, 200.0)
