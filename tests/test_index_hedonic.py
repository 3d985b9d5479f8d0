"""Time-dummy hedonic index: exact fits by hand, composition without scores, entry."""

from __future__ import annotations

import math
from datetime import date

import pytest

from warehouse.indices.hedonic import HedonicObservation as Obs
from warehouse.indices.hedonic import time_dummy

JAN, FEB, MAR = date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)


def test_exact_fit_prices_quality_and_lets_a_new_model_count_at_once():
    # ln p = ln 8 + δ·D_feb + β·score with β = ln2/10 and δ = -ln 2, fitted exactly:
    # X (score 0) costs 8 then 4; Y (score 10) costs 16 in January; Z (score 20) is new in
    # February at 16 = 8 · 0.5 · 2².
    data = [
        Obs("X", JAN, 8.0, {"mmlu": 0.0}),
        Obs("Y", JAN, 16.0, {"mmlu": 10.0}),
        Obs("X", FEB, 4.0, {"mmlu": 0.0}),
        Obs("Z", FEB, 16.0, {"mmlu": 20.0}),
    ]
    fit = time_dummy(data, ["mmlu"])
    assert [(p.period, round(p.value, 9), p.items) for p in fit.points] == [
        (JAN, 100.0, 2),
        (FEB, 50.0, 2),
    ]
    assert fit.coefficients["mmlu"] == pytest.approx(math.log(2) / 10)
    assert fit.coefficients["intercept"] == pytest.approx(math.log(8))
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.n == 4


def test_without_scores_it_compares_geometric_means_a_composition_effect():
    # Only time dummies: δ = mean ln p(Feb) − mean ln p(Jan) = ln 1 − ln 4 → 25, although no
    # item changed its price (a cheap item simply replaced two dearer ones).
    data = [
        Obs("a", JAN, 2.0, {}),
        Obs("b", JAN, 8.0, {}),
        Obs("c", FEB, 1.0, {}),
    ]
    fit = time_dummy(data, [])
    assert [round(p.value, 9) for p in fit.points] == [100.0, 25.0]


def test_listings_missing_a_score_are_left_out_and_periods_without_data_have_no_value():
    data = [
        Obs("X", JAN, 8.0, {"gpqa": 30.0}),
        Obs("Y", JAN, 16.0, {"gpqa": 40.0}),
        Obs("no-score", FEB, 0.01, {}),
        Obs("X", MAR, 2.0, {"gpqa": 30.0}),
        Obs("Y", MAR, 4.0, {"gpqa": 40.0}),
    ]
    fit = time_dummy(data, ["gpqa"])
    assert [(p.period, round(p.value, 9)) for p in fit.points] == [(JAN, 100.0), (MAR, 25.0)]


def test_collinear_scores_and_single_period_are_refused():
    data = [Obs("X", JAN, 8.0, {"a": 1.0, "b": 2.0}), Obs("Y", FEB, 4.0, {"a": 2.0, "b": 4.0})]
    with pytest.raises(ValueError, match="collinear"):
        time_dummy(data, ["a", "b"])
    with pytest.raises(ValueError, match="2 periods"):
        time_dummy([Obs("X", JAN, 8.0, {})], [])


def test_llm_index_from_the_warehouse_with_segments_and_hedonic(tmp_path):
    from schemas.enums import Component as C
    from tests.index_utils import dated, load
    from warehouse.connection import connect
    from warehouse.indices import build
    from warehouse.indices.store import read_index

    con = connect(tmp_path / "w.duckdb")
    seen = "2024-03-31"
    load(
        con,
        "r1",
        [
            # First party, closed: 10 in January, halves in February.
            dated("api", "openai", "gpt-x", C.BLENDED, "10", "2024-01-01", seen),
            dated("api", "openai", "gpt-x", C.BLENDED, "5", "2024-02-01", seen),
            # Reseller of an open model: constant 1.
            dated("or", "deepinfra", "llama", C.BLENDED, "1", "2024-01-01", seen),
        ],
    )
    con.execute(
        "INSERT INTO models (model_id, developer, family, open_weights) VALUES "
        "('gpt-x', 'openai', 'gpt', false), ('llama', 'meta', 'llama', true)"
    )
    con.execute(
        "INSERT INTO model_aliases VALUES ('openai', 'gpt-x', 'gpt-x', 'model id', false, 't'),"
        " ('deepinfra', 'llama', 'llama', 'model id', false, 't')"
    )
    con.execute("INSERT INTO providers VALUES ('openai', 'openai'), ('deepinfra', 'deepinfra')")
    con.execute(
        "INSERT INTO benchmarks VALUES ('gpt-x', 'gpt-x', 'mmlu', 80, 't', NULL, now()), "
        "('llama', 'llama', 'mmlu', 60, 't', NULL, now())"
    )
    report = build.build_index(con, "llm_tokens", **build.llm_inputs(con, "llm_tokens"))
    assert "hedonic on mmlu" in report.note

    def values(segment, method=build.JEVONS):
        return [round(v, 6) for _, v, _ in read_index(con, "llm_tokens", segment, method)]

    assert values("first_party") == values("closed_weights") == [100.0, 50.0, 50.0]
    assert values("aggregator") == values("open_weights") == [100.0, 100.0, 100.0]
    assert values("all") == [100.0, round(100 * 0.5**0.5, 6), round(100 * 0.5**0.5, 6)]
    # Hedonic: the two models in three months; with mmlu as the regressor the February and
    # March dummies are the geometric mean change of the two: sqrt(0.5 × 1).
    assert values("all", build.HEDONIC) == values("all")
    con.close()


def test_hedonic_regressors_are_the_widest_covered_scores():
    from warehouse.indices.data import hedonic_characteristics

    # MMLU covers 4 models, GPQA 3 of them: requiring both keeps 3/4 = 75%: both are used.
    scores = {
        "a": {"mmlu": 1, "gpqa_diamond": 1},
        "b": {"mmlu": 1, "gpqa_diamond": 1},
        "c": {"mmlu": 1, "gpqa_diamond": 1},
        "d": {"mmlu": 1},
    }
    assert hedonic_characteristics(scores) == ("mmlu", "gpqa_diamond")
    scores["e"] = {"mmlu": 1}  # now both keep only 3/5: MMLU alone
    assert hedonic_characteristics(scores) == ("mmlu",)
    assert hedonic_characteristics({}) == ()
