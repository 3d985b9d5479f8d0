"""The number to quote per leg: `deflator rates headline` and mart_headline_rates.

The small warehouse below is hand-built (index series of exact rates, frontier rows with
chosen factors): it tests the choice and the arithmetic. The recorded data comes last."""

from __future__ import annotations

import json
from datetime import date

import pytest

from flows.cli import main
from warehouse.backtest.rolling import add_months
from warehouse.connection import connect
from warehouse.indices.headline import headline_rates, median_interval, replace_headline
from warehouse.indices.jevons import IndexPoint
from warehouse.indices.store import IndexSeries, replace_index

START = date(2023, 1, 1)


def exact(factor: float, items: int, months: int = 36) -> list[IndexPoint]:
    """An index falling exactly ``factor``× a year on the fit's clock (days / 365)."""
    out = []
    for m in range(months):
        day = add_months(START, m)
        out.append(IndexPoint(day, 100.0 * factor ** (-(day - START).days / 365.0), items))
    return out


def small_warehouse(path):
    con = connect(path)
    replace_index(con, "gpu_hour", [IndexSeries("gpu_hour", "all", "geks", exact(2.0, 6))])
    replace_index(
        con,
        "storage",
        [
            IndexSeries("storage", "tier:standard", "geks", exact(1.5, 2)),  # too few items
            IndexSeries("storage", "all", "geks", exact(1.25, 7)),
        ],
    )
    replace_index(
        con,
        "llm_tokens",
        [
            IndexSeries("llm_tokens", "all", "geks", exact(1.1, 9)),
            IndexSeries("llm_tokens", "all", "hedonic", exact(3.0, 9)),
        ],
    )
    for factor, points in [(4, 5), (8, 6), (10, 5), (20, 4), (40, 7)]:
        con.execute(
            "INSERT INTO decline_rates (kind, source, include_reasoning, benchmark, "
            "threshold_model, threshold_score, n_points, start_date, end_date, "
            "factor_per_year, ci90_low, ci90_high, r_squared, percent_per_year, computed_at) "
            "VALUES ('frontier', '*', false, 'mmlu', 'm', ?, ?, DATE '2023-01-01', "
            "DATE '2025-06-01', ?, 1, 100, 0.9, 50, now())",
            [float(factor), points, float(factor)],
        )
    return con


def test_median_interval_by_hand():
    # n = 10: P(B ≤ 1) = 11/1024 ≤ 0.05 < P(B ≤ 2) = 56/1024, so k = 2: [x(2), x(9)].
    assert median_interval(list(range(1, 11))) == (2, 9)
    # n = 5: P(B ≤ 0) = 1/32 ≤ 0.05 < 6/32: k = 1, the whole range.
    assert median_interval([5, 1, 4, 2, 3]) == (1, 5)
    # n = 4: P(B = 0) = 1/16 > 0.05: too few for 90%, the whole range as well.
    assert median_interval([4, 8, 10, 40]) == (4, 40)


