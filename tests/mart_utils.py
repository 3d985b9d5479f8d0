"""A small warehouse with every kind of row the marts read, built by hand through the real
loader, and helpers that read the marts back through `deflator query`.

The prices are illustrative, not cited: they exercise the marts' rules (precedence, changes,
withdrawals, failures), whose expected rows the tests compute by hand.

- run ``r1`` (2026-01-10, offline): gpt-4o on OpenAI's page (input $5, output $15 from
  2024-05-13) and on OpenRouter (aggregator, input $5); two other OpenRouter listings;
  AWS p5.48xlarge in us-east-1 at $98.32 from 2025-01-01 from ``aws_ec2`` and the same price
  from the dataset ``gpu_price_history``; Lambda's H100 at $2.99 per GPU-hour; Lambda's H100
  spot at $1.50 (not on-demand); EIA industrial electricity 0.08 / 0.082 / 0.081 USD per kWh
  (2024-01 … 2024-03); S3 standard storage $0.023 per GB-month from 2016-12-01.
- run ``r2`` (2026-02-10, offline): OpenAI cuts gpt-4o input to $2.50 from 2025-06-01; AWS
  lists p5 at $55.04 from 2025-06-05; OpenRouter no longer lists gpt-4o (withdrawn);
  ``lambda_pricing`` fails with HTTP 500 (its prices stay in force).
- GEKS electricity and storage indices, a frontier rate with its points, a cost workload.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from flows.cli import main
from schemas.enums import Component as C
from tests.index_utils import dated
from warehouse.connection import connect
from warehouse.indices.frontier import Listing, frontier_rates
from warehouse.indices.jevons import IndexPoint
from warehouse.indices.store import IndexSeries, replace_frontier_rates, replace_index
from warehouse.load import FetchRecord, SourceOutcome, load_run
from warehouse.snapshot import publish_snapshot

R1 = datetime(2026, 1, 10, 2, tzinfo=UTC)
R2 = datetime(2026, 2, 10, 2, tzinfo=UTC)
H100 = "H100-SXM-80GB"
FAILURE = "HTTP 500; gave up after 4 attempts"

# The frontier: GPQA Diamond, GPT-4 sets the threshold at 35 and three cheaper models reach it.
FRONTIER = [
    Listing("GPT-4", date(2023, 3, 14), 37.5, 35.0, "gpt-4"),
    Listing("GPT-4o", date(2024, 5, 13), 7.5, 50.0, "gpt-4o"),
    Listing("GPT-4o-mini", date(2024, 7, 18), 0.26, 40.0, "gpt-4o-mini"),
    Listing("Phi 4", date(2024, 12, 13), 0.1225, 56.0, "phi-4"),
]


def _outcome(source: str, leg: str, observations, status: str = "ok", error=None):
    moment = max((o.observed_at for o in observations), default=R2)
    return SourceOutcome(
        source=source,
        leg=leg,
        status=status,
        error=error,
        fetches=[
            FetchRecord(
                source, "https://example.invalid/prices", 200, moment, "0" * 64, 1, {}, True
            )
        ]
        if status == "ok"
        else [],
        observations=list(observations),
    )


def _run(con, run_id: str, started: datetime, by_source: dict, failed: dict | None = None):
    outcomes = [_outcome(source, leg, found) for (source, leg), found in by_source.items()]
    for source, leg in (failed or {}).items():
        outcomes.append(_outcome(source, leg, [], status="failed", error=FAILURE))
    # The scenario withdraws on the first miss (r2): a two-run withdrawal would need a third run.
    load_run(con, run_id, "offline", started, outcomes, withdraw_after=1)


def build_small_warehouse(path: Path) -> Path:
    """Build the warehouse at ``path`` and publish its read snapshot; returns ``path``."""
    con = connect(path)
    d1, d2 = "2026-01-10", "2026-02-10"
    openrouter_r1 = [
        dated("openrouter", "openai", "openai/gpt-4o", C.INPUT, "5", "2024-05-13", d1),
        dated("openrouter", "mistral", "mistral/a", C.INPUT, "1", "2025-01-01", d1),
        dated("openrouter", "mistral", "mistral/b", C.INPUT, "2", "2025-01-01", d1),
    ]
    aws = dict(region="us-east-1", accelerator=H100, count=8)
    _run(
        con,
        "r1",
        R1,
        {
            ("openai_pricing", "llm"): [
                dated("openai_pricing", "openai", "gpt-4o", C.INPUT, "5", "2024-05-13", d1),
                dated("openai_pricing", "openai", "gpt-4o", C.OUTPUT, "15", "2024-05-13", d1),
            ],
            ("openrouter", "llm"): openrouter_r1,
            ("aws_ec2", "compute"): [
                dated("aws_ec2", "aws", "p5.48xlarge", C.INSTANCE_HOUR, "98.32", "2025-01-01",
                      d1, **aws),
            ],
            ("gpu_price_history", "compute"): [
                dated("gpu_price_history", "aws", "p5.48xlarge", C.INSTANCE_HOUR, "98.32",
                      "2025-01-01", d1, **aws),
            ],
            ("lambda_pricing", "compute"): [
                dated("lambda_pricing", "lambda", "h100", C.GPU_HOUR, "2.99", "2025-01-01", d1,
                      accelerator=H100),
                dated("lambda_pricing", "lambda", "h100", C.GPU_HOUR, "1.50", "2025-01-01", d1,
                      accelerator=H100, tier="spot"),
            ],
            ("eia_history", "energy"): [
                dated("eia_history", "eia", "us-retail-electricity", C.KWH, price, month, d1,
                      tier="industrial", region="US")
                for price, month in [
                    ("0.08", "2024-01-01"), ("0.082", "2024-02-01"), ("0.081", "2024-03-01")
                ]
            ],
            ("storage_history", "data"): [
                dated("storage_history", "aws", "s3", C.GB_MONTH, "0.023", "2016-12-01", d1),
            ],
        },
    )  # fmt: skip
    _run(
        con,
        "r2",
        R2,
        {
            ("openai_pricing", "llm"): [
                dated("openai_pricing", "openai", "gpt-4o", C.INPUT, "2.50", "2025-06-01", d2),
                dated("openai_pricing", "openai", "gpt-4o", C.OUTPUT, "15", "2024-05-13", d2),
            ],
            ("openrouter", "llm"): openrouter_r1[1:],
            ("aws_ec2", "compute"): [
                dated("aws_ec2", "aws", "p5.48xlarge", C.INSTANCE_HOUR, "55.04", "2025-06-05",
                      d2, **aws),
            ],
        },
        failed={"lambda_pricing": "compute"},
    )  # fmt: skip
    con.execute(
        "INSERT INTO models (model_id, developer, family, open_weights) "
        "VALUES ('gpt-4o', 'openai', 'gpt-4o', false)"
    )
    con.execute(
        "INSERT INTO model_aliases VALUES "
        "('openai', 'gpt-4o', 'gpt-4o', 'model id', false, 'test'), "
        "('openai', 'openai/gpt-4o', 'gpt-4o', 'after path', false, 'test')"
    )
    con.execute("INSERT INTO providers VALUES ('openai', 'openai')")
    # gpu_price_history, eia_history and storage_history: kind 'dataset' from their classes,
    # written by connect (warehouse/source_kinds.py).
    # Item counts as if five series stood behind each month (published: at least 5 items),
    # except the last storage month (1 item: not published).
    points = [
        IndexPoint(date(2024, 1, 1), 100.0, 5),
        IndexPoint(date(2024, 2, 1), 102.5, 5),
        IndexPoint(date(2024, 3, 1), 101.25, 5),
    ]
    replace_index(con, "electricity", [IndexSeries("electricity", "all", "geks", points)])
    storage = [IndexPoint(date(2016, 12, 1), 100.0, 5), IndexPoint(date(2017, 1, 1), 100.0, 1)]
    replace_index(con, "storage", [IndexSeries("storage", "tier:standard", "geks", storage)])
    replace_frontier_rates(con, frontier_rates({"gpqa_diamond": FRONTIER}), None, False)
    con.execute(
        "INSERT INTO cost_projections VALUES "
        "('seed', 'seed.toml', 0, 'C', 10, 10, 10, NULL, 'given', TIMESTAMP '2026-02-10 03:00'), "
        "('seed', 'seed.toml', 12, 'C', 5, 4, 6, 2.0, 'rate 2×/yr', "
        "TIMESTAMP '2026-02-10 03:00')"
    )
    publish_snapshot(con, path)
    con.close()
    return path


def query(db: Path, sql: str, capsys) -> list[dict]:
    """The rows of ``sql`` as `deflator query --format json` prints them (exact Decimals)."""
    capsys.readouterr()
    assert main(["--db", str(db), "query", sql, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out, parse_float=Decimal)
