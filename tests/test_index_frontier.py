"""Threshold-frontier decline rates: hand-computed cases, and Epoch AI's published table."""

from __future__ import annotations

import csv
import math
from datetime import date, timedelta
from pathlib import Path

import pytest

from warehouse.indices.frontier import (
    Listing,
    blend,
    fit_frontier,
    frontier_points,
    frontier_rates,
    is_reasoning_model,
    thresholds,
)
from warehouse.indices.stats import t_quantile

D0 = date(2021, 1, 1)


def day(years: int) -> date:
    """Whole years of 365 days after D0: the method's time unit, so x is exactly 0, 1, 2…"""
    return D0 + timedelta(days=365 * years)


def test_blend_is_three_input_to_one_output():
    assert blend(2.5, 10.0) == pytest.approx(4.375)  # GPT-4o-2024-08: Epoch lists $4.38


def test_thresholds_are_top_1_at_their_date_and_ties_go_to_the_cheapest():
    listings = [
        Listing("a", day(0), 10.0, 40.0),
        Listing("b", day(1), 5.0, 35.0),  # below the best so far: no threshold
        Listing("c", day(1), 9.0, 45.0),  # same-day best, but d is cheaper at the same score
        Listing("d", day(1), 8.0, 45.0),
        Listing("e", day(2), 1.0, 45.0),  # equals the best so far: not strictly above
        Listing("f", day(3), 1.0, 60.0),
    ]
    assert [t.model for t in thresholds(listings, "HumanEval")] == ["a", "d", "f"]


def test_multiple_choice_thresholds_start_at_30_and_arena_elo_has_no_bound():
    listings = [
        Listing("chance", day(0), 10.0, 26.0),
        Listing("better", day(1), 5.0, 31.0),
    ]
    assert [t.model for t in thresholds(listings, "MMLU")] == ["better"]
    assert [t.model for t in thresholds(listings, "GPQA Diamond")] == ["better"]
    elo = [Listing("x", day(0), 10.0, 1000.0), Listing("y", day(1), 5.0, 1400.0)]
    assert [t.model for t in thresholds(elo, "LMSys Chatbot Arena ELO")] == ["x", "y"]


def test_walk_keeps_strictly_cheaper_points_at_or_above_the_threshold():
    listings = [
        Listing("gpt-3", day(0), 60.0, 43.9),
        Listing("gpt-3", day(1), 60.0, 43.9),  # the same price again: not a new point
        Listing("gpt-3", day(2), 20.0, 43.9),  # a price cut of the same model: a new point
        Listing("weak", day(2), 1.0, 40.0),  # cheap but below the threshold
        Listing("same-day-dear", day(3), 9.0, 50.0),
        Listing("same-day-cheap", day(3), 2.0, 44.0),  # of one date, the cheapest
        Listing("not-cheaper", day(4), 2.0, 90.0),  # equal price is not strictly cheaper
        Listing("at-threshold", day(5), 1.5, 43.9),  # exactly at the threshold counts
    ]
    kept = frontier_points(listings, 43.9)
    assert [(p.model, p.day, p.price) for p in kept] == [
        ("gpt-3", day(0), 60.0),
        ("gpt-3", day(2), 20.0),
        ("same-day-cheap", day(3), 2.0),
        ("at-threshold", day(5), 1.5),
    ]


def test_fit_by_hand():
    # log10 prices 2, 1.2, 0.6, 0.2 at 0..3 years. By hand: mean x 1.5, mean y 1, Sxx 5,
    # Sxy -3 → slope -0.6; residuals ±0.1 → SSR 0.04, SST 1.84; se = sqrt(0.04/2/5).
    points = [Listing("m", day(k), 10.0**y, 50.0) for k, y in enumerate([2, 1.2, 0.6, 0.2])]
    rate = fit_frontier("MMLU", points[0], points)
    assert rate.factor_per_year == pytest.approx(10**0.6, rel=1e-12)  # 3.98× per year
    assert rate.r_squared == pytest.approx(1 - 0.04 / 1.84, rel=1e-12)
    half = t_quantile(0.95, 2) * math.sqrt(0.004)  # 2.91998558 × 0.0632456 = 0.184676
    assert half == pytest.approx(0.184676, abs=1e-6)
    assert rate.ci90_low == pytest.approx(10 ** (0.6 - half), rel=1e-12)  # 2.6026
    assert rate.ci90_high == pytest.approx(10 ** (0.6 + half), rel=1e-12)  # 6.0905
    assert (rate.n_points, rate.start_date, rate.end_date) == (4, day(0), day(3))