def test_headline_rows_by_hand(tmp_path):
    con = small_warehouse(tmp_path / "w.duckdb")
    rows = {(r.leg, r.measure): r for r in headline_rates(con)}
    assert [(r.leg, r.measure, r.quote) for r in headline_rates(con)] == [
        ("llm", "frontier", True),
        ("llm", "matched-model", False),
        ("llm", "hedonic", False),
        ("compute", "matched-model", True),
        ("energy", "matched-model", False),  # no rate: nothing to quote
        ("data", "matched-model", True),
    ]
    frontier = rows[("llm", "frontier")]
    # Thresholds with at least 5 points: 4, 8, 10, 40 (20 has 4): median 9, interval [4, 40].
    assert (frontier.factor_per_year, frontier.ci90_low, frontier.ci90_high) == (9.0, 4.0, 40.0)
    assert (frontier.n_points, frontier.items, frontier.segment) == (
        4,
        5,
        "median of 4 thresholds",
    )
    assert "newer, smaller models reach old scores" in frontier.note
    compute = rows[("compute", "matched-model")]
    assert compute.factor_per_year == pytest.approx(2.0, rel=1e-12)
    assert compute.percent_per_year == pytest.approx(50.0)
    assert (compute.window_start, compute.window_end, compute.n_points, compute.items) == (
        START,
        date(2025, 12, 1),
        36,
        6,
    )
    assert rows[("llm", "matched-model")].factor_per_year == pytest.approx(1.1, rel=1e-12)
    assert rows[("llm", "hedonic")].factor_per_year == pytest.approx(3.0, rel=1e-12)
    data = rows[("data", "matched-model")]
    assert (data.segment, data.factor_per_year) == ("all", pytest.approx(1.25, rel=1e-12))
    assert "not tier:standard: no rate: no month with 5 items (at most 2)" in data.note
    energy = rows[("energy", "matched-model")]
    assert (energy.factor_per_year, energy.note) == (None, "no rate: index not built")
    replace_headline(con)
    stored = con.execute(
        "select leg, measure, quote, factor_per_year, halving_months from mart_headline_rates "
        "where leg = 'compute'"
    ).fetchall()
    con.close()
    assert stored == [("compute", "matched-model", True, pytest.approx(2.0), pytest.approx(12.0))]


def test_rates_headline_command(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    small_warehouse(db).close()
    assert main(["--db", str(db), "rates", "headline", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    quoted = {r["leg"]: r for r in rows if r["quote"]}
    assert set(quoted) == {"llm", "compute", "data"}  # energy has no index: not published
    assert quoted["llm"]["measure"] == "frontier" and quoted["llm"]["factor_per_year"] == 9.0
    assert main(["--db", str(db), "rates", "headline"]) == 0
    table = capsys.readouterr().out
    assert "median of 4 thresholds" in table and "LLM tokens: They measure" in table
    energy = next(line for line in table.splitlines() if line.startswith("energy"))
    assert "not published" in energy and "no rate: index not built" in energy


# --- On the recorded data ---------------------------------------------------------------------


@pytest.mark.flow
def test_headline_of_the_recorded_data(full_warehouse, capsys):
    assert main(["--db", str(full_warehouse), "rates", "headline", "--format", "json"]) == 0
    rows = {(r["leg"], r["measure"]): r for r in json.loads(capsys.readouterr().out)}
    frontier = rows[("llm", "frontier")]
    # 20 frontier thresholds have at least 5 points; their median: 13.9×/yr (input
    # hygiene, docs/input-hygiene.md: no batch listing or re-rounding makes a frontier point).
    assert frontier["quote"] and frontier["segment"] == "median of 20 thresholds"
    assert frontier["factor_per_year"] == pytest.approx(13.95, abs=0.01)
    assert frontier["ci90_low"] < 13.95 < frontier["ci90_high"]
    # Matched-model, last 36 months of ≥ 5 items: 1.02×/yr; hedonic: 1.77×/yr (after input
    # hygiene: no batch listings, stale or scheduled prices among the items).
    assert rows[("llm", "matched-model")]["factor_per_year"] == pytest.approx(1.022, abs=1e-3)
    assert rows[("llm", "hedonic")]["factor_per_year"] == pytest.approx(1.77, abs=0.01)
    compute = rows[("compute", "matched-model")]
    assert compute["quote"] and compute["factor_per_year"] == pytest.approx(1.127, abs=1e-3)
    assert compute["items"] >= 5 and compute["n_points"] == 36
    energy = rows[("energy", "matched-model")]
    assert energy["factor_per_year"] == pytest.approx(0.959, abs=0.005)  # rising 4%/yr
    data = rows[("data", "matched-model")]
    # Standard storage has at most 4 items, and with stale dataset prices ended (S3's 2006
    # price no longer runs to 2021) no window reaches 5: no rate to quote.
    assert data["segment"] == "all"
    assert data["factor_per_year"] is None
    assert data["quote"] is False  # nothing to quote: the table says "not published"
    assert "no rate: no month with 5 items" in data["note"]
