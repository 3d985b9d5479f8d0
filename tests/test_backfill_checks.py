"""The checks a backfill batch goes through (hand-made points, to pin the rules down): the step
rule follows the last ACCEPTED price, a first price is checked against the next one, known-error
rules are data, and the precedence view picks one source per model, component and date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from schemas.models import Alias, ModelCatalog, ModelFacts
from tests.warehouse_utils import at, obs, outcome
from warehouse.connection import connect
from warehouse.load import load_run
from warehouse.models import load_identity


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def dated(price: str, day: int, sku: str = "a", source: str = "testsrc", provider: str = "acme"):
    """A point of ``sku`` observed on 20 November 2026, in force from ``day`` November 2026."""
    return obs(sku, price, at(20), source=source).model_copy(
        update={"effective_date": date(2026, 11, day), "provider": provider}
    )


def run(con, run_id: str, points: list, source: str = "testsrc"):
    return load_run(con, run_id, "backfill", at(20), [outcome(points, at(20), source=source)])


def prices(con, sku: str = "a") -> list[tuple[Decimal, int]]:
    return [
        (row[0], row[1].day)
        for row in con.execute(
            "select price, valid_from from price_history where sku = ? order by valid_from", [sku]
        ).fetchall()
    ]


def reasons(con) -> dict[Decimal, str]:
    return dict(con.execute("select price, reason from quarantine").fetchall())


def test_a_spike_does_not_reject_the_price_after_it(con) -> None:
    run(con, "r1", [dated("1", 1), dated("100", 2), dated("1.1", 3)])
    assert prices(con) == [(Decimal("1"), 1), (Decimal("1.1"), 3)]
    assert reasons(con) == {Decimal("100"): "moved more than 10× in one step (from 1.0 to 100.0)"}


def test_a_zero_is_not_the_price_the_next_one_follows(con) -> None:
    run(con, "r1", [dated("2", 1), dated("0", 2), dated("2.2", 3)])
    assert prices(con) == [(Decimal("2"), 1), (Decimal("2.2"), 3)]
    assert reasons(con) == {Decimal("0"): "zero or negative price: not a list price"}


def test_a_wrong_first_price_is_checked_against_the_next_different_one(con) -> None:
    points = [dated("500", 1), dated("500", 2), dated("0.05", 3), dated("0.05", 4)]
    report = run(con, "r1", points)
    assert prices(con) == [(Decimal("0.05"), 3)]
    assert report.quarantined == 2
    assert set(reasons(con).values()) == {
        "first price of the series, more than 10× from the prices after it (from 500.0 to 0.05)"
    }
    again = run(con, "r2", points)
    assert (again.quarantined, again.observations_new, again.history_changes) == (0, 0, 0)


def test_a_long_decline_is_not_a_wrong_first_price(con) -> None:
    run(con, "r1", [dated(p, d) for p, d in (("60", 1), ("20", 2), ("6", 3), ("2", 4))])
    assert [p for p, _ in prices(con)] == [Decimal(x) for x in ("60", "20", "6", "2")]


def test_a_nightly_point_still_follows_the_price_in_force(con) -> None:
    load_run(con, "n1", "offline", at(1), [outcome([obs("a", "1", at(1))], at(1))])
    report = load_run(con, "n2", "offline", at(2), [outcome([obs("a", "0.05", at(2))], at(2))])
    assert report.quarantined == 1
    assert reasons(con) == {Decimal("0.05"): "moved more than 10× in one step (from 1.0 to 0.05)"}


def test_known_error_rules_are_data(con) -> None:
    con.execute(
        "insert into quarantine_rules values ('testsrc', 'acme', 'a', 'input', "
        "'https://example.invalid/%', '2026-11-01', '2026-12-01', 'a known per-character price')"
    )
    run(con, "r1", [dated("0.3", 1), dated("0.31", 2, sku="b")])
    assert reasons(con) == {Decimal("0.3"): "a known per-character price"}
    assert prices(con, "b") == [(Decimal("0.31"), 2)]


@pytest.fixture
def precedence(con):
    """gpt-4o priced by a dataset, an aggregator and a first-party page over November 2026."""
    run(
        con,
        "r1",
        [dated("5", 1, "gpt-4o-2024-05-13", "epoch_api_prices", "openai")],
        source="epoch_api_prices",
    )
    run(
        con,
        "r2",
        [
            dated("2.5", 5, "openai/gpt-4o", "openrouter", "openrouter"),
            dated("3", 5, "openai/gpt-4o-2024-05-13", "openrouter", "openrouter"),
        ],
        source="openrouter",
    )
    run(
        con,
        "r3",
        [
            dated("2.5", 10, "gpt-4o", "openai_pricing", "openai"),
            dated("2", 15, "gpt-4o", "openai_pricing", "openai"),
        ],
        source="openai_pricing",
    )
    catalog = ModelCatalog(
        [ModelFacts("gpt-4o", "openai", "gpt-4o", False, None, None)],
        [Alias("*", "GPT-4o", "gpt-4o")],
        {"openai": "openai", "openrouter": "openrouter"},
    )
    load_identity(con, catalog)
    return con


def test_precedence_first_party_page_over_aggregator_over_dataset(precedence) -> None:
    rows = precedence.execute(
        "select valid_from::date::varchar, valid_to::date::varchar, price, source, source_kind, "
        "sku, first_party_seller from prices_in_force where model_id = 'gpt-4o' order by valid_from"
    ).fetchall()
    assert rows == [
        (
            "2026-11-01",
            "2026-11-05",
            Decimal("5"),
            "epoch_api_prices",
            "dataset",
            "gpt-4o-2024-05-13",
            True,
        ),
        # the aggregator's listing of the model itself beats its dated snapshot
        (
            "2026-11-05",
            "2026-11-10",
            Decimal("2.5"),
            "openrouter",
            "aggregator",
            "openai/gpt-4o",
            False,
        ),
        (
            "2026-11-10",
            "2026-11-15",
            Decimal("2.5"),
            "openai_pricing",
            "first_party_page",
            "gpt-4o",
            True,
        ),
        ("2026-11-15", None, Decimal("2"), "openai_pricing", "first_party_page", "gpt-4o", True),
    ]
    aliases = precedence.execute(
        "select listing_id, rule, variant from model_aliases order by listing_id"
    ).fetchall()
    assert aliases == [
        ("gpt-4o", "model id", False),
        ("gpt-4o-2024-05-13", "model id after date", True),
        ("openai/gpt-4o", "model id after path", False),
        ("openai/gpt-4o-2024-05-13", "model id after path+date", True),
    ]


def test_sources_of_unknown_kind_rank_last(con) -> None:
    kinds = dict(con.execute("select kind, rank from source_kind_ranks").fetchall())
    assert kinds == {
        "first_party_page": 1,
        "first_party_api": 2,
        "third_party_scrape": 3,  # migration 017
        "aggregator": 4,
        "dataset": 5,
        "unknown": 9,
    }
    assert datetime(2026, 11, 20, tzinfo=UTC) == at(20, 0)
