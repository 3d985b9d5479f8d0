"""Workload files read through pydantic models (issue 16): a bad value is one line naming the
field, what it got and what it expects; `deflator cost` exits 2 and stores nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from flows.cli import main
from warehouse.cost.workload import RateOverride, WorkloadError, load_workload, parse_workload

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
LLM = "kind = 'llm'\n[llm]\nmodel = 'gpt-4o-mini'\n"
COMPUTE = "[compute]\nhours = 100\nprice_per_hour = 0.10\n"


def test_include_reasoning_no_is_refused_not_read_as_true():
    # Before: bool("no") is True, so this workload silently allowed reasoning models.
    with pytest.raises(WorkloadError) as raised:
        parse_workload(LLM + "include_reasoning = 'no'\n")
    assert str(raised.value) == "[llm] include_reasoning: got 'no', expected true or false"
    assert parse_workload(LLM + "include_reasoning = false\n").llm.include_reasoning is False
    assert parse_workload(LLM + "include_reasoning = true\n").llm.include_reasoning is True


def test_a_band_that_is_not_numbers_names_the_field():
    # Before: a raw decimal.InvalidOperation from Decimal("abc").
    text = COMPUTE + "decline_per_year = 2\ndecline_ci90 = ['abc', 3]\n"
    with pytest.raises(WorkloadError) as raised:
        parse_workload(text)
    assert str(raised.value) == "[compute] decline_ci90[0]: got 'abc', expected a number"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            COMPUTE + "decline_per_year = 2\ndecline_ci90 = [1.5]\n",
            "[compute] decline_ci90: got [1.5], expected a list [low, high] of two numbers",
        ),
        (
            "[compute]\nhours = nan\nprice_per_hour = 1\n",
            "[compute] hours: got NaN, expected a finite number",
        ),
        (
            "[compute]\nhours = inf\nprice_per_hour = 1\n",
            "[compute] hours: got Infinity, expected a finite number",
        ),
        (
            "[compute]\nhours = true\nprice_per_hour = 1\n",
            "[compute] hours: got True, expected a number",
        ),
        ("[energy]\nkwh = 1\nsector = 5\n", "[energy] sector: got 5, expected a string"),
        ("name = 3\n[data]\ngb_stored = 1\n", "[top level] name: got 3, expected a string"),
        ("compute = 3\n", "[top level] compute: got 3, expected a table"),
        ("bogus = 1\n[data]\n", "[top level] bogus: unknown key"),
        (LLM + "[compute]\nhours = 1\n", "[compute] is not allowed in a 'llm' workload"),
    ],
)
def test_every_bad_field_is_one_line(text, message):
    with pytest.raises(WorkloadError) as raised:
        parse_workload(text)
    assert str(raised.value) == message


def test_a_good_file_reads_exact_decimals_and_its_rate_override():
    workload = parse_workload(
        "[compute]\nhours = 720\ngpus = 8\nprice_per_hour = 2.50\n"
        "decline_per_year = 2\ndecline_ci90 = [1.5, 3]\n"
    )
    assert workload.compute.gpu_hours == Decimal("5760")
    assert workload.compute.price_per_hour == Decimal("2.50")
    assert workload.compute.rate == RateOverride(2.0, 1.5, 3.0)
    assert workload.energy is None and workload.name == "<string>"


def test_the_examples_still_read():
    seed = load_workload(EXAMPLES / "seed_example.toml")
    assert (seed.compute.hours, seed.compute.price_per_hour) == (Decimal(100), Decimal("0.10"))
    assert (seed.energy.power_kw, seed.energy.price_per_kwh) == (Decimal(1), Decimal("0.05"))
    assert seed.data.price_per_gb_month == Decimal("0.25")
    h100 = load_workload(EXAMPLES / "h100_training.toml")
    assert (h100.compute.accelerator, h100.compute.gpus) == ("H100-SXM-80GB", Decimal(64))
    assert h100.energy.pue == Decimal("1.2") and h100.energy.sector == "industrial"
    llm = load_workload(EXAMPLES / "llm_assistant.toml")
    assert (llm.llm.benchmark, llm.llm.min_score) == ("gpqa_diamond", Decimal(50))
    assert llm.llm.include_reasoning is False


def test_deflator_cost_exits_2_with_the_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(LLM + "include_reasoning = 'no'\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    assert main(["--db", str(db), "cost", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "[llm] include_reasoning: got 'no', expected true or false" in err
    assert "Traceback" not in err and not db.exists()  # refused before the warehouse opens