def test_rates_need_four_points_and_leave_reasoning_models_out():
    base = [Listing(f"m{k}", day(k), 10.0 ** (2 - k), 50.0 + k) for k in range(3)]
    assert frontier_rates({"MMLU": base}) == []  # three points: no fit
    with_o1 = [*base, Listing("o1-mini", day(3), 0.1, 60.0)]
    assert frontier_rates({"MMLU": with_o1}) == []
    rate = frontier_rates({"MMLU": with_o1}, include_reasoning=True)[0]
    assert rate.threshold_model == "m0"
    assert rate.n_points == 4
    assert rate.factor_per_year == pytest.approx(10.0)
    assert rate.r_squared == pytest.approx(1.0)


def test_reasoning_models_are_recognised_in_their_spellings():
    for name in ["o1", "O1-Mini", "o1-preview", "o3-mini", "DeepSeek-R1", "deepseek r1"]:
        assert is_reasoning_model(name), name
    assert is_reasoning_model("o1-2024-12-17")
    assert is_reasoning_model("openrouter/openai/o1-preview")
    assert is_reasoning_model("deepseek/deepseek-r1:free")
    assert is_reasoning_model("deepseek-r1-0528")
    assert Listing("OpenAI o1 (listing)", D0, 1.0, 1.0, model_id="o1").reasoning
    assert not Listing("gpt-4o", D0, 1.0, 1.0, model_id="gpt-4o").reasoning
    for name in ["gpt-4o", "o1-pro-ish", "DeepSeek-V3", "o10"]:
        assert not is_reasoning_model(name), name


# --- Epoch AI's study, reproduced from its own data ---------------------------------------
#
# Published results: epoch-research/llm-benchmark-efficiency, commit 2fdd9a8ca969,
# results/default/lowest_price_models_above_previous_frontier/lowest_price_models_results.csv
# (bench, threshold score, sample_size, start, end, factor per year, 90% CI). Our threshold
# names are the dataset's ("GPT-3 175B (davinci)"; the study renamed it "GPT-3").
# bench (ELO = "LMSys Chatbot Arena ELO"), threshold, n, start, end, factor, ci90 low, high
_PUBLISHED_CSV = """
MMLU,43.9,9,2021-11-20,2024-10-03,11.772872667426151,8.287354506876559,16.724339561970456
MMLU,64.8,7,2022-11-30,2024-10-03,15.830914761762989,8.054664913158714,31.114623003717604
MMLU,68.0,6,2023-03-06,2024-10-03,9.34724894739857,4.800970684806941,18.19862453256306
MMLU,86.0,5,2023-03-14,2025-02-05,15.85676156770196,4.085681392676409,61.54099237048954
MMLU,87.0,5,2023-11-06,2025-02-05,35.791221662400446,5.026995585266262,254.8264716686105
GPQA Diamond,33.0,6,2023-03-14,2024-12-13,42.0189988368494,4.398155473320801,401.44016598804956
GPQA Diamond,50.0,6,2023-11-06,2024-12-13,46.246021561114674,3.7864365251220664,564.8304140426959
GPQA Diamond,53.0,4,2024-05-13,2024-12-13,851.1622038749446,6.1767855524077975,117290.31081916738
GPQA Diamond,56.0,4,2024-06-20,2025-02-05,251.15711308883266,41.56132345563141,1517.7547346984131
MATH-500,44.0,6,2023-06-13,2024-10-03,18.02982343875724,11.243954711671815,28.911049676793496
MATH-500,74.0,6,2023-11-06,2024-12-13,172.26182003815543,13.730106795262005,2161.24572702507
MATH-500,79.0,4,2024-05-13,2024-12-13,689.0799024380077,0.1197002513598262,3966834.7104518856
MATH 5,23.0,5,2023-06-13,2024-12-13,72.63549281313398,6.039079050021591,873.6290372267898
MATH 5,36.0,6,2023-11-06,2024-12-13,159.5525791437889,12.339533392052168,2063.046040933102
MATH 5,48.0,4,2024-05-13,2024-12-13,689.0799024380077,0.1197002513598262,3966834.7104518856
HumanEval,67.0,7,2023-03-14,2024-07-23,36.822471772292936,14.34122572881695,94.5452259841922
HumanEval,71.0,6,2023-06-13,2024-12-13,9.240250279099344,4.832723864099762,17.66751579883625
ELO,1106.0,7,2023-03-06,2024-10-03,9.605140145319366,5.258629304647338,17.544251907943323
ELO,1186.0,6,2023-03-14,2024-10-03,75.31861757587912,7.555868410004079,750.7931379575824
ELO,1256.0,5,2023-11-06,2024-09-24,245.5140536105096,4.233635773082607,14237.679798414734
ELO,1285.0,5,2024-05-13,2025-02-05,176.96047076161705,39.13465053498507,800.1862233106846
"""
PUBLISHED = [
    (
        "LMSys Chatbot Arena ELO" if bench == "ELO" else bench,
        float(score),
        int(n),
        start,
        end,
        float(factor),
        float(low),
        float(high),
    )
    for bench, score, n, start, end, factor, low, high in (
        line.split(",") for line in _PUBLISHED_CSV.strip().splitlines()
    )
]
BENCHMARKS = ["MMLU", "GPQA Diamond", "MATH-500", "MATH 5", "HumanEval", "LMSys Chatbot Arena ELO"]
EPOCH_TABLES = ["aa_data_with_math5.csv", "epoch_ai_price_data_not_in_aa_with_benchmarks.csv"]
# Float tolerance, not a fudge: the same OLS in another summation order (statsmodels' QR vs
# our fsum) agrees to ~1e-11 relative; 1e-9 leaves room for that and nothing else. A single
# missing or extra frontier point moves a factor by several percent.
REL = 1e-9


