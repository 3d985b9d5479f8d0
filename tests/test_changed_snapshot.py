"""A changed OpenRouter snapshot (one price lowered, one model removed, one added) produces
exactly those history changes and nothing else. Built from a temp copy of the real recording."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from schemas.observation import FetchedPage
from scrapers.registry import all_sources
from warehouse.connection import connect
from warehouse.load import FetchRecord, SourceOutcome, load_run

RECORDING = "llm/openrouter/openrouter_models_2026-08-18.json"
URL = "https://openrouter.ai/api/v1/models"
CAPTURED = datetime(2026, 8, 18, 20, 1, 54, tzinfo=UTC)


def parsed(body: bytes, fetched_at: datetime) -> SourceOutcome:
    source = all_sources()["openrouter"]
    page = FetchedPage(
        source="openrouter",
        url=URL,
        status=200,
        body=body,
        fetched_at=fetched_at,
        headers={"content-type": "application/json"},
    )
    result = source.parse(page)
    return SourceOutcome(
        "openrouter",
        "llm",
        "ok",
        fetches=[FetchRecord.of(page)],
        observations=result.observations,
        problems=result.problems,
    )


def open_rows(con) -> set[tuple]:
    return set(
        con.execute(
            "SELECT sku, component, tier, price, valid_from FROM price_history "
            "WHERE valid_to IS NULL"
        ).fetchall()
    )


@pytest.fixture
def changed_body(shared_data) -> bytes:
    document = json.loads((shared_data / RECORDING).read_bytes())
    models = document["data"]
    gpt4o = next(m for m in models if m["id"] == "openai/gpt-4o")
    gpt4o["pricing"]["prompt"] = "0.000002"  # $2.50 -> $2.00 per 1M input tokens
    document["data"] = [m for m in models if m["id"] != "openai/gpt-4o-mini"]
    document["data"].append(
        {
            "id": "acme/new-model",
            "name": "Acme: New Model",
            "architecture": {"output_modalities": ["text"]},
            "pricing": {"prompt": "0.000001", "completion": "0.000004"},
        }
    )
    return json.dumps(document).encode()


def test_changed_snapshot_gives_exactly_its_changes(tmp_path, shared_data, changed_body):
    con = connect(tmp_path / "w.duckdb")
    first = load_run(
        con, "run1", "offline", CAPTURED, [parsed((shared_data / RECORDING).read_bytes(), CAPTURED)]
    )
    assert first.sources[0].history_new == 1360
    before = open_rows(con)

    later = CAPTURED + timedelta(days=1)
    report = load_run(con, "run2", "offline", later, [parsed(changed_body, later)])
    source = report.sources[0]
    # gpt-4o-mini's three prices are missing once: pending withdrawal, still in force
    assert (source.history_changed, source.history_withdrawn, source.history_new) == (1, 0, 2)
    assert source.history_pending == 3
    assert source.rows_quarantined == 0
    # the next successful run misses them again: withdrawn as of the first run that missed them
    after_next = later + timedelta(days=1)
    again = load_run(con, "run3", "offline", after_next, [parsed(changed_body, after_next)])
    assert (again.sources[0].history_withdrawn, again.sources[0].history_pending) == (3, 0)

    after = open_rows(con)
    later_naive = later.replace(tzinfo=None)
    captured_naive = CAPTURED.replace(tzinfo=None)
    gone = {
        ("openai/gpt-4o", "input", "standard", Decimal("2.5"), captured_naive),
        ("openai/gpt-4o-mini", "input", "standard", Decimal("0.15"), captured_naive),
        ("openai/gpt-4o-mini", "output", "standard", Decimal("0.6"), captured_naive),
        ("openai/gpt-4o-mini", "cached_input", "standard", Decimal("0.075"), captured_naive),
    }
    came = {
        ("openai/gpt-4o", "input", "standard", Decimal("2"), later_naive),
        ("acme/new-model", "input", "standard", Decimal("1"), later_naive),
        ("acme/new-model", "output", "standard", Decimal("4"), later_naive),
    }
    assert before - after == gone
    assert after - before == came

    closed = con.execute(
        "SELECT sku, component, close_reason, valid_to FROM price_history "
        "WHERE closed_by_run IN ('run2', 'run3') ORDER BY sku, component"
    ).fetchall()
    assert closed == [
        ("openai/gpt-4o", "input", "changed", later_naive),
        ("openai/gpt-4o-mini", "cached_input", "withdrawn", later_naive),
        ("openai/gpt-4o-mini", "input", "withdrawn", later_naive),
        ("openai/gpt-4o-mini", "output", "withdrawn", later_naive),
    ]
    con.close()
