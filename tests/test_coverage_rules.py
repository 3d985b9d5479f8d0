"""Coverage rules: no index value on fewer than MIN_ITEMS items, no rate without coverage,
electricity from its monthly series; hand-computed cases, then the recorded data."""

from __future__ import annotations

from datetime import date

import pytest

from schemas.enums import Component as C
from tests.index_utils import dated, load
from warehouse.connection import connect
from warehouse.indices import build
from warehouse.indices.coverage import MIN_ITEMS, covered_rate, is_published, withheld_reason
from warehouse.indices.jevons import IndexPoint
from warehouse.indices.publish import fit_index_rate
from warehouse.indices.rates import decline_rate
from warehouse.indices.store import IndexSeries, replace_index


def month(k: int) -> date:
    return date(2024 + k // 12, k % 12 + 1, 1)


def test_the_item_floor():
    assert MIN_ITEMS == 5
    assert is_published(5) and not is_published(4)
    assert withheld_reason(5) is None
    assert withheld_reason(1) == "1 item < 5"
    assert withheld_reason(0) == "0 items < 5"


def test_a_rate_is_fitted_on_published_months_only():
    # A one-item step (100 → 33.3, the GPT-3 davinci cut of 2022-09) then a flat, well-covered
    # index: the step is not fitted.
    series = [(month(0), 100.0, 2), (month(1), 100.0 / 3, 2)] + [
        (month(k), 100.0 / 3 * 0.99**k, 9) for k in range(2, 8)
    ]
    rate, coverage = covered_rate(series)
    expected = decline_rate([(p, v) for p, v, _ in series[2:]])
    assert rate == expected
    assert (coverage.months, coverage.months_published) == (8, 6)
    assert (coverage.fewest_items, coverage.most_items, coverage.published) == (9, 9, True)
    # All months fitted, the step would make the rate 3.4× a year instead of 1.13×.
    assert decline_rate([(p, v) for p, v, _ in series]).factor_per_year > 3
    assert rate.factor_per_year == pytest.approx(0.99**-12, rel=1e-2)


def test_a_segment_without_coverage_gets_no_rate():
    one_item = [(month(k), 100.0, 1) for k in range(12)]
    rate, coverage = covered_rate(one_item)
    assert rate is None
    assert coverage.reason == "no month with 5 items (at most 1) in 12 months"
    two_covered = [(month(k), 100.0 - k, 5 if k in (3, 7) else 3) for k in range(12)]
    rate, coverage = covered_rate(two_covered)
    assert rate is None
    assert coverage.reason == "2 of 12 months have 5 items; a rate needs 3"
    # The window counts too: since month 8, no covered month is left.
    assert covered_rate(two_covered, since=month(8))[1].months == 4


def test_marts_withhold_thin_values_and_rates(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    # Items 6, 2, 7, 0, 8: months 2 and 4 are not published.
    items = [6, 2, 7, 0, 8]
    values = [100.0, 150.0, 90.0, 90.0, 81.0]
    points = [IndexPoint(month(k), values[k], items[k]) for k in range(5)]
    replace_index(con, "gpu_hour", [IndexSeries("gpu_hour", "all", "geks", points)])
    rows = con.execute(
        "select month, value, items, published, min_items, reason, pct_change_1m "
        "from mart_index_monthly order by month"
    ).fetchall()
    assert rows == [
        (month(0), 100.0, 6, True, 5, None, None),
        (month(1), None, 2, False, 5, "2 items < 5", None),
        (month(2), 90.0, 7, True, 5, None, None),  # the month before is not published
        (month(3), None, 0, False, 5, "0 items < 5", None),
        (month(4), 81.0, 8, True, 5, None, None),
    ]
    outcome = fit_index_rate(con, "gpu_hour", "all", "geks")
    assert outcome.rate.n_points == 3 and outcome.coverage.fewest_items == 6
    replace_index(
        con, "gpu_hour", [IndexSeries("gpu_hour", "thin", "geks", points[:2])], min_items=5
    )
    assert fit_index_rate(con, "gpu_hour", "thin", "geks").rate is None
    rates = con.execute(
        "select segment, published, reason, factor_per_year, items, min_items "
        "from mart_decline_rates order by segment"
    ).fetchall()
    con.close()
    # Replacing the index dropped `all` from index_values, but its stored rate remains.
    assert rates[0][:2] == ("all", True) and rates[0][4:] == (6, 5)
    assert rates[1] == (
        "thin",
        False,
        "1 of 2 months have 5 items; a rate needs 3",
        None,
        6,
        5,
    )


def test_electricity_uses_the_series_with_monthly_coverage(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    monthly = [
        dated("eia_history", "eia", "us", C.KWH, price, f"2021-{m:02d}-01", "2022-01-31",
              tier="industrial", region="US")
        for m, price in zip(range(1, 13), ["0.070", "0.071", "0.072"] * 4, strict=True)
    ]  # fmt: skip
    # An annual value per year (EIA's state tables): a step once a year, never monthly.
    annual = [
        dated("eia_annual", "eia", "state", C.KWH, price, day, "2022-01-31",
              tier="industrial", region="NY")
        for day, price in [("2020-01-01", "0.060"), ("2021-01-01", "0.090")]
    ]  # fmt: skip
    load(con, "r1", monthly + annual)
    items = build.monthly_series(build.series_items(con, "energy", "kwh"), con, "energy", "kwh")
    assert [item.source for item in items] == ["eia_history"]
    build.build_index(con, "electricity")
    sources = con.execute(
        "select max(items) from index_values where index = 'electricity'"
    ).fetchone()
    con.close()
    assert sources == (1,)


# --- On the recorded data ---------------------------------------------------------------------


@pytest.mark.flow
def test_coverage_rules_on_the_recorded_data(full_warehouse):
    import duckdb

    con = duckdb.connect(str(full_warehouse), read_only=True)
    try:
        thin_published, unpublished, total = con.execute(
            "select count(*) filter (published and items < 5), "
            "count(*) filter (not published), count(*) from mart_index_monthly"
        ).fetchone()
        assert thin_published == 0
        assert unpublished > total / 2  # most stored months rest on fewer than 5 items
        assert con.execute(
            "select count(*) from mart_index_monthly where (value is null) = published"
        ).fetchone() == (0,)
        # GEKS months with no item at all (8 GPU segments, 2026-03 → 2026-09) are not published.
        assert con.execute(
            "select count(*) from mart_index_monthly where items = 0 and published"
        ).fetchone() == (0,)
        # The LLM headline: 1.22×/yr on every month (one 2-item step in 2022-09); fitted on
        # the months with at least 5 items, as stored now: 1.020×/yr from 2023-03.
        llm = con.execute(
            "select factor_per_year, n_points, start_date, items from decline_rates "
            "where kind = 'index' and index = 'llm_tokens' and segment = 'all' "
            "and method = 'geks' and since is null"
        ).fetchone()
        assert llm[0] == pytest.approx(1.0204, abs=5e-4)  # after input hygiene
        assert llm[1:3] == (43, date(2023, 3, 1))
        assert llm[3] >= 5
        # No index rate rests on a month with fewer than 5 items; the one-item segments that
        # got 1.0× with a zero-width interval are withheld, with the reason.
        assert con.execute(
            "select count(*) from decline_rates where kind = 'index' and items < 5"
        ).fetchone() == (0,)
        industrial = con.execute(
            "select published, reason from mart_decline_rates where index = 'electricity' "
            "and segment = 'sector:industrial' and method = 'geks'"
        ).fetchone()
        assert industrial[0] is False and industrial[1].startswith("no month with 5 items")
        # Electricity: only EIA's monthly US series (one per sector: all-sectors, commercial,
        # industrial, residential, transportation, other), not the 51 annual state values.
        assert con.execute(
            "select max(items) from index_values where index = 'electricity'"
        ).fetchone() == (5,)  # gaps in a regular monthly series end its rows (input hygiene)
    finally:
        con.close()