def read_epoch_listings(folder: Path) -> dict[str, list[Listing]]:
    """Every priced row of Epoch's two model tables, per benchmark it has a score on."""
    listings: dict[str, list[Listing]] = {name: [] for name in BENCHMARKS}
    for table in EPOCH_TABLES:
        with (folder / table).open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if not row["USD per 1M Tokens"]:
                    continue
                when = date.fromisoformat(row["Release Date"].strip())
                for name in BENCHMARKS:
                    if row[name]:
                        listings[name].append(
                            Listing(
                                row["Model Name"],
                                when,
                                float(row["USD per 1M Tokens"]),
                                float(row[name]),
                            )
                        )
    return listings


@pytest.fixture(scope="module")
def epoch_rates(shared_data):
    listings = read_epoch_listings(shared_data / "llm" / "epoch_llm_benchmark_efficiency")
    return {(r.benchmark, r.threshold_score): r for r in frontier_rates(listings)}


def test_epoch_study_reproduced_row_for_row(epoch_rates):
    assert sorted(epoch_rates) == sorted((row[0], row[1]) for row in PUBLISHED)
    for bench, score, n, start, end, factor, low, high in PUBLISHED:
        rate = epoch_rates[(bench, score)]
        assert (rate.n_points, rate.start_date.isoformat(), rate.end_date.isoformat()) == (
            n,
            start,
            end,
        ), (bench, score)
        assert rate.factor_per_year == pytest.approx(factor, rel=REL), (bench, score)
        assert rate.ci90_low == pytest.approx(low, rel=REL), (bench, score)
        assert rate.ci90_high == pytest.approx(high, rel=REL), (bench, score)


def test_epoch_headline_figures(epoch_rates):
    # "the price to achieve GPT-4's performance on PhD-level science questions fell by 40x
    # per year"; the range across milestones "from 9x to 900x per year".
    gpt4_gpqa = epoch_rates[("GPQA Diamond", 33.0)]
    assert gpt4_gpqa.threshold_model == "GPT-4-0314"
    assert round(gpt4_gpqa.factor_per_year) == 42
    assert [p.model for p in gpt4_gpqa.points] == [
        "GPT-4-0314",
        "GPT-4 Turbo",
        "Mistral-Large-2024-02",
        "Claude-3-Haiku",
        "Gemini-1.5-Flash-2024-05",
        "Phi 4",
    ]
    factors = [r.factor_per_year for r in epoch_rates.values()]
    assert 9 < min(factors) < 9.3 and 850 < max(factors) < 852
    mmlu_gpt3 = epoch_rates[("MMLU", 43.9)]
    assert mmlu_gpt3.threshold_model == "GPT-3 175B (davinci)"
    assert [(p.day.isoformat(), p.price) for p in mmlu_gpt3.points[:2]] == [
        ("2021-11-20", 60.0),
        ("2022-09-01", 20.0),  # GPT-3's price cut is its own point
    ]


