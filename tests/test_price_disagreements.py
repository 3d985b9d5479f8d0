"""The cross-source check (view price_disagreements, warehouse/disagreements.py, `deflator
status`) on the warehouse built from the recorded data, and on a planted wrong price: Claude
Opus 4.5's batch price ($2.50) loaded as its list price in a new night, the error class of a
parser that takes a mode's price for the standard one."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pytest

from flows.cli import main
from schemas.observation import FetchedPage
from scrapers.registry import all_sources
from warehouse.connection import connect
from warehouse.disagreements import Disagreement, alarms, disagreements
from warehouse.load import FetchRecord, SourceOutcome, load_run
from warehouse.snapshot import publish_snapshot

pytestmark = pytest.mark.flow


def _row(**changes) -> Disagreement:
    base = Disagreement(
        model_id="claude-opus-4.5",
        component="input",
        tier="standard",
        currency="USD",
        first_party_price=Decimal("2.5"),
        first_party_source="anthropic_pricing",
        first_party_provider="anthropic",
        first_party_sku="claude-opus-4-5",
        first_party_valid_from=datetime(2026, 12, 6, 21, 0),
        aggregator_price=Decimal(5),
        aggregator_source="openrouter",
        aggregator_provider="openrouter",
        aggregator_sku="anthropic/claude-opus-4.5",
        relative_difference=Decimal(1),
        agreeing_aggregators=0,
        listing_aggregators=2,
        changed_tonight=True,
    )
    return replace(base, **changes)


def test_an_alarm_needs_a_change_tonight_and_no_aggregator_agreeing():
    assert alarms([_row()]) and _row().is_alarm
    assert not _row(changed_tonight=False).is_alarm  # an old disagreement is listed only
    assert not _row(agreeing_aggregators=1).is_alarm  # one aggregator already has it
    assert alarms([_row(changed_tonight=False), _row(agreeing_aggregators=1)]) == []


@pytest.fixture(scope="module")
def recorded(full_warehouse) -> list[Disagreement]:
    con = duckdb.connect(str(full_warehouse), read_only=True)
    try:
        return disagreements(con)
    finally:
        con.close()


def _find(rows, model, component, aggregator_source, aggregator_sku=None):
    found = [
        r
        for r in rows
        if (r.model_id, r.component, r.aggregator_source) == (model, component, aggregator_source)
        and (aggregator_sku is None or r.aggregator_sku == aggregator_sku)
    ]
    assert len(found) == 1, (model, component, aggregator_source, found)
    return found[0]


def test_the_recorded_data_has_these_disagreements(recorded, full_warehouse):
    # Cohere's page lists Command R at $0.50 / $1.50; LiteLLM has $0.15 / $0.60 (the 08-2024
    # price): no aggregator agrees with the first-party page.
    command_r = _find(recorded, "command-r", "input", "litellm")
    assert (command_r.first_party_price, command_r.aggregator_price) == (
        Decimal("0.5"),
        Decimal("0.15"),
    )
    assert command_r.first_party_source == "cohere_pricing"
    assert command_r.relative_difference == Decimal("-0.7")
    assert (command_r.agreeing_aggregators, command_r.listing_aggregators) == (0, 1)
    # Z.ai lists GLM-5.2 at $1.40 input; OpenRouter routes it for $0.476 (2026-08-18) and its
    # replayed 2026-08-22 capture, still in force, says $0.966: neither agrees.
    glm = _find(recorded, "glm-5.2", "input", "openrouter")
    assert (glm.first_party_price, glm.aggregator_price) == (Decimal("1.4"), Decimal("0.476"))
    replayed = _find(recorded, "glm-5.2", "input", "page_history_aggregators")
    assert replayed.aggregator_price == Decimal("0.966")
    # Claude's list prices agree across the page, OpenRouter and LiteLLM.
    claude = {"claude-opus-4.5", "claude-sonnet-4.5", "claude-haiku-4.5", "claude-opus-4.1"}
    assert not [r for r in recorded if r.model_id in claude]
    con = duckdb.connect(str(full_warehouse), read_only=True)
    try:  # ... and the check had something to compare: first-party prices in force for each
        checked = con.execute(
            "SELECT count(DISTINCT model_id) FROM prices_in_force WHERE valid_to IS NULL "
            "AND source_kind LIKE 'first_party%' AND model_id IN ?",
            [sorted(claude)],
        ).fetchone()[0]
    finally:
        con.close()
    assert checked == len(claude)
    assert not [r for r in recorded if r.changed_tonight]  # a first load changes nothing


def test_status_lists_disagreements_and_exits_zero_without_an_alarm(full_warehouse, capsys):
    capsys.readouterr()
    code = main(["--db", str(full_warehouse), "status"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "price disagreements (first-party price in force vs aggregators beyond" in out
    assert "command-r" in out and "0 alarm(s)" in err


def _planted_night(db, shared_data, price: Decimal) -> None:
    """Load tonight's Anthropic page with Opus 4.5's standard input at ``price``."""
    source = all_sources()["anthropic_pricing"]
    recording = source.recordings[0]
    now = datetime.now(UTC)
    page = FetchedPage(
        source=source.name,
        url=recording.url,
        status=200,
        headers={"content-type": recording.content_type},
        body=(shared_data / recording.path).read_bytes(),
        fetched_at=now,
        replayed=True,
    )
    result = source.parse(page)
    planted = [
        o.model_copy(update={"price": price})
        if (o.sku, o.component.value, o.tier) == ("claude-opus-4-5", "input", "standard")
        else o
        for o in result.observations
    ]
    assert planted != result.observations
    outcome = SourceOutcome(
        source.name,
        source.leg.value,
        "ok",
        fetches=[FetchRecord.of(page)],
        observations=planted,
    )
    con = connect(db)
    try:
        run = load_run(con, f"{now:%Y%m%dT%H%M%SZ}-plant", "offline", now, [outcome])
        assert run.sources[0].history_changed == 1
        publish_snapshot(con, db)
    finally:
        con.close()


# The error classes: the batch price taken as the list price, and the fast-mode table
# ($30 input, no model column) given to a model's standard tier.
@pytest.mark.parametrize("price", [Decimal("2.5"), Decimal(30)], ids=["batch", "fast-mode"])
def test_a_wrong_first_party_price_tonight_makes_status_fail_naming_it(
    full_warehouse, shared_data, tmp_path, capsys, price
):
    db = tmp_path / "deflator.duckdb"
    shutil.copy(full_warehouse, db)
    _planted_night(db, shared_data, price)
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = [r for r in disagreements(con) if r.changed_tonight]
        in_force = con.execute(
            "SELECT price, source FROM prices_in_force WHERE model_id = 'claude-opus-4.5' "
            "AND component = 'input' AND tier = 'standard' AND valid_to IS NULL"
        ).fetchall()
    finally:
        con.close()
    # Tonight's page wins over the replayed capture ($5, rank 2) whether lower or higher.
    assert in_force == [(price, "anthropic_pricing")]
    assert {(r.model_id, r.component, r.tier) for r in rows} == {
        ("claude-opus-4.5", "input", "standard")
    }
    assert {(r.aggregator_source, r.aggregator_sku, r.aggregator_price) for r in rows} == {
        ("litellm", "claude-opus-4-5", Decimal(5)),
        ("openrouter", "anthropic/claude-opus-4.5", Decimal(5)),
    }
    assert all(r.first_party_price == price and r.is_alarm for r in rows)
    capsys.readouterr()
    code = main(["--db", str(db), "status", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.lstrip().startswith("[")  # json stays machine-readable: the alarm is on stderr
    assert "1 alarm(s)" in err
    assert "PRICE ALARM: claude-opus-4.5 input standard: anthropic_pricing (anthropic " in err
    assert f"changed tonight to {price} USD" in err
