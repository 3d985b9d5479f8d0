"""The marts: views, catalog and the docs site's Marts page agree; each mart's rows, computed
by hand, on a small warehouse built through the real loader (tests/mart_utils.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import PROJECT_ROOT
from tests.mart_utils import FAILURE, query
from warehouse.connection import connect
from warehouse.marts import docs
from warehouse.marts.catalog import MARTS

PAGE = (PROJECT_ROOT / "docs" / "marts.md").read_text(encoding="utf-8")


@pytest.fixture
def db(mart_warehouse):
    return mart_warehouse


# --- The contract: views = catalog = docs/marts.md ------------------------------------------------


def test_every_view_matches_its_catalog_entry(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    views = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_name like 'mart\\_%' "
            "escape '\\'"
        ).fetchall()
    }
    described = {
        m.name: [(r[0], r[1]) for r in con.execute(f"describe {m.name}").fetchall()] for m in MARTS
    }
    con.close()
    assert views == {m.name for m in MARTS}
    for mart in MARTS:
        assert described[mart.name] == [(c.name, c.type) for c in mart.columns], mart.name
        assert set(mart.order_by) <= set(mart.column_names), mart.name
        assert set(mart.partition_by) <= set(mart.column_names), mart.name
        assert all(c.description.strip() for c in mart.columns), mart.name


def test_the_marts_page_is_generated_from_the_catalog():
    section = docs.current_section(PAGE)
    assert section is not None, "docs/marts.md lacks the generated Marts block"
    assert section == docs.generated_section(), "run: make docs-update"
    assert PAGE.startswith("# Marts\n") and docs.BEGIN in PAGE
    for mart in MARTS:
        assert f"### `{mart.name}`" in section
        for column in mart.columns:
            assert f"| `{column.name}` | {column.type} |" in section


def test_docs_check_fails_when_the_marts_page_drifts(tmp_path):
    stale = tmp_path / "marts.md"
    stale.write_text(PAGE.replace("| `per_gpu_hour` |", "| `gpu_hour_price` |", 1))
    assert docs.main(["--check", "--page", str(stale)]) == 1
    assert docs.main(["--page", str(stale)]) == 0  # regenerates
    assert docs.main(["--check", "--page", str(stale)]) == 0
    assert stale.read_text() == PAGE


# --- Each mart on the small warehouse -------------------------------------------------------


def test_current_prices(db, capsys):
    rows = query(
        db,
        "select leg, model_id, provider, sku, component, tier, region, price, per_gpu_hour, "
        "source, source_kind, valid_from from mart_current_prices order by all",
        capsys,
    )
    got = {(r["leg"], r["model_id"] or r["sku"], r["component"], r["tier"]): r for r in rows}
    # 5: EIA's 2024-03 industrial price and S3's 2016 price are past their datasets' windows
    # (62 days, 548 days) by 2026-02: not current (docs/input-hygiene.md).
    assert len(rows) == 5
    # LLM: OpenAI's own page beats OpenRouter; the cut to $2.50 holds from 2025-06-01.
    gpt_in = got[("llm", "gpt-4o", "input", "standard")]
    assert (gpt_in["price"], gpt_in["source"], gpt_in["source_kind"]) == (
        Decimal("2.5"),
        "openai_pricing",
        "first_party_page",
    )
    assert gpt_in["valid_from"] == "2025-06-01T00:00:00"
    assert got[("llm", "gpt-4o", "output", "standard")]["price"] == Decimal("15")
    # Compute: AWS's own API beats the dataset listing the same instance; 55.04 / 8 = 6.88.
    p5 = got[("compute", "p5.48xlarge", "instance_hour", "standard")]
    assert (p5["price"], p5["per_gpu_hour"], p5["source"]) == (
        Decimal("55.04"),
        Decimal("6.88"),
        "aws_ec2",
    )
    # A failed source keeps its prices in force.
    assert got[("compute", "h100", "gpu_hour", "standard")]["price"] == Decimal("2.99")
    assert got[("compute", "h100", "gpu_hour", "spot")]["price"] == Decimal("1.5")
    assert not [r for r in rows if r["leg"] in ("energy", "data")]
    # OpenRouter's mistral listings resolve to no model: not in the mart.
    assert not [r for r in rows if r["provider"] == "mistral"]


def test_price_changes(db, capsys):
    rows = query(
        db,
        "select changed_at, change, source, sku, model_id, component, old_price, new_price, "
        "percent, month, run_id from mart_price_changes order by changed_at, source, sku, "
        "component",
        capsys,
    )
    # 11 series opened in r1 (first), 2 EIA moves, 2 cuts in r2, 1 withdrawal.
    by = {(r["source"], r["sku"], r["component"], r["change"]): r for r in rows}
    cut = by[("openai_pricing", "gpt-4o", "input", "down")]
    assert (cut["old_price"], cut["new_price"], cut["percent"], cut["month"]) == (
        Decimal("5"),
        Decimal("2.5"),
        Decimal("-50.0"),
        "2025-06-01",
    )
    assert cut["run_id"] == "r2" and cut["model_id"] == "gpt-4o"
    p5 = by[("aws_ec2", "p5.48xlarge", "instance_hour", "down")]
    assert (p5["old_price"], p5["new_price"]) == (Decimal("98.32"), Decimal("55.04"))
    gone = by[("openrouter", "openai/gpt-4o", "input", "withdrawn")]
    assert (gone["old_price"], gone["new_price"], gone["run_id"]) == (Decimal("5"), None, "r2")
    assert gone["model_id"] == "gpt-4o"
    eia = [r["change"] for r in rows if r["source"] == "eia_history"]
    assert eia == ["first", "up", "down"]
    assert sum(r["change"] == "first" for r in rows) == 11
    assert len(rows) == 16


def test_gpu_prices_monthly(db, capsys):
    rows = query(
        db,
        "select month, provider, per_gpu_hour, min_per_gpu_hour, max_per_gpu_hour, listings, "
        "sources from mart_gpu_prices_monthly where accelerator_family = 'H100' order by all",
        capsys,
    )
    aws = {r["month"]: r for r in rows if r["provider"] == "aws"}
    # Two listings at 98.32 / 8 = 12.29 until the cut of 2025-06-05; in June the API's
    # listing ends the month at 6.88 and the dataset's still at 12.29: median 9.585.
    assert aws["2025-05-01"]["per_gpu_hour"] == Decimal("12.29")
    june = aws["2025-06-01"]
    assert (june["per_gpu_hour"], june["min_per_gpu_hour"], june["max_per_gpu_hour"]) == (
        Decimal("9.585"),
        Decimal("6.88"),
        Decimal("12.29"),
    )
    assert june["sources"] == "aws_ec2,gpu_price_history"
    # The dataset was last seen in January 2026: February has the API's listing only.
    assert (aws["2026-02-01"]["per_gpu_hour"], aws["2026-02-01"]["listings"]) == (
        Decimal("6.88"),
        1,
    )
    lam = [r for r in rows if r["provider"] == "lambda"]
    # The spot tier is not on-demand; Lambda failed in r2, so its price runs to January.
    assert {r["per_gpu_hour"] for r in lam} == {Decimal("2.99")}
    assert (lam[0]["month"], lam[-1]["month"], len(lam)) == ("2025-01-01", "2026-01-01", 13)


def test_index_rates_points_costs_and_health(db, capsys):
    index = query(
        db,
        "select month, value, pct_change_1m, leg from mart_index_monthly "
        "where index = 'electricity' order by month",
        capsys,
    )
    assert index[0]["pct_change_1m"] is None
    assert float(index[1]["pct_change_1m"]) == pytest.approx(2.5)
    assert float(index[2]["pct_change_1m"]) == pytest.approx(100 * (101.25 / 102.5 - 1))
    assert {r["leg"] for r in index} == {"energy"}
    storage = query(
        db,
        "select month, value, items, published, reason from mart_index_monthly "
        "where index = 'storage' order by month",
        capsys,
    )
    assert [(r["value"], r["published"], r["reason"]) for r in storage] == [
        (100.0, True, None),
        (None, False, "1 item < 5"),
    ]

    (rate,) = query(db, "select * from mart_decline_rates", capsys)
    assert (rate["kind"], rate["leg"], rate["threshold_model"], rate["n_points"]) == (
        "frontier",
        "llm",
        "GPT-4",
        4,
    )
    points = query(db, "select * from mart_frontier_points order by point", capsys)
    assert [p["model"] for p in points] == ["GPT-4", "GPT-4o", "GPT-4o-mini", "Phi 4"]
    # The trend is the rate's own fit: its slope gives the stored factor per year.
    years = [date.fromisoformat(p["day"]).toordinal() / 365.0 for p in (points[0], points[-1])]
    first, last = float(points[0]["trend_price"]), float(points[-1]["trend_price"])
    factor = (first / last) ** (1 / (years[1] - years[0]))
    assert factor == pytest.approx(float(rate["factor_per_year"]), rel=1e-9)

    costs = query(db, "select horizon_months, horizon_date, leg_name from mart_cost_projections "
                  "order by horizon_months", capsys)  # fmt: skip
    assert [(c["horizon_months"], c["horizon_date"]) for c in costs] == [
        (0, "2026-02-10"),
        (12, "2027-02-10"),
    ]
    assert {c["leg_name"] for c in costs} == {"compute"}

    health = {r["source"]: r for r in query(db, "select * from mart_source_health", capsys)}
    assert len(health) == 7
    lam = health["lambda_pricing"]
    assert (lam["last_status"], lam["last_error"], lam["consecutive_failures"]) == (
        "failed",
        FAILURE,
        1,
    )
    assert (lam["runs"], lam["failed_runs"], lam["prices_in_force"]) == (2, 1, 2)
    assert lam["last_ok_at"] == "2026-01-10T02:00:00"
    assert health["aws_ec2"]["source_kind"] == "first_party_api"
    assert (health["openrouter"]["prices_in_force"], health["openrouter"]["history_rows"]) == (
        2,
        3,
    )


# --- The marts after `run --offline` and `backfill` on the recorded data ----------------------


@pytest.mark.flow
def test_marts_of_the_recorded_data(full_warehouse, capsys):
    db = full_warehouse
    sizes = {
        m.name: query(db, f"select count(*) as n from {m.name}", capsys)[0]["n"] for m in MARTS
    }
    assert all(sizes.values()), sizes
    (gpt_4o,) = query(
        db,
        "select price, source, source_kind, valid_from from mart_current_prices "
        "where model_id = 'gpt-4o' and component = 'input' and tier = 'standard'",
        capsys,
    )
    assert (gpt_4o["price"], gpt_4o["source"], gpt_4o["valid_from"]) == (
        Decimal("2.5"),
        "openai_pricing",
        "2026-08-21T12:37:46",  # the offline run replays the 2026 page
    )
    (p5,) = query(
        db,
        "select price, per_gpu_hour, source, source_kind from mart_current_prices "
        "where sku = 'p5.48xlarge' and region = 'us-east-1' and tier = 'standard'",
        capsys,
    )
    # gpu_price_history lists the same instance; AWS's own price API wins.
    assert (p5["price"], p5["per_gpu_hour"], p5["source"], p5["source_kind"]) == (
        Decimal("55.04"),
        Decimal("6.88"),
        "aws_ec2",
        "first_party_api",
    )
    (cut,) = query(
        db,
        "select changed_at, old_price, new_price from mart_price_changes "
        "where source = 'aws_p5_tracker' and change = 'down'",
        capsys,
    )
    assert (cut["changed_at"], cut["old_price"], cut["new_price"]) == (
        "2025-06-05T00:00:00",
        Decimal("98.32"),
        Decimal("55.04"),
    )
    (aws_h100,) = query(
        db,
        "select per_gpu_hour from mart_gpu_prices_monthly where accelerator_family = 'H100' "
        "and provider = 'aws' and month = '2026-09-01'",
        capsys,
    )
    assert aws_h100["per_gpu_hour"] == Decimal("6.88")
    # Every stored frontier rate: its points' trend has the rate's own slope.
    check = query(
        db,
        "select benchmark, threshold_model, threshold_score, r.n_points, r.factor_per_year, "
        "count(*) as points, "
        "power(10, -regr_slope(log10(p.trend_price), "
        "date_diff('day', DATE '0001-01-01', p.day) / 365.0)) as trend_factor "
        "from mart_decline_rates r join mart_frontier_points p using "
        "(source, include_reasoning, benchmark, threshold_model, threshold_score) "
        "group by all",
        capsys,
    )
    assert len(check) == sizes["mart_decline_rates"] - _index_rates(db, capsys)
    for row in check:
        assert row["points"] == row["n_points"]
        assert float(row["trend_factor"]) == pytest.approx(float(row["factor_per_year"]), rel=1e-9)
    health = {r["source"]: r for r in query(db, "select * from mart_source_health", capsys)}
    skipped = {s for s, r in health.items() if r["last_status"] == "skipped"}
    assert skipped >= {  # live-only sources: an offline run has nothing to replay
        "eia_electricity",
        "fireworks_pricing",
        "mistral_pricing",
        "r2_pricing",
        "xai_pricing",
    }
    assert {r["last_error"] for s, r in health.items() if s in skipped} == {"no recording"}
    assert all(r["last_status"] == "ok" for s, r in health.items() if s not in skipped)


def _index_rates(db, capsys) -> int:
    return query(db, "select count(*) as n from mart_decline_rates where kind = 'index'", capsys)[
        0
    ]["n"]