def test_epoch_with_reasoning_models_changes_the_gpqa_frontier(shared_data):
    listings = read_epoch_listings(shared_data / "llm" / "epoch_llm_benchmark_efficiency")
    with_reasoning = {
        (r.benchmark, r.threshold_model) for r in frontier_rates(listings, include_reasoning=True)
    }
    without = {(r.benchmark, r.threshold_model) for r in frontier_rates(listings)}
    assert with_reasoning != without


# --- From the warehouse --------------------------------------------------------------------


def test_scores_by_listing_name_first_then_model_as_of_the_date():
    from warehouse.indices.data import ScoreBook

    book = ScoreBook(
        [
            ("gpt-4o", "GPT-4o-2024-05", "gpqa_diamond", 53.0, date(2024, 5, 13)),
            ("gpt-4o", "GPT-4o-2024-08", "gpqa_diamond", 52.0, date(2024, 8, 6)),
            ("gpt-4o", "GPT-4o-2024-11", "gpqa_diamond", 54.0, date(2024, 11, 20)),
            ("gpt-4o", "GPT-4o-2024-11", "mmlu", 86.0, date(2024, 11, 20)),
            ("gpt-3", "GPT-3", "mmlu", 43.9, date(2021, 11, 20)),
            ("gpt-3", "GPT-3", "mmlu", 63.1, date(2024, 1, 4)),
            ("x", "X", "mmlu", 70.0, None),
        ]
    )
    # The listing's own name wins over its model's other snapshots.
    assert book.score("gpqa_diamond", "GPT-4o-2024-05", "gpt-4o", date(2025, 1, 1)) == 53.0
    # A scored name that was not evaluated on a benchmark has no score there, even though
    # another snapshot of its model has one.
    assert book.score("mmlu", "GPT-4o-2024-05", "gpt-4o", date(2025, 1, 1)) is None
    # Another listing of the model: the model's score in force on the date.
    assert book.score("gpqa_diamond", "openai/gpt-4o", "gpt-4o", date(2024, 9, 1)) == 52.0
    assert book.score("gpqa_diamond", "openai/gpt-4o", "gpt-4o", date(2024, 12, 1)) == 54.0
    # Before any score: none (a score counts from its date, never backwards).
    assert book.score("gpqa_diamond", "openai/gpt-4o", "gpt-4o", date(2024, 1, 1)) is None
    assert book.score("mmlu", "GPT-3", "gpt-3", date(2022, 9, 1)) == 43.9
    assert book.score("mmlu", "GPT-3", "gpt-3", date(2024, 1, 4)) == 63.1
    assert book.score("mmlu", "X", None, date(2020, 1, 1)) == 70.0  # undated: always
    assert book.score("mmlu", "unknown", None, date(2024, 1, 1)) is None


def _frontier_warehouse(path):
    from schemas.enums import Component as C
    from tests.index_utils import dated, load
    from warehouse.connection import connect

    con = connect(path)
    seen = "2025-03-13"
    load(
        con,
        "r1",
        [
            dated("ds", "epoch", "Big", C.BLENDED, "100", "2021-01-01", seen),
            # A price cut, listed as a new snapshot: an exact 10x step within one series is
            # quarantined as a unit slip (docs/input-hygiene.md).
            dated("ds", "epoch", "Big 2022", C.BLENDED, "10", "2022-01-01", seen),
            dated("ds", "epoch", "Mid", C.BLENDED, "1", "2023-01-01", seen),
            dated("ds", "epoch", "Small", C.INPUT, "0.1", "2024-01-01", seen),
            dated("ds", "epoch", "Small", C.OUTPUT, "0.1", "2024-01-01", seen),
            dated("ds", "epoch", "o1-mini", C.BLENDED, "0.001", "2024-06-01", seen),
            dated("other", "cheapco", "Big", C.BLENDED, "1", "2021-06-01", seen),
        ],
    )
    for name, score, day in [
        ("Big", 40, "2021-01-01"),
        ("Big 2022", 40, "2022-01-01"),
        ("Mid", 41, "2023-01-01"),
        ("Small", 45, "2024-01-01"),
        ("o1-mini", 90, "2024-06-01"),
    ]:
        con.execute(
            "INSERT INTO benchmarks VALUES (NULL, ?, 'gpqa_diamond', ?, 'ds', ?, now())",
            [name, score, day],
        )
    con.close()


