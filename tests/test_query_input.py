"""`deflator query` reads SQL from an argument, a file or stdin; the example queries of the
docs' Query page (and the README's tour) are the files in examples/queries/ and answer their
questions on the recorded data."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest

from flows.cli import main
from tests.conftest import PROJECT_ROOT
from tests.warehouse_utils import at, obs, outcome
from warehouse.connection import connect
from warehouse.load import load_run

EXAMPLES = PROJECT_ROOT / "examples" / "queries"
QUERY_PAGE = (PROJECT_ROOT / "docs" / "query.md").read_text(encoding="utf-8")


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    load_run(
        con,
        "run1",
        "offline",
        at(1),
        [outcome([obs("a", "2.5", at(1)), obs("b", "0.000001", at(1))], at(1))],
    )
    con.close()
    return path


def run(db, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), "query", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


SQL = "-- the prices\nselect sku, price from price_history\norder by sku;\n"
EXPECTED = "sku,price\na,2.5\nb,0.000001\n"


def test_sql_from_the_argument(db, capsys):
    assert run(db, capsys, SQL, "--format", "csv")[:2] == (0, EXPECTED)


def test_sql_from_a_file(db, tmp_path, capsys):
    path = tmp_path / "prices.sql"
    path.write_text(SQL, encoding="utf-8")
    assert run(db, capsys, "--file", str(path), "--format", "csv")[:2] == (0, EXPECTED)
    assert run(db, capsys, "-f", str(path), "--format", "csv")[:2] == (0, EXPECTED)
    assert run(db, capsys, f"@{path}", "--format", "csv")[:2] == (0, EXPECTED)


def test_sql_from_stdin(db, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(SQL))
    assert run(db, capsys, "-", "--format", "csv")[:2] == (0, EXPECTED)


def test_input_mistakes_are_usage_errors(db, tmp_path, capsys, monkeypatch):
    code, _, err = run(db, capsys)
    assert code == 2 and "no SQL given: pass it as an argument, --file PATH, @PATH, or -" in err
    code, _, err = run(db, capsys, "select 1", "--file", str(tmp_path / "x.sql"))
    assert code == 2 and "not both" in err
    code, _, err = run(db, capsys, "--file", str(tmp_path / "missing.sql"))
    assert code == 2 and f"cannot read SQL from {tmp_path / 'missing.sql'}" in err
    (tmp_path / "latin1.sql").write_bytes("select 'caf\xe9'".encode("latin-1"))
    code, _, err = run(db, capsys, f"@{tmp_path / 'latin1.sql'}")
    assert code == 2 and "cannot read SQL from" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("  -- nothing here\n"))
    code, _, err = run(db, capsys, "-")
    assert code == 1 and "no SQL statement given" in err


def test_a_file_is_checked_like_an_argument(db, tmp_path, capsys):
    path = tmp_path / "evil.sql"
    path.write_text("select 1;\ndelete from price_history;\n", encoding="utf-8")
    code, _, err = run(db, capsys, "--file", str(path))
    assert code == 1 and "2 statements given" in err


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.sql"))


def test_the_query_page_shows_every_example_file_exactly():
    shown = re.findall(
        r"--file examples/queries/(\w+)\.sql`:\n\n```sql\n(.*?)```", QUERY_PAGE, re.S
    )
    assert (
        sorted(name for name, _ in shown)
        == example_names()
        == [
            "cheapest_at_gpt4_level",
            "gpt4o_price_history",
            "h100_aws_vs_azure",
            "h100_hour_by_provider",
            "h100_job_by_month",
            "how_fast_prices_fall",
        ]
    )
    for name, text in shown:
        assert text == (EXAMPLES / f"{name}.sql").read_text(encoding="utf-8"), name


# --- the examples on the warehouse after `run --offline` and `backfill` ---------------------


@pytest.fixture(scope="module")
def warehouse(full_warehouse):
    """The recorded data, as the quoted answers assume: `run --offline`, `backfill`
    (the session's shared warehouse: tests only read it)."""
    return full_warehouse


def example(db, name: str, capsys) -> list[dict]:
    capsys.readouterr()
    code = main(
        ["--db", str(db), "query", "--file", str(EXAMPLES / f"{name}.sql"), "--format", "json"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out, parse_float=Decimal)


@pytest.mark.flow
def test_cheapest_model_at_gpt4_level_on_gpqa(warehouse, capsys):
    rows = example(warehouse, "cheapest_at_gpt4_level", capsys)
    assert len(rows) == 10
    first = rows[0]
    assert first["model_id"] == "mistral-small-3" and first["gpqa_diamond"] == Decimal("46")
    assert first["usd_per_1m_blended"] == Decimal("0.0575")
    assert first["listed_by"] == "deepinfra (litellm)"
    assert rows[1]["model_id"] == "gemini-1.5-flash"
    assert rows[1]["usd_per_1m_blended"] == Decimal("0.13125")
    openai = next(r for r in rows if r["listed_by"].startswith("openai"))
    assert openai["model_id"] == "gpt-4o-mini" and openai["usd_per_1m_blended"] == Decimal("0.2625")
    assert all(r["gpqa_diamond"] >= 33 for r in rows)  # GPT-4's GPQA Diamond score
    prices = [r["usd_per_1m_blended"] for r in rows]
    assert prices == sorted(prices)


@pytest.mark.flow
def test_gpt4o_price_history_across_providers(warehouse, capsys):
    rows = example(warehouse, "gpt4o_price_history", capsys)
    openai = [
        (r["component"], r["price"], r["since"], r["until"])
        for r in rows
        if r["provider"] == "openai"
    ]
    assert openai == [
        ("input", Decimal("5"), "2024-05-14", "2024-11-14"),
        ("input", Decimal("2.5"), "2024-11-14", None),
        ("output", Decimal("15"), "2024-05-14", "2024-11-14"),
        ("output", Decimal("10"), "2024-11-14", None),
    ]
    cuts = {r["provider"]: r["since"] for r in rows if r["price"] == Decimal("2.5")}
    assert cuts["azure"] == "2025-03-19" and cuts["openrouter"] == "2025-04-05"
    assert {r["provider"] for r in rows} == {
        "azure",
        "gmi",
        "openai",
        "openrouter",
        "replicate",
        "vercel_ai_gateway",
    }


@pytest.mark.flow
def test_h100_aws_vs_azure(warehouse, capsys):
    rows = {
        (r["accelerator"], r["provider"]): r
        for r in example(warehouse, "h100_aws_vs_azure", capsys)
    }
    aws = rows[("H100-SXM-80GB", "aws")]
    assert aws["cheapest"] == Decimal("6.88") and aws["cheapest_region"] == "us-east-1"
    assert aws["regions"] == 7 and aws["median"] == Decimal("8.256")
    azure = rows[("H100-SXM-80GB", "azure")]
    assert azure["cheapest"] == Decimal("12.29") and azure["cheapest_region"] == "eastus"
    assert rows[("H100-NVL-94GB", "azure")]["cheapest"] == Decimal("6.98")


@pytest.mark.flow
def test_h100_job_cost_by_month(warehouse, capsys):
    rows = {r["month"]: r for r in example(warehouse, "h100_job_by_month", capsys)}
    assert rows["2023-05-01"]["market_median_usd"] == Decimal("2400")
    assert rows["2023-05-01"]["aws_p5_usd"] is None
    assert rows["2024-01-01"]["market_median_usd"] == Decimal("4590")
    assert rows["2025-05-01"]["aws_p5_usd"] == Decimal("12290")  # 98.32 / 8 GPUs × 1,000 h
    assert rows["2025-07-01"]["aws_p5_usd"] == Decimal("6880")  # after the June 2025 cut
    assert rows["2026-09-01"]["market_median_usd"] == Decimal("3850")
    months = list(rows)
    assert months == sorted(months) and len(set(months)) == len(months)


@pytest.mark.flow
def test_h100_hour_by_provider(warehouse, capsys):
    rows = example(warehouse, "h100_hour_by_provider", capsys)
    got = {r["provider"]: r for r in rows}
    assert len(rows) == len(got) == 11  # one row per provider
    assert (got["aws"]["usd_per_gpu_hour"], got["aws"]["region"]) == (Decimal("6.88"), "us-east-1")
    assert got["aws"]["accelerator"] == "H100-SXM-80GB" and got["aws"]["source"] == "aws_ec2"
    assert got["azure"]["usd_per_gpu_hour"] == Decimal("6.98")  # H100 NVL, as h100_aws_vs_azure
    assert got["gcp"]["usd_per_gpu_hour"] == Decimal("11.06")
    assert rows[0]["provider"] == "denvr" and rows[0]["usd_per_gpu_hour"] == Decimal("2.1")
    prices = [r["usd_per_gpu_hour"] for r in rows]
    assert prices == sorted(prices)


@pytest.mark.flow
def test_how_fast_prices_fall(warehouse, capsys):
    rows = {(r["kind"], r["what"]): r for r in example(warehouse, "how_fast_prices_fall", capsys)}
    gpt4 = rows[("frontier", "gpqa_diamond >= GPT-4")]
    assert (gpt4["factor_per_year"], gpt4["ci90_low"], gpt4["ci90_high"]) == (
        Decimal("11.05"),
        Decimal("4.03"),
        Decimal("30.28"),
    )
    assert gpt4["start_date"] == "2023-03-14" and gpt4["halving_months"] == Decimal("3.5")
    assert rows[("index", "llm_tokens")]["factor_per_year"] == Decimal("1.02")
    assert rows[("index", "gpu_hour")]["factor_per_year"] == Decimal("1.15")
    assert rows[("index", "electricity")]["halving_months"] is None  # prices rose
    # 4 GPQA thresholds, 3 indices: storage and egress have no published whole-span rate
    assert len(rows) == 7 and ("index", "storage") not in rows
