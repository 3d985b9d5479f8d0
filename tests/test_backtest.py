"""Rolling-origin backtests: known rates recovered, bands widened by steps, calibrated cost bands.

Synthetic series are built here (exact halving, yearly steps): they test the method, not data.
The recorded-data checks use the `full_warehouse` fixture (run + backfill on the recordings).
"""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from flows.cli import main
from warehouse.backtest.calibration import Calibration
from warehouse.backtest.rolling import (
    Forecast,
    add_months,
    frontier_forecasts,
    index_forecasts,
    quantile,
    summarize,
)
from warehouse.connection import connect
from warehouse.cost.model import LegCost, Rate, project
from warehouse.indices.frontier import Listing
from warehouse.indices.jevons import IndexPoint
from warehouse.indices.store import IndexSeries, replace_index

START = date(2020, 1, 1)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def halving(months: int = 60) -> list[tuple[date, float]]:
    """Exactly 2× a year on the fit's own clock (days / 365): 100 · 2^(-days/365)."""
    out = []
    for m in range(months):
        day = add_months(START, m)
        out.append((day, 100.0 * 2.0 ** (-(day - START).days / 365.0)))
    return out


def stepped(months: int = 60) -> list[tuple[date, float]]:
    """Flat for a year, then 30% cheaper at once: the same drift, arriving in steps."""
    return [(add_months(START, m), 100.0 * 0.7 ** (m // 12)) for m in range(months)]


def test_backtest_recovers_an_exact_rate():
    forecasts = index_forecasts("halving", halving())
    # Origins from the 6th month (6 points to fit); 12 months ahead needs a realized month.
    assert {f.horizon for f in forecasts} == {6, 12}
    assert len([f for f in forecasts if f.horizon == 12]) == 60 - 5 - 12
    for h in (6, 12):
        s = summarize(forecasts, h)
        # The fit is exactly 2×/yr; the only error is a calendar month being 28–31 days
        # where the projection counts h/12 years: at most 1.5 days × log10(2)/365 ≈ 0.0012.
        assert s.median_abs_error < 0.0013
        assert abs(s.bias) < 0.0013
        assert s.band_high - s.band_low < 0.003
    # Projected from the origin value: 12 months after a point at 100 → 50 (2×/yr).
    first = next(f for f in forecasts if f.horizon == 12)
    origin_value = dict(halving())[first.origin]
    assert first.projected == pytest.approx(origin_value / 2, rel=1e-12)


def test_backtest_widens_its_bands_on_a_series_with_steps():
    smooth = summarize(index_forecasts("halving", halving()), 12)
    steps = summarize(index_forecasts("steps", stepped()), 12)
    assert steps.band_high - steps.band_low > 0.1  # a 30% step is 0.155 in log10
    assert steps.band_high - steps.band_low > 30 * (smooth.band_high - smooth.band_low)
    # An origin just after a step sees a flat year ahead... or the next step: up to one
    # whole step (log10 0.7 = -0.155) below the projection.
    assert steps.band_low == pytest.approx(math.log10(0.7), abs=0.01)
    assert steps.median_abs_error > 10 * smooth.median_abs_error
    # On history ~90% of realized values fall inside the calibrated band, by construction.
    assert 0.85 <= steps.coverage_calibrated <= 0.95
    # The fit's own interval is far too narrow for steps.
    assert steps.coverage_fit_band < steps.coverage_calibrated


def test_summary_by_hand():
    errors = [-0.2, -0.1, 0.0, 0.1, 0.3]
    forecasts = [
        Forecast("s", add_months(START, k), 12, 1.0, 10.0**e, 0.9, 1.1)
        for k, e in enumerate(errors)
    ]
    s = summarize(forecasts, 12)
    assert s.n == 5 and s.median_abs_error == pytest.approx(0.1)
    assert s.bias == pytest.approx(0.0, abs=1e-12)
    # 5th percentile: position 0.2 between -0.2 and -0.1 → -0.18; 95th: 0.1 + 0.8·0.2 = 0.26
    assert (s.band_low, s.band_high) == (pytest.approx(-0.18), pytest.approx(0.26))
    assert s.coverage_calibrated == pytest.approx(3 / 5)
    # Inside [0.9, 1.1]: realized 10^0 = 1 only (10^-0.1 = 0.794, 10^0.1 = 1.259).
    assert s.coverage_fit_band == pytest.approx(1 / 5)
    assert quantile([1, 2, 3, 4], 0.5) == 2.5
    assert summarize(forecasts, 6).n == 0
    assert (s.coverage_realtime, s.n_realtime) == (None, 0)  # fewer than 20 known errors


def test_realtime_coverage_by_hand():
    # 40 monthly origins, 12 months ahead: forecast k knows the errors of origins ≤ k - 12,
    # i.e. k - 11 of them; with at least 20 known, origins 31..39 are scored (9).
    errors = [0.01 * (k % 5 - 2) for k in range(31)] + [0.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0, 0, 0]
    forecasts = [
        Forecast("s", add_months(START, k), 12, 1.0, 10.0**e, 1.0, 1.0)
        for k, e in enumerate(errors)
    ]
    s = summarize(forecasts, 12)
    # The known errors span -0.02..0.02: 0.0 falls inside the band, 0.5 does not.
    assert (s.n_realtime, s.coverage_realtime) == (9, pytest.approx(7 / 9))


def test_frontier_backtest_recovers_a_steady_frontier():
    # Every month a new model at the same score, each 2^(-1/12) cheaper: a frontier of 2×/yr.
    listings = [
        Listing(f"m{k}", add_months(START, k), 10.0 * 2.0 ** (-k / 12), 50.0) for k in range(36)
    ]
    forecasts = frontier_forecasts({"mmlu": listings})
    s12 = summarize(forecasts, 12)
    assert s12.n > 10
    assert s12.median_abs_error < 0.01  # month lengths again: ~0.001–0.003
    # A frontier that stops falling: projections are too low, errors positive.
    stalled = [*listings[:12], Listing("same", add_months(START, 24), 1e9, 50.0)]
    late = summarize(frontier_forecasts({"mmlu": stalled}), 12)
    assert late.bias > 0.2


def test_calibrated_cost_band_by_hand():
    summary = summarize(
        [
            Forecast("s", add_months(START, k), 12, 1.0, 10.0**e, 1.0, 1.0)
            for k, e in enumerate([-0.1, 0.0, 0.1])
        ],
        12,
    )
    calibration = Calibration("compute", "geks", "*", {12: summary})
    # 5th / 95th percentile of -0.1, 0, 0.1: ∓0.09 (position 0.1 between the first two).
    # 24 months: twice the 12-month errors; 6 months: the 12-month errors halved (no tested
    # horizon at or below 6, so the shortest one, scaled by 6/12).
    assert calibration.log_band(24) == (
        pytest.approx(0.0, abs=1e-12),
        pytest.approx(-0.09 * 2),
        pytest.approx(0.09 * 2),
    )
    assert calibration.log_band(6)[2] == pytest.approx(0.045)
    leg = LegCost(
        "C", "compute", "", Decimal("100"), "given", Rate(2.0, 1.9, 2.1, "t", calibration)
    )
    rows = {(r.horizon_months, r.leg): r for r in project([leg], (0, 12))}
    twelve = rows[(12, "C")]
    assert twelve.cost == Decimal("50.000000000000")
    assert float(twelve.low) == pytest.approx(50 * 10**-0.09, rel=1e-12)
    assert float(twelve.high) == pytest.approx(50 * 10**0.09, rel=1e-12)
    # The frontier never rises: its band stops at today's cost.
    frontier = Calibration("llm", "frontier", "*", {12: summary}, never_above_today=True)
    cheap = LegCost("C", "llm", "", Decimal("100"), "given", Rate(1.1, 1.0, 1.2, "t", frontier))
    high = {r.horizon_months: r for r in project([cheap], (12,)) if r.leg == "C"}[12].high
    assert high == Decimal("100.000000000000")


def test_backtest_command_on_a_small_warehouse(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    points = [IndexPoint(day, value, 6) for day, value in halving(36)]
    replace_index(con, "gpu_hour", [IndexSeries("gpu_hour", "all", "geks", points)])
    con.close()
    assert main(["--db", str(db), "backtest", "--leg", "compute", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["series"], r["horizon_months"]) for r in rows} == {
        ("gpu_hour/all", 6),
        ("*", 6),
        ("gpu_hour/all", 12),
        ("*", 12),
    }
    twelve = next(r for r in rows if r["series"] == "*" and r["horizon_months"] == 12)
    assert twelve["n"] == 36 - 5 - 12
    assert abs(twelve["median_abs_error_log10"]) < 0.0013
    con = connect(db)
    stored = con.execute("select count(*), min(band_low_factor) from mart_backtests").fetchone()
    con.close()
    assert stored[0] == 4 and stored[1] == pytest.approx(1.0, abs=0.01)
    with pytest.raises(SystemExit) as usage:
        main(["--db", str(db), "backtest", "--horizon", "0"])
    assert usage.value.code == 2
    assert "a horizon is 1 to 120 months" in capsys.readouterr().err
    empty = tmp_path / "empty.duckdb"
    connect(empty).close()
    assert main(["--db", str(empty), "backtest"]) == 2
    assert "no index values stored" in capsys.readouterr().err


# --- On the recorded data ---------------------------------------------------------------------


@pytest.mark.flow
def test_backtest_of_the_recorded_data(full_warehouse, capsys):
    assert main(["--db", str(full_warehouse), "backtest", "--format", "json"]) == 0
    rows = {
        (r["leg"], r["method"], r["series"], r["horizon_months"]): r
        for r in json.loads(capsys.readouterr().out)
    }
    frontier = rows[("llm", "frontier", "*", 12)]
    # Fitted up to an origin, the frontier rate projects prices ~10× below what the warehouse
    # shows a year later (the GPQA ≥ 50 case: $0.0040 projected, $0.0875 realized).
    assert frontier["n"] > 200
    assert frontier["bias_log10"] > 0.8
    assert frontier["coverage_fit_band"] < 0.4
    # The band fitted on the same errors holds ~90%; used in real time it held far less.
    assert frontier["coverage_realtime"] < frontier["coverage_calibrated"]
    gpu = rows[("compute", "geks", "*", 12)]
    assert gpu["n"] > 50 and gpu["median_abs_error_log10"] < 0.1
    for key, row in rows.items():
        if key[2] == "*" and row["n"] >= 50:
            assert 0.85 <= row["coverage_calibrated"] <= 0.95, key


@pytest.mark.flow
def test_cost_examples_print_calibrated_bands(full_warehouse, capsys):
    for name in ("llm_assistant", "h100_training", "seed_example"):
        assert main(["--db", str(full_warehouse), "cost", str(EXAMPLES / f"{name}.toml")]) == 0
        out = capsys.readouterr().out
        assert "backtest " in out and "inside the calibrated band" in out, name
        rows = {
            int(line.split()[0]): [Decimal(v.strip("$").replace(",", "")) for v in line.split()[1:]]
            for line in out.split("months               P")[1].split("\n\n")[0].splitlines()[1:]
        }
        assert rows[0][0] == rows[0][1] == rows[0][2] == rows[0][3]
        for months in (6, 12, 24):
            central, _rate_only, low, high = rows[months]
            assert low <= central <= high, (name, months)
        if name == "llm_assistant":
            # $360 today; the frontier never rises, so the band stops at today's cost.
            assert rows[0][0] == Decimal("360.00") and rows[24][3] == Decimal("360.00")
            assert rows[24][0] > Decimal("10")  # bias-corrected: not $0.85 ...
            assert rows[24][1] < Decimal("1")  # ... which the rate alone gives
        if name == "h100_training":
            # GPU prices moved −44% and +40% in a year: the 12-month band is tens of percent.
            low, high = rows[12][2] / rows[0][0], rows[12][3] / rows[0][0]
            assert low < Decimal("0.75") and high > Decimal("1.1")
            # Along the fitted rate (1.15x/yr) the bill falls; on history the pooled GPU
            # projections ran 1.22x too low at 12 months (bias +0.088 log10), and the corrected
            # centre rises: both are printed, and the correction is named.
            assert rows[24][1] == Decimal("159535.03") < rows[0][0] < rows[24][0]
            assert "bias +0.088 (realized ×1.22 the projection, the correction)" in out
