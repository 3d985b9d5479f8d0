"""The cost model P = C + E + D: the seed example exactly, energy, tokens, projections."""

from __future__ import annotations

from decimal import Decimal

import pytest

from flows.cli import main
from tests.conftest import PROJECT_ROOT
from warehouse.connection import connect
from warehouse.cost.model import LegCost, Rate, dollars, project
from warehouse.cost.pricing import PricingError, Quote, TokenQuote, price_workload
from warehouse.cost.workload import WorkloadError, load_workload, parse_workload

EXAMPLES = PROJECT_ROOT / "examples"


class Book:
    """A price book that knows only what a test gives it."""

    def __init__(self, rates=None, board_kw=None, gpu=None, kwh=None, tokens=None):
        self.rates = rates or {}
        self.board_kw = board_kw
        self.gpu = gpu
        self.kwh_quote = kwh
        self.tokens = tokens
        self.asked: list[str] = []

    def gpu_hour(self, accelerator, provider):
        self.asked.append(f"gpu {accelerator} {provider}")
        if self.gpu is None:
            raise PricingError("no gpu price")
        return self.gpu

    def board_power_kw(self, accelerator):
        return self.board_kw

    def kwh(self, sector):
        self.asked.append(f"kwh {sector}")
        if self.kwh_quote is None:
            raise PricingError("no kwh price")
        return self.kwh_quote

    def storage(self, provider, tier):
        raise PricingError("no storage price")

    def egress(self, provider, tier):
        raise PricingError("no egress price")

    def llm_model(self, model, source):
        return self.tokens

    def llm_threshold(self, leg):
        return self.tokens

    def rate(self, leg, key):
        return self.rates.get(leg)


def test_seed_example_is_exact():
    # The origin document: 100 compute-hours at $0.10, 100 hours of energy at $0.05, 1 GB of
    # data at $0.25 → C = $10.00, E = $5.00, D = $0.25. It states P = $12.50, but its own legs
    # add up to $15.25: deflator keeps P = C + E + D and prints $15.25 (see the README).
    workload = load_workload(EXAMPLES / "seed_example.toml")
    legs = price_workload(workload, Book())
    assert [(leg.leg, leg.cost) for leg in legs] == [
        ("C", Decimal("10.00")),
        ("E", Decimal("5.00")),
        ("D", Decimal("0.25")),
    ]
    rows = project(legs)
    today = {r.leg: r.cost for r in rows if r.horizon_months == 0}
    assert today["P"] == today["C"] + today["E"] + today["D"] == Decimal("15.25")
    assert [dollars(today[leg]) for leg in "CEDP"] == ["$10.00", "$5.00", "$0.25", "$15.25"]
    # No rate for any leg: every horizon holds the cost, with a zero-width band.
    assert {(r.cost, r.low, r.high) for r in rows if r.leg == "P"} == {
        (Decimal("15.25"), Decimal("15.25"), Decimal("15.25"))
    }


def test_projection_by_hand():
    # C halves every year (band 1.5×..3×), E and D held constant.
    legs = [
        LegCost("C", "compute", "", Decimal("10"), "given", Rate(2.0, 1.5, 3.0, "test")),
        LegCost("E", "energy", "", Decimal("5"), "given"),
        LegCost("D", "data", "", Decimal("0.25"), "given"),
    ]
    rows = {(r.horizon_months, r.leg): r for r in project(legs)}
    assert rows[(12, "C")].cost == Decimal("5")
    assert rows[(24, "C")].cost == Decimal("2.5")
    assert rows[(12, "P")].cost == Decimal("10.25")
    assert rows[(12, "C")].low == pytest.approx(Decimal(10) / 3, abs=Decimal("1e-12"))
    assert rows[(12, "C")].high == pytest.approx(Decimal(10) / Decimal("1.5"), abs=Decimal("1e-12"))
    # 6 months at 2×/yr: 10 / sqrt(2) = 7.0710678…
    assert rows[(6, "C")].cost == pytest.approx(Decimal("7.071067811865"), abs=Decimal("1e-12"))
    assert rows[(12, "E")].cost == Decimal("5") and rows[(12, "E")].factor_per_year is None
    assert rows[(0, "P")].cost == Decimal("15.25")
    # No backtest calibration (a rate given in the workload): nothing to correct.
    assert all(r.rate_only == r.cost for r in rows.values())


def test_rates_given_in_the_workload_override_the_book():
    text = (EXAMPLES / "seed_example.toml").read_text() + (
        "decline_per_year = 2\ndecline_ci90 = [1.5, 3]\n"
    )
    legs = price_workload(parse_workload(text), Book(rates={"data": Rate(9, 9, 9, "book")}))
    assert legs[2].rate == Rate(2.0, 1.5, 3.0, "given in the workload")
    assert legs[0].rate is None


