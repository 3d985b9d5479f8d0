"""Chained Jevons: hand-computed links, entry at the second observation, exit, gaps."""

from __future__ import annotations

import math
from datetime import date

import pytest

from warehouse.indices.jevons import bilateral_jevons, chained_jevons

M1, M2, M3, M4, M5 = (date(2024, m, 1) for m in range(1, 6))


def values(points):
    return [(p.period, round(p.value, 6), p.items) for p in points]


def test_hand_computed_links_with_entry_and_exit():
    prices = {
        M1: {"A": 10.0, "B": 20.0},
        M2: {"A": 8.0, "B": 20.0, "C": 5.0},  # C is new: not in the link M1 → M2
        M3: {"A": 8.0, "B": 10.0, "C": 4.0},  # C joins at its second observation
        M4: {"A": 4.0, "C": 4.0},  # B is gone: it leaves the link M3 → M4
    }
    # M1→M2: sqrt(0.8 × 1) = 0.894427; M2→M3: (1 × 0.5 × 0.8)^(1/3) = 0.736806;
    # M3→M4: sqrt(0.5 × 1) = 0.707107.
    i2 = 100 * math.sqrt(0.8)
    i3 = i2 * 0.4 ** (1 / 3)
    i4 = i3 * math.sqrt(0.5)
    assert values(chained_jevons(prices)) == [
        (M1, 100.0, 2),
        (M2, round(i2, 6), 2),
        (M3, round(i3, 6), 3),
        (M4, round(i4, 6), 2),
    ]
    assert round(i2, 4) == 89.4427 and round(i3, 4) == 65.9020 and round(i4, 4) == 46.5997


def test_a_new_item_never_moves_the_index_by_being_new():
    base = {M1: {"A": 10.0}, M2: {"A": 9.0}}
    with_new = {M1: {"A": 10.0}, M2: {"A": 9.0, "cheap-newcomer": 0.01}}
    assert chained_jevons(base)[-1].value == pytest.approx(90.0)
    assert chained_jevons(with_new)[-1].value == pytest.approx(90.0)


def test_a_month_without_matched_items_holds_the_level_and_items_come_back():
    prices = {M1: {"A": 10.0}, M2: {"A": 5.0}, M4: {"A": 1.0}, M5: {"A": 0.5}}
    points = chained_jevons(prices, periods=[M1, M2, M3, M4, M5])
    # M3 has no price: links M2→M3 and M3→M4 have no matched item and hold the level;
    # A re-enters at its second consecutive month (M4→M5), so its 5 → 1 move is not counted.
    assert values(points) == [
        (M1, 100.0, 1),
        (M2, 50.0, 1),
        (M3, 50.0, 0),
        (M4, 50.0, 0),
        (M5, 25.0, 1),
    ]


def test_bilateral_and_non_positive_prices():
    assert bilateral_jevons({}, {"A": 0.0}) == (pytest.approx(float("nan"), nan_ok=True), 0)
    ratio, matched = bilateral_jevons({"A": math.log(2), "B": 0.0}, {"A": 0.0, "B": 0.0})
    assert (ratio, matched) == (pytest.approx(math.sqrt(0.5)), 2)
    # A zero price is not a price: dropped, not a -inf log.
    assert values(chained_jevons({M1: {"A": 1.0, "Z": 0.0}, M2: {"A": 2.0, "Z": 0.0}})) == [
        (M1, 100.0, 1),
        (M2, 200.0, 1),
    ]
