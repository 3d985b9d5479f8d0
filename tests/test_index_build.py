"""Indices built from the price history: monthly prices, items, segments, storage, the CLI."""

from __future__ import annotations

import math
from datetime import date

import pytest

from flows.cli import main
from schemas.enums import Component as C
from tests.index_utils import dated, load
from warehouse.connection import connect
from warehouse.indices import build
from warehouse.indices.store import read_index

H100 = "H100-SXM-80GB"
A100 = "A100-SXM4-80GB"


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def test_monthly_price_is_the_last_in_force_and_open_prices_end_with_their_source(con):
    load(
        con,
        "r1",
        [
            dated("ds", "aws", "p5", C.INSTANCE_HOUR, "80", "2024-01-05", "2024-05-01"),
            dated("ds", "aws", "p5", C.INSTANCE_HOUR, "64", "2024-02-20", "2024-05-01"),
            dated("ds", "aws", "p5", C.INSTANCE_HOUR, "48", "2024-04-10", "2024-05-01"),
        ],
    )
    rows = build._monthly_rows(con, "compute", ["instance_hour"])
    # February: 80 until the 20th, then 64: the month's last price is 64. The open price of
    # April runs to the source's last observation (2024-05-01), not to today.
    assert [row[-2:] for row in rows] == [
        (date(2024, 1, 1), 80.0),
        (date(2024, 2, 1), 64.0),
        (date(2024, 3, 1), 64.0),
        (date(2024, 4, 1), 48.0),
        (date(2024, 5, 1), 48.0),
    ]


GPU_PRICES = [
    # AWS: p5.48xlarge, 8 × H100, per instance: $98.32 → $55.04 in June (a real 2025 cut).
    dated("ds", "aws", "p5.48xlarge", C.INSTANCE_HOUR, "98.32", "2025-04-01", "2025-07-15",
          accelerator=H100, count=8),
    dated("ds", "aws", "p5.48xlarge", C.INSTANCE_HOUR, "55.04", "2025-06-05", "2025-07-15",
          accelerator=H100, count=8),
    # Lambda: per GPU, constant; an A100 that falls 10% in May; a spot price (not on-demand).
    dated("ds", "lambda", "h100", C.GPU_HOUR, "2.99", "2025-04-01", "2025-07-15",
          accelerator=H100),
    dated("ds", "lambda", "a100", C.GPU_HOUR, "1.50", "2025-04-01", "2025-07-15",
          accelerator=A100),
    dated("ds", "lambda", "a100", C.GPU_HOUR, "1.35", "2025-05-01", "2025-07-15",
          accelerator=A100),
    dated("ds", "lambda", "h100", C.GPU_HOUR, "0.10", "2025-04-01", "2025-07-15",
          accelerator=H100, tier="spot"),
    # An instance price without a count cannot be read per GPU: not an item.
    dated("ds", "oddcloud", "box", C.INSTANCE_HOUR, "9", "2025-04-01", "2025-07-15",
          accelerator=H100),
]  # fmt: skip


def test_gpu_index_segments_and_values(con):
    load(con, "r1", GPU_PRICES)
    report = build.build_index(con, "gpu_hour")
    assert report.items == 3  # aws p5, lambda h100, lambda a100 (spot and uncounted left out)
    segments = {r[0] for r in con.execute("SELECT DISTINCT segment FROM index_values").fetchall()}
    assert segments == {
        "all",
        "hyperscaler",
        "neocloud",
        f"accelerator:{H100}",
        f"accelerator:{A100}",
        "family:H100",
        "family:A100",
    }
    # H100: June link = sqrt((55.04/98.32) × 1) = sqrt(0.559805…) = 0.748201
    h100 = read_index(con, "gpu_hour", f"accelerator:{H100}", build.JEVONS)
    assert [(p, round(v, 4), n) for p, v, n in h100] == [
        (date(2025, 4, 1), 100.0, 2),
        (date(2025, 5, 1), 100.0, 2),
        (date(2025, 6, 1), round(100 * math.sqrt(55.04 / 98.32), 4), 2),
        (date(2025, 7, 1), round(100 * math.sqrt(55.04 / 98.32), 4), 2),
    ]
    hyperscaler = read_index(con, "gpu_hour", "hyperscaler", build.GEKS)
    assert [round(v, 4) for _, v, _ in hyperscaler] == [100.0, 100.0, 55.9805, 55.9805]
    everything = read_index(con, "gpu_hour", "all", build.JEVONS)
    # May: only the A100 moved, one of three items: 0.9^(1/3).
    assert everything[1][1] == pytest.approx(100 * 0.9 ** (1 / 3))
    # Rebuilding replaces the rows instead of adding to them.
    before = con.execute("SELECT count(*) FROM index_values").fetchone()[0]
    build.build_index(con, "gpu_hour")
    assert con.execute("SELECT count(*) FROM index_values").fetchone()[0] == before


def test_on_demand_tiers_and_accelerator_families():
    for tier in ["standard", "median", "restated", "offers-min", "community"]:
        assert build.on_demand(tier), tier
    for tier in ["spot", "median+spot", "median+reserved", "low-priority+windows", "cud-1y",
                 "dws-flex-start", "preemptible", "windows"]:  # fmt: skip
        assert not build.on_demand(tier), tier
    assert build.accelerator_family("H100-SXM-80GB", "anything") == "H100"
    assert build.accelerator_family("MI300X", None) == "MI300X"
    assert build.accelerator_family(None, "H100") == "H100"  # a bare published name
    assert build.accelerator_family(None, "h200") == "H200"
    assert build.accelerator_family(None, "NVIDIA H100 80GB") is None  # not a bare family
    assert build.accelerator_family(None, None) is None