def test_energy_from_board_power_and_prices_from_the_book():
    workload = parse_workload(
        """
        name = "eight H100"
        [compute]
        accelerator = "H100-SXM-80GB"
        gpus = 8
        hours = 10
        [energy]
        pue = 1.2
        sector = "commercial"
        """
    )
    book = Book(
        board_kw=Decimal("0.7"),
        gpu=Quote(Decimal("2.5"), "median of 3"),
        kwh=Quote(Decimal("0.1283"), "eia"),
        rates={"compute": Rate(1.5, 1.2, 2.0, "gpu index")},
    )
    compute, energy, data = price_workload(workload, book)
    assert compute.cost == Decimal("200.0")  # 8 × 10 GPU-hours × $2.50
    assert compute.rate.basis == "gpu index"
    # 8 × 0.7 kW × 10 h × PUE 1.2 = 67.2 kWh, × $0.1283 = $8.62176
    assert energy.cost == Decimal("8.62176")
    assert "67.2 kWh" in energy.detail
    assert data.cost == 0
    assert book.asked == ["gpu H100-SXM-80GB None", "kwh commercial"]


def test_llm_tokens():
    workload = parse_workload(
        """
        kind = "llm"
        [llm]
        input_tokens_per_month = 2_000_000_000
        output_tokens_per_month = 400_000_000
        months = 3
        model = "gpt-4o-mini"
        """
    )
    quote = TokenQuote("gpt-4o-mini", Decimal("0.15"), Decimal("0.60"), "openai page")
    c, e, d = price_workload(workload, Book(tokens=quote))
    # 6000M × $0.15 + 1200M × $0.60 = $900 + $720
    assert c.cost == Decimal("1620")
    assert (e.cost, d.cost) == (0, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind = 'gpu'", "kind must be"),
        ("[compute]\nprice_per_hour = 1", "hours is required"),
        ("[compute]\nhours = 1", "give price_per_hour, or an accelerator"),
        ("[compute]\nhours = -1\nprice_per_hour = 1", "must not be negative"),
        ("[compute]\nhours = 'ten'\nprice_per_hour = 1", "expected a number"),
        ("[compute]\nhours = 1\nprice_per_hour = 1\nspeed = 2", "unknown key"),
        ("[energy]\nkwh = 1\npower_kw = 2", "not both"),
        ("[energy]\nkwh = 1\ndecline_ci90 = [1, 2]", "needs decline_per_year"),
        ("[energy]\nkwh = 1\ndecline_per_year = 2\ndecline_ci90 = [3, 4]", "low ≤ factor"),
        ("kind = 'llm'\n[llm]\nmodel = 'x'\nbenchmark = 'mmlu'\nmin_score = 1", "either model"),
        ("kind = 'llm'\n[llm]\nbenchmark = 'mmlu'", "needs min_score"),
        ("name = 'x'", r"needs \[compute\]"),
        ("[compute\n", "not valid TOML"),
    ],
)
def test_bad_workloads_say_why(text, message):
    with pytest.raises(WorkloadError, match=message):
        parse_workload(text)


def test_energy_without_a_way_to_know_kwh_is_a_pricing_error():
    workload = parse_workload("[energy]\nprice_per_kwh = 0.1\nhours = 5")
    with pytest.raises(PricingError, match="power_kw"):
        price_workload(workload, Book())


def test_cli_prices_the_seed_example_and_stores_it(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert main(["--db", str(db), "cost", str(EXAMPLES / "seed_example.toml")]) == 0
    out = capsys.readouterr().out
    legs = {line.split()[0]: line.split()[2] for line in out.splitlines()[2:8:2]}
    assert legs == {"C": "$10.00", "E": "$5.00", "D": "$0.25"}
    assert "P = C + E + D       $15.25" in out
    con = connect(db)
    rows = con.execute(
        "SELECT horizon_months, leg, cost FROM cost_projections ORDER BY horizon_months, leg"
    ).fetchall()
    con.close()
    assert (0, "P", Decimal("15.25")) in rows
    assert len(rows) == 16  # 4 horizons × C, E, D, P
    # Rerunning replaces the workload's rows instead of adding to them.
    assert main(["--db", str(db), "cost", str(EXAMPLES / "seed_example.toml")]) == 0
    con = connect(db)
    assert con.execute("SELECT count(*) FROM cost_projections").fetchone()[0] == 16
    con.close()


def test_cli_reports_bad_files(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[compute]\nhours = 1\n")
    assert main(["--db", str(tmp_path / "w.duckdb"), "cost", str(bad)]) == 2
    assert "give price_per_hour" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "w.duckdb"), "cost", str(tmp_path / "none.toml")]) == 2