def test_cli_frontier_from_the_warehouse_of_one_source(tmp_path, capsys):
    from flows.cli import main
    from warehouse.connection import connect

    db = tmp_path / "w.duckdb"
    _frontier_warehouse(db)
    assert main(["--db", str(db), "rates", "frontier", "--source", "ds", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "benchmark,threshold_model,threshold_score,n_points,start_date,end_date,"
        "factor_per_year,ci90_low,ci90_high,r_squared"
    )
    # Big $100 → Big 2022 $10 → Mid $1 → Small 0.75 × 0.1 + 0.25 × 0.1 = $0.1, a year apart
    # each (365 days): exactly 10× a year, r² = 1. The cheaper listing of source "other" and
    # the reasoning model o1-mini are not in it; Mid's and Small's thresholds have < 4 points.
    assert len(lines) == 2
    fields = lines[1].split(",")
    assert fields[:6] == ["gpqa_diamond", "Big", "40.0", "4", "2021-01-01", "2024-01-01"]
    assert [round(float(v), 9) for v in fields[6:]] == [10.0, 10.0, 10.0, 1.0]
    assert main(["--db", str(db), "rates", "frontier", "--source", "ds", "--include-reasoning",
                 "--format", "json"]) == 0  # fmt: skip
    assert '"n_points": 5' in capsys.readouterr().out  # o1-mini's $0.001 joins the frontier
    con = connect(db)
    stored = con.execute(
        "SELECT source, include_reasoning, benchmark, n_points FROM decline_rates ORDER BY 2"
    ).fetchall()
    con.close()
    assert stored == [("ds", False, "gpqa_diamond", 4), ("ds", True, "gpqa_diamond", 5)]
    assert main(["--db", str(db), "rates", "frontier", "--source", "nope"]) == 2


BENCHMARK_NAMES = {
    "mmlu": "MMLU",
    "gpqa_diamond": "GPQA Diamond",
    "math_500": "MATH-500",
    "math_level_5": "MATH 5",
    "humaneval": "HumanEval",
    "chatbot_arena_elo": "LMSys Chatbot Arena ELO",
}


def test_epoch_study_through_importer_warehouse_and_cli(tmp_path, shared_data, capsys):
    """The done-when check without Prefect: the backfill importer's parse and benchmark reader,
    the real loader and identity refresh, then `deflator rates frontier --source …`."""
    from datetime import UTC, datetime

    from flows.cli import main
    from schemas.models import ModelCatalog
    from schemas.observation import FetchedPage
    from scrapers.backfill.epoch_benchmark_tables import DATASET
    from warehouse.connection import connect
    from warehouse.load import FetchRecord, SourceOutcome, load_run
    from warehouse.models import load_identity

    pages = [
        FetchedPage(
            source=DATASET.name,
            url=r.url,
            status=200,
            headers={"content-type": r.content_type},
            body=(shared_data / r.path).read_bytes(),
            fetched_at=r.captured_at,
            replayed=True,
        )
        for r in DATASET.source.recordings
    ]
    observations = [o for p in pages for o in DATASET.source.parse(p).observations]
    scores = [s for p in pages for s in DATASET.benchmarks(p)]
    db = tmp_path / "w.duckdb"
    con = connect(db)
    outcome = SourceOutcome(
        source=DATASET.name,
        leg="llm",
        status="ok",
        fetches=[FetchRecord.of(p) for p in pages],
        observations=observations,
    )
    load_run(con, "backfill-test", "backfill", datetime.now(UTC), [outcome])
    load_identity(con, ModelCatalog.load(), scores, [])
    con.close()
    argv = ["--db", str(db), "rates", "frontier", "--source", DATASET.name, "--format", "csv"]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("benchmark,threshold_model,threshold_score,n_points,")
    measured = {}
    for line in lines[1:]:
        bench, _model, score, n, start, end, factor, low, high, _r2 = line.split(",")
        measured[(BENCHMARK_NAMES[bench], float(score))] = (
            int(n), start, end, float(factor), float(low), float(high)
        )  # fmt: skip
    assert len(measured) == len(PUBLISHED) == 21
    for bench, score, n, start, end, factor, low, high in PUBLISHED:
        got = measured[(bench, score)]
        assert got[:3] == (n, start, end), (bench, score)
        assert got[3:] == (
            pytest.approx(factor, rel=REL),
            pytest.approx(low, rel=REL),
            pytest.approx(high, rel=REL),
        ), (bench, score)