def test_electricity_storage_and_llm_items(con):
    load(
        con,
        "r1",
        [
            dated("eia", "eia", "retail", C.KWH, "0.10", "2023-01-01", "2023-03-31",
                  tier="industrial", region="US"),
            dated("eia", "eia", "retail", C.KWH, "0.12", "2023-02-01", "2023-03-31",
                  tier="industrial", region="US"),
            dated("eia", "eia", "retail", C.KWH, "0.20", "2023-01-01", "2023-03-31",
                  tier="residential", region="US"),
            # Confirmed the next month: a monthly series (a series seen once has no cadence).
            dated("eia", "eia", "retail", C.KWH, "0.20", "2023-02-01", "2023-03-31",
                  tier="residential", region="US"),
            dated("st", "aws", "s3", C.GB_MONTH, "0.03", "2023-01-01", "2023-03-31",
                  tier="standard:first-tier"),
            dated("st", "aws", "s3", C.GB_MONTH, "0.0125", "2023-01-01", "2023-03-31",
                  tier="infrequent"),
            dated("st", "aws", "s3", C.GB_MONTH, "0.0100", "2023-03-01", "2023-03-31",
                  tier="infrequent"),
            # LLM: a listing with input and output (blended 3:1), one with a blended price
            # only, and an embedding model with an input price only (no blend: not an item).
            dated("api", "openai", "gpt-4o", C.INPUT, "5", "2024-05-13", "2024-09-30"),
            dated("api", "openai", "gpt-4o", C.OUTPUT, "15", "2024-05-13", "2024-09-30"),
            dated("api", "openai", "gpt-4o", C.INPUT, "2.5", "2024-08-06", "2024-09-30"),
            dated("api", "openai", "gpt-4o", C.OUTPUT, "10", "2024-08-06", "2024-09-30"),
            dated("aa", "aa", "Phi 4", C.BLENDED, "0.1225", "2024-05-13", "2024-09-30"),
            dated("api", "openai", "embed", C.INPUT, "0.02", "2024-05-13", "2024-09-30"),
        ],
    )  # fmt: skip
    build.build_index(con, "electricity")
    industrial = read_index(con, "electricity", "sector:industrial", build.JEVONS)
    assert [round(v, 6) for _, v, _ in industrial] == [100.0, 120.0, 120.0]
    assert read_index(con, "electricity", "sector:residential", build.GEKS)[-1][1] == 100.0
    build.build_index(con, "storage")
    infrequent = read_index(con, "storage", "tier:infrequent", build.JEVONS)
    assert [round(v, 6) for _, v, _ in infrequent] == [100.0, 100.0, 80.0]
    assert read_index(con, "storage", "tier:standard", build.JEVONS)[-1][1] == 100.0
    items = {item.sku: item for item in build.llm_items(con)}
    assert set(items) == {"gpt-4o", "Phi 4"}
    # 3:1 blend: 0.75 × 5 + 0.25 × 15 = 7.5, then 0.75 × 2.5 + 0.25 × 10 = 4.375 (Epoch: 4.38)
    assert items["gpt-4o"].prices[date(2024, 5, 1)] == pytest.approx(7.5)
    assert items["gpt-4o"].prices[date(2024, 8, 1)] == pytest.approx(4.375)
    assert items["Phi 4"].prices[date(2024, 9, 1)] == pytest.approx(0.1225)


def test_llm_segments_from_model_identity():
    facts = {
        ("openai", "gpt-4o"): build.ListingFacts("gpt-4o", True, False),
        ("openrouter", "meta-llama/llama-3.1-8b"): build.ListingFacts("llama-3.1-8b", False, True),
        ("epoch", "x"): build.ListingFacts("x", None, None),
    }
    segments = build.llm_segments(facts)
    item = build.Item
    assert segments(item("k", "s", "openai", "gpt-4o", "standard")) == [
        "all",
        "first_party",
        "closed_weights",
    ]
    assert segments(item("k", "s", "openrouter", "meta-llama/llama-3.1-8b", "standard")) == [
        "all",
        "aggregator",
        "open_weights",
    ]
    assert segments(item("k", "s", "epoch", "x", "standard")) == ["all"]
    assert segments(item("k", "s", "nobody", "unknown", "standard")) == ["all"]


def test_cli_indices_and_index_rate(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    load(con, "r1", GPU_PRICES)
    con.close()
    assert main(["--db", str(db), "indices", "--index", "gpu_hour", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "index,segment,method,months,first,last,last_value,last_items,published"
    assert "gpu_hour,hyperscaler,geks,4,2025-04-01,2025-07-01," in "\n".join(out)
    # Two H100 listings: under the coverage rule (5 items) no month is published, no rate.
    assert main(["--db", str(db), "rates", "index", "gpu_hour", "--segment",
                 f"accelerator:{H100}", "--method", "jevons", "--format", "csv"]) == 2  # fmt: skip
    assert "no month with 5 items (at most 2) in 4 months" in capsys.readouterr().err
    con = connect(db)
    stored = con.execute("SELECT count(*) FROM decline_rates").fetchone()
    withheld = con.execute(
        "SELECT index, segment, method, months, months_published, most_items FROM withheld_rates"
    ).fetchall()
    con.close()
    assert stored == (0,)
    assert withheld == [("gpu_hour", f"accelerator:{H100}", "jevons", 4, 0, 2)]
    assert main(["--db", str(db), "rates", "index", "nonsense"]) == 2
    assert main(["--db", str(db), "rates", "index", "gpu_hour", "--segment", "nope"]) == 2
    assert "segments: accelerator:" in capsys.readouterr().err