# --- Prices and rates from the warehouse ---------------------------------------------------


@pytest.fixture
def priced(tmp_path):
    from schemas.enums import Component as C
    from tests.index_utils import dated, load

    con = connect(tmp_path / "w.duckdb")
    h100 = "H100-SXM-80GB"
    seen = "2026-09-29"
    load(
        con,
        "r1",
        [
            # AWS lists one machine in three regions: it must count once, as its median.
            dated("aws_ec2", "aws", "p5.48xlarge", C.INSTANCE_HOUR, "55.04", seen, seen,
                  region="us-east-1", accelerator=h100, count=8),
            dated("aws_ec2", "aws", "p5.48xlarge", C.INSTANCE_HOUR, "60", seen, seen,
                  region="eu-west-1", accelerator=h100, count=8),
            dated("aws_ec2", "aws", "p5.48xlarge", C.INSTANCE_HOUR, "72", seen, seen,
                  region="ap-south-1", accelerator=h100, count=8),
            dated("lambda_pricing", "lambda", "h100", C.GPU_HOUR, "2.99", seen, seen,
                  accelerator=h100),
            dated("runpod", "runpod", "h100", C.GPU_HOUR, "2.39", seen, seen, accelerator=h100),
            dated("runpod", "runpod", "h100", C.GPU_HOUR, "0.99", seen, seen, accelerator=h100,
                  tier="spot"),
            dated("eia", "eia", "retail", C.KWH, "0.0801", "2024-09-01", seen,
                  tier="industrial", region="US"),
            dated("eia", "eia", "retail", C.KWH, "0.0806", "2024-10-01", seen,
                  tier="industrial", region="US"),
            dated("st", "aws", "s3", C.GB_MONTH, "0.023", "2016-12-01", seen,
                  tier="standard:first-tier"),
            dated("st", "gcp", "gcs", C.GB_MONTH, "0.026", "2016-12-01", seen,
                  tier="standard"),
            dated("st", "gcp", "gcs", C.GB_MONTH, "0.010", "2016-12-01", seen,
                  tier="nearline"),
            dated("st", "aws", "out", C.EGRESS_GB, "0.09", "2016-12-01", seen,
                  tier="first-10tb"),
            # Datasets never close a price: the 2006/2007 launch prices stay "in force" in the
            # history, but each provider counts with its newest price only.
            dated("st", "aws", "s3-launch", C.GB_MONTH, "0.15", "2006-03-14", seen,
                  tier="standard"),
            dated("st", "aws", "s3-out-2007", C.EGRESS_GB, "0.18", "2007-06-01", seen,
                  tier="first-10tb"),
        ],
    )  # fmt: skip
    yield con
    con.close()


def test_warehouse_prices_in_force(priced):
    from warehouse.cost.book import WarehousePriceBook

    book = WarehousePriceBook(priced)
    quote = book.gpu_hour("H100-SXM-80GB", None)
    # Per provider: aws median(6.88, 7.50, 9.00) = 7.50, lambda 2.99, runpod 2.39 (spot is not
    # on-demand): the median of the three providers is $2.99.
    assert quote.price == Decimal("2.99")
    assert "3 providers" in quote.basis and "5 listings" in quote.basis
    assert book.gpu_hour("H100-SXM-80GB", "aws").price == Decimal("7.5")
    with pytest.raises(PricingError, match="no on-demand B200 price"):
        book.gpu_hour("B200", None)
    assert book.board_power_kw("H100-SXM-80GB") == Decimal("0.7")
    assert book.board_power_kw("nothing") is None
    kwh = book.kwh("industrial")
    assert kwh.price == Decimal("0.0806") and "2024-10" in kwh.basis
    with pytest.raises(PricingError, match="no US residential electricity price"):
        book.kwh("residential")
    # Standard class by default, each provider's newest: median(aws 0.023, gcp 0.026).
    assert book.storage(None, None).price == Decimal("0.0245")
    assert book.storage(None, "nearline").price == Decimal("0.01")
    assert book.storage("aws", None).price == Decimal("0.023")
    assert book.egress(None, None).price == Decimal("0.09")


