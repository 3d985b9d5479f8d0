"""A backfill page: many dated points of one series, observed at one moment, some repeating."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from tests.warehouse_utils import at, history, obs, outcome
from warehouse.connection import connect
from warehouse.load import load_run


def dated(price: str, month: int):
    """A point of series 'a' observed on 1 November 2026, in force from ``month`` of 2020."""
    return obs("a", price, at(1)).model_copy(update={"effective_date": date(2020, month, 1)})


def test_a_price_that_returns_is_a_new_row_not_a_duplicate(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    try:
        points = [dated("3.9", 7), dated("3.7", 8), dated("3.8", 9), dated("3.9", 10)]
        report = load_run(con, "run1", "offline", at(1), [outcome(points, at(1))])
        assert report.observations_new == 4  # 3.9 twice: two months, not one duplicate
        assert history(con, "a") == [
            (Decimal("3.9"), datetime(2020, 7, 1), datetime(2020, 8, 1), "changed"),
            (Decimal("3.7"), datetime(2020, 8, 1), datetime(2020, 9, 1), "changed"),
            (Decimal("3.8"), datetime(2020, 9, 1), datetime(2020, 10, 1), "changed"),
            (Decimal("3.9"), datetime(2020, 10, 1), None, None),
        ]
        again = load_run(con, "run2", "offline", at(1), [outcome(points, at(1))])
        assert again.observations_new == 0 and again.history_changes == 0
    finally:
        con.close()
