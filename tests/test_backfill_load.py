"""Every dataset loaded for real through warehouse.load.load_run (no Prefect): history rows,
quarantine with reasons, reruns that add nothing, model identity, precedence and the
`deflator models --unmatched` report."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pytest

from flows.cli import main
from schemas.models import ModelCatalog
from scrapers.backfill.registry import all_datasets
from tests.backfill_utils import outcome_of, parse_dataset
from tests.warehouse_utils import counts
from warehouse.connection import connect
from warehouse.load import load_run
from warehouse.models import DatasetRecord, load_identity

STARTED = datetime(2026, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, shared_data):
    """All datasets loaded twice (the second time must add nothing), identity loaded twice."""
    db = tmp_path_factory.mktemp("backfill") / "w.duckdb"
    outcomes, scores, records = [], [], []
    for dataset in all_datasets().values():
        pages, result, found = parse_dataset(shared_data, dataset)
        outcomes.append(outcome_of(dataset, pages, result))
        scores += found
        records.append(
            DatasetRecord(
                dataset.name,
                dataset.source.leg.value,
                dataset.source.description,
                dataset.provenance,
                dataset.license,
                tuple(r.path for r in dataset.source.recordings),
            )
        )
    con = connect(db)
    try:
        first = load_run(con, "backfill-1", "backfill", STARTED, outcomes)
        identity = load_identity(con, ModelCatalog.load(), scores, records)
        before = counts(con)
        aliases_before = con.execute("select count(*) from model_aliases").fetchone()[0]
        again = load_run(con, "backfill-2", "backfill", STARTED, outcomes)
        identity_again = load_identity(con, ModelCatalog.load(), scores, records)
        after = counts(con)
        aliases_after = con.execute("select count(*) from model_aliases").fetchone()[0]
    finally:
        con.close()
    return {
        "db": db,
        "first": first,
        "again": again,
        "identity": identity,
        "identity_again": identity_again,
        "before": before,
        "after": after,
        "aliases": (aliases_before, aliases_after),
    }


@pytest.fixture
def con(loaded):
    connection = duckdb.connect(str(loaded["db"]), read_only=True)
    yield connection
    connection.close()


def test_rows_per_dataset(loaded) -> None:
    by = {s.source: s for s in loaded["first"].sources}
    assert loaded["first"].status == "ok"
    assert {name: (s.rows_parsed, s.rows_new, s.rows_quarantined) for name, s in by.items()} == {
        "aws_p5_tracker": (4, 4, 0),
        "eia_annual": (250, 250, 0),
        "eia_history": (2305, 2305, 0),
        "epoch_api_prices": (132, 132, 0),
        "epoch_benchmark_tables": (73, 73, 0),
        "gpu_price_history": (266, 266, 0),
        "gpu_rental_monthly": (449, 449, 0),
        "gpuhunt_offers": (2070, 2070, 0),
        # the pages-history/ captures that parse completely (docs/page-history-and-cross-check.md)
        "page_history": (1142, 1142, 0),
        "page_history_aggregators": (12052, 11982, 70),
        # 42 exact-10× moves more than before: unit slips (docs/input-hygiene.md).
        "litellm_history": (14384, 12929, 1455),
        "simonw_llm_prices": (360, 360, 0),
        # 45 events repeat the last snapshot; 3 unit slips (grok-code-fast cache $0.02 → $0.2).
        "sophie_pricing_history": (12857, 12392, 420),
        "storage_history": (27, 27, 0),
    }


def test_quarantine_by_reason(con) -> None:
    rows = con.execute(
        "select source, regexp_replace(reason, ' \\(from .*\\)$', ''), count(*) from quarantine "
        "group by all order by 1, 3 desc, 2"  # two sophie reasons tie at 3
    ).fetchall()
    per_char = "per-character price in a per-token field: Vertex AI billed "
    assert rows == [
        ("litellm_history", "zero or negative price: not a list price", 915),
        (
            "litellm_history",
            "implausible: above $1,000 per 1M tokens: likely a per-1M or per-1K value in a "
            "per-token field",
            215,
        ),
        (
            "litellm_history",
            "first price of the series, more than 10× from the prices after it",
            155,
        ),
        (
            "litellm_history",
            per_char + "Gemini 1.x per character and LiteLLM held the per-character rate / 4",
            106,
        ),
        (
            "litellm_history",
            "first price of the series, a unit slip (a factor within 1% of 10, 100 or 1000) "
            "from the prices after it",
            28,
        ),
        (
            "litellm_history",
            per_char + "text embeddings per character and LiteLLM held the per-character rate / 4",
            18,
        ),
        (
            "litellm_history",
            "unit slip: moved by a factor within 1% of 10, 100 or 1000 in one step",
            10,
        ),
        # a 3 -> 33 -> 3.3 spike, and points after a quarantined slip that follow the price
        # before it
        ("litellm_history", "moved more than 10× in one step", 8),
        # OpenRouter's own published strings moved by 10×/100×/1000× between two captures
        # (tests/test_page_history_replay.py reads them): held back like any unit slip
        (
            "page_history_aggregators",
            "unit slip: moved by a factor within 1% of 10, 100 or 1000 in one step",
            64,
        ),
        (
            "page_history_aggregators",
            "first price of the series, more than 10× from the prices after it",
            6,
        ),
        ("sophie_pricing_history", "zero or negative price: not a list price", 354),
        (
            "sophie_pricing_history",
            "implausible: above $1,000 per 1M tokens: likely a per-1M or per-1K value in a "
            "per-token field",
            60,
        ),
        (
            "sophie_pricing_history",
            "first price of the series, a unit slip (a factor within 1% of 10, 100 or 1000) "
            "from the prices after it",
            3,
        ),
        (
            "sophie_pricing_history",
            "first price of the series, more than 10× from the prices after it",
            3,
        ),
    ]


def history(con, source: str, sku: str, component: str = "input") -> list[tuple]:
    return con.execute(
        "select price, valid_from::date::varchar, valid_to::date::varchar, close_reason "
        "from price_history where source = ? and sku = ? and component = ? and tier = 'standard' "
        "order by valid_from",
        [source, sku, component],
    ).fetchall()


def test_gpt3_davinci_history_rows(con) -> None:
    for component in ("input", "output"):
        assert history(con, "epoch_api_prices", "GPT-3 175B (davinci)", component) == [
            (Decimal("60"), "2021-11-20", "2022-09-01", "changed"),
            (Decimal("20"), "2022-09-01", None, None),
        ]
    assert history(con, "epoch_benchmark_tables", "GPT-3 175B (davinci)", "blended") == [
        (Decimal("60"), "2021-11-20", "2022-09-01", "changed"),
        (Decimal("20"), "2022-09-01", None, None),
    ]


def test_per_million_value_in_a_per_token_field_is_quarantined(con) -> None:
    rows = con.execute(
        "select price, observed_at::date::varchar, reason from quarantine "
        "where source = 'litellm_history' and sku = 'azure_ai/jais-30b-chat' "
        "and component = 'input' order by observed_at"
    ).fetchall()
    reason = (
        "implausible: above $1,000 per 1M tokens: likely a per-1M or per-1K value in a "
        "per-token field"
    )
    assert rows == [
        (Decimal("3200"), "2025-07-18", reason),
        (Decimal("3200"), "2026-07-24", reason),
    ]
    assert history(con, "litellm_history", "azure_ai/jais-30b-chat") == []


def test_per_character_prices_are_quarantined_and_the_token_prices_remain(con) -> None:
    assert history(con, "litellm_history", "gemini-1.5-pro") == [
        (Decimal("5"), "2024-07-01", "2024-11-08", "changed"),
        (Decimal("1.25"), "2024-11-08", None, None),
    ]
    reasons = dict(
        con.execute(
            "select price, any_value(reason) from quarantine where source = 'litellm_history' "
            "and sku = 'gemini-1.5-pro' and component = 'input' group by price"
        ).fetchall()
    )
    assert reasons[Decimal("0")] == "zero or negative price: not a list price"
    for price in ("0.625", "0.3125", "0.078125"):
        assert reasons[Decimal(price)].startswith("per-character price in a per-token field")
    # an uncorrected preview entry kept the per-character value until it was removed
    assert history(con, "litellm_history", "gemini-1.5-pro-preview-0215") == [
        (Decimal("5"), "2024-07-01", None, None)
    ]


def test_a_wrong_first_price_gives_way_to_the_correction(con) -> None:
    """gemini-2.0-flash-001 on Vertex appeared at 0.00015 per token ($150 per 1M: a per-1K
    value) and was corrected to $0.15 the next day."""
    assert history(con, "litellm_history", "gemini-2.0-flash-001") == [
        (Decimal("0.15"), "2025-02-07", None, None)
    ]
    (reason,) = con.execute(
        "select reason from quarantine where sku = 'gemini-2.0-flash-001' and component = 'input'"
    ).fetchone()
    assert (
        reason
        == "first price of the series, more than 10× from the prices after it (from 150.0 to 0.15)"
    )


def test_price_history_spans_2021_to_2026(con) -> None:
    llm = con.execute(
        "select min(valid_from)::date::varchar, max(valid_from)::date::varchar from price_history "
        "where leg = 'llm' and component in ('input', 'output')"
    ).fetchone()
    assert llm[0] == "2021-11-20" and llm[1] >= "2026-08-01"
    h100 = con.execute(
        "select min(valid_from)::date::varchar, max(valid_from)::date::varchar from price_history "
        "where leg = 'compute' and (sku ilike '%h100%' or accelerator like 'H100%')"
    ).fetchone()
    assert h100 == ("2023-05-01", "2026-09-29")


def test_a_rerun_adds_nothing(loaded) -> None:
    again = loaded["again"]
    assert (again.observations_new, again.history_changes, again.quarantined) == (0, 0, 0)
    before, after = loaded["before"], loaded["after"]
    for table in ("observations", "price_history", "quarantine"):
        assert after[table] == before[table], table
    # parse problems are logged per run (a problem that persists is reported every night)
    assert after["parse_problems"] == 2 * before["parse_problems"]
    assert loaded["aliases"][0] == loaded["aliases"][1]
    assert loaded["identity"] == loaded["identity_again"]


def test_model_identity(loaded, con) -> None:
    identity = loaded["identity"]
    assert (identity.models, identity.benchmarks, identity.benchmarks_matched) == (261, 322, 322)
    assert identity.datasets == 14  # 12 datasets and the two pages-history replays
    gpt_4o = con.execute(
        "select provider, listing_id from model_aliases where model_id = 'gpt-4o' "
        "and listing_id in ('gpt-4o', 'azure/gpt-4o', 'openai/gpt-4o', 'GPT-4o-2024-08') "
        "order by all"
    ).fetchall()
    assert gpt_4o == [
        ("artificial_analysis", "GPT-4o-2024-08"),
        ("azure", "azure/gpt-4o"),
        ("openai", "gpt-4o"),
        ("openrouter", "openai/gpt-4o"),
    ]
    mmlu = con.execute(
        "select score from benchmarks where model_id = 'gpt-4o' and benchmark = 'mmlu' "
        "order by date"
    ).fetchall()
    assert [row[0] for row in mmlu] == [Decimal("87"), Decimal("89"), Decimal("86")]
    kinds = dict(con.execute("select source, kind from source_kinds").fetchall())
    assert kinds["gpu_rental_monthly"] == "dataset"  # added by the load
    licensed = con.execute(
        "select license from dataset_sources where source = 'sophie_pricing_history'"
    ).fetchone()[0]
    assert "CC BY 4.0" in licensed


def test_prices_in_force_for_gpt_4o(con) -> None:
    def on(day: str, component: str = "input") -> tuple:
        return con.execute(
            "select price, source, provider, sku from prices_in_force where model_id = 'gpt-4o' "
            "and component = ? and tier = 'standard' and currency = 'USD' "
            "and valid_from <= ?::TIMESTAMP and (valid_to is null or valid_to > ?::TIMESTAMP)",
            [component, day, day],
        ).fetchone()

    assert on("2024-05-13") == (Decimal("5"), "epoch_api_prices", "openai", "gpt-4o-2024-05-13")
    assert on("2024-06-01") == (Decimal("5"), "litellm_history", "openai", "gpt-4o")
    assert on("2025-01-01") == (Decimal("2.5"), "litellm_history", "openai", "gpt-4o")
    assert on("2025-01-01", "output") == (Decimal("10"), "litellm_history", "openai", "gpt-4o")


def test_models_unmatched_report(loaded, capsys) -> None:
    assert main(["--db", str(loaded["db"]), "models", "--unmatched", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["provider", "listing", "observations", "history_rows", "sources"]
    assert len([line for line in lines[2:] if line and not line[0].isdigit()]) == 3
    identity = loaded["identity"]
    assert f"{identity.unmatched} of {identity.listings} LLM listings match no model" in out
    assert "showing 3 (--limit 0 for all)" in out
    assert (
        main(
            ["--db", str(loaded["db"]), "models", "--unmatched", "--format", "csv", "--limit", "0"]
        )
        == 0
    )
    rows = capsys.readouterr().out.strip().splitlines()
    assert len(rows) == identity.unmatched + 1
    assert all(",gpt-4o," not in row for row in rows)


def test_openrouters_two_weeks_at_the_batch_price_are_held_back(con) -> None:
    """The 64 unit-slip quarantines of the OpenRouter captures are one real upstream error:
    from 2026-08-02 to 08-17 OpenRouter listed GPT-5.6 Luna and Luna Pro at $0.10 / $0.60 per
    1M tokens, a tenth of its earlier $1 / $6 and the same as the batch price; OpenAI's own
    page (capture of 2026-08-21) and simonw's record (from 2026-07-30) say $0.20 / $1.20, and
    OpenRouter listed $0.20 / $1.20 from 08-20. The guard held every one of them back."""
    rows = con.execute(
        "select sku, tier, component, count(*), min(price), max(price), "
        "min(observed_at)::date::varchar, max(observed_at)::date::varchar from quarantine "
        "where source = 'page_history_aggregators' and reason like 'unit slip%' "
        "group by all order by all"
    ).fetchall()
    assert {r[0] for r in rows} == {"openai/gpt-5.6-luna", "openai/gpt-5.6-luna-pro"}
    assert sum(r[3] for r in rows) == 64
    assert all((r[6], r[7]) == ("2026-08-02", "2026-08-17") for r in rows)
    standard_input = [r for r in rows if r[1] == "standard" and r[2] == "input"]
    assert [(r[0], r[4], r[5]) for r in standard_input] == [
        ("openai/gpt-5.6-luna", Decimal("0.1"), Decimal("0.1")),
        ("openai/gpt-5.6-luna-pro", Decimal("0.1"), Decimal("0.1")),
    ]
    # What OpenAI published: the standard input price of its own page, stored.
    assert con.execute(
        "select price from price_history where source = 'page_history' and sku = 'gpt-5.6-luna' "
        "and component = 'input' and tier = 'standard'"
    ).fetchall() == [(Decimal("0.2"),)]