def test_warehouse_rates_prefer_the_narrowest_index_with_enough_months(tmp_path):
    from schemas.enums import Component as C
    from tests.index_utils import dated, load
    from warehouse.cost.book import WarehousePriceBook

    con = connect(tmp_path / "w.duckdb")
    months = [f"{2023 + (m // 12)}-{m % 12 + 1:02d}-01" for m in range(30)]
    prices = []
    for m, month in enumerate(months):
        # The family index of H100 (bare published names) halves a year: 2^(-m/12), five
        # sellers (the coverage rule publishes months with at least 5 items).
        for seller in ("lambda", "runpod", "vast", "crusoe", "denvr"):
            prices.append(dated("hist", seller, "H100", C.GPU_HOUR,
                                f"{4 * 0.5 ** (m / 12):.6f}", month, months[-1],
                                model="H100"))  # fmt: skip
    # The catalog part only in the last 6 months: too short, the family index is used.
    for m, month in list(enumerate(months))[-6:]:
        prices.append(dated("api", "aws", "p5", C.INSTANCE_HOUR, f"{80 * 0.5 ** (m / 12):.6f}",
                            month, months[-1], accelerator="H100-SXM-80GB", count=8))  # fmt: skip
    load(con, "r1", prices)
    rate = WarehousePriceBook(con).rate("compute", "H100-SXM-80GB")
    con.close()
    # Halving per 12 calendar months, fitted on days / 365: 2× a year to within 1%.
    assert rate.factor_per_year == pytest.approx(2.0, rel=1e-2)
    assert "family:H100" in rate.basis


def _llm_catalog(con):
    con.execute(
        "INSERT INTO models (model_id, developer, family, open_weights) VALUES "
        "('gpt-4o-mini', 'openai', 'gpt-4o', false), ('llama-3.1-8b', 'meta', 'llama', true), "
        "('o1-mini', 'openai', 'o1', false)"
    )
    con.execute(
        "INSERT INTO model_aliases VALUES "
        "('openai', 'gpt-4o-mini', 'gpt-4o-mini', 'model id', false, 'test'), "
        "('deepinfra', 'meta-llama/Llama-3.1-8B', 'llama-3.1-8b', 'alias', false, 'test'), "
        "('openai', 'o1-mini', 'o1-mini', 'model id', false, 'test')"
    )
    con.execute("INSERT INTO providers VALUES ('openai', 'openai'), ('deepinfra', 'deepinfra')")
    for model, score in [("gpt-4o-mini", 43), ("llama-3.1-8b", 27), ("o1-mini", 60)]:
        con.execute(
            "INSERT INTO benchmarks VALUES (?, ?, 'gpqa_diamond', ?, 'test', NULL, now())",
            [model, model, score],
        )


def test_llm_quotes_named_and_by_threshold(tmp_path):
    from schemas.enums import Component as C
    from tests.index_utils import dated, load
    from warehouse.cost.book import WarehousePriceBook

    con = connect(tmp_path / "w.duckdb")
    seen = "2026-08-18"
    load(
        con,
        "r1",
        [
            dated("openai_pricing", "openai", "gpt-4o-mini", C.INPUT, "0.15", seen, seen),
            dated("openai_pricing", "openai", "gpt-4o-mini", C.OUTPUT, "0.60", seen, seen),
            dated("openai_pricing", "openai", "o1-mini", C.INPUT, "1.10", seen, seen),
            dated("openai_pricing", "openai", "o1-mini", C.OUTPUT, "4.40", seen, seen),
            dated("openrouter", "deepinfra", "meta-llama/Llama-3.1-8B", C.INPUT, "0.02", seen,
                  seen),
            dated("openrouter", "deepinfra", "meta-llama/Llama-3.1-8B", C.OUTPUT, "0.05", seen,
                  seen),
        ],
    )  # fmt: skip
    _llm_catalog(con)
    book = WarehousePriceBook(con)
    named = book.llm_model("gpt-4o-mini", None)
    assert (named.model, named.input_price, named.output_price) == (
        "gpt-4o-mini",
        Decimal("0.15"),
        Decimal("0.6"),
    )
    assert "openai_pricing" in named.basis
    assert book.llm_model("meta-llama/Llama-3.1-8B", None).model == "llama-3.1-8b"
    with pytest.raises(PricingError, match="not in the catalog"):
        book.llm_model("gpt-9", None)
    leg = parse_workload(
        "kind = 'llm'\n[llm]\ninput_tokens_per_month = 1_000_000\n"
        "benchmark = 'GPQA Diamond'\nmin_score = 40\n"
    ).llm
    # Llama is cheaper but scores 27; o1-mini scores 60 but is a reasoning model.
    assert book.llm_threshold(leg).model == "gpt-4o-mini"
    with_reasoning = parse_workload(
        "kind = 'llm'\n[llm]\ninput_tokens_per_month = 1_000_000\n"
        "benchmark = 'gpqa_diamond'\nmin_score = 50\ninclude_reasoning = true\n"
    ).llm
    assert book.llm_threshold(with_reasoning).model == "o1-mini"
    con.close()
