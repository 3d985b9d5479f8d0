"""SCD2 price history: new, unchanged, changed, withdrawn, stale, and failed sources."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests.warehouse_utils import at, counts, history, obs, outcome
from warehouse.connection import connect
from warehouse.load import load_run


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def run(con, n: int, outcomes):
    return load_run(con, f"run{n}", "offline", at(n), outcomes)


def naive(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


def test_first_run_opens_one_row_per_series(con):
    report = run(con, 1, [outcome([obs("a", "2.5", at(1)), obs("b", "10", at(1))], at(1))])
    assert report.status == "ok"
    assert report.sources[0].history_new == 2
    assert history(con, "a") == [(Decimal("2.5"), naive(at(1)), None, None)]


def test_same_night_again_adds_nothing(con):
    night = [obs("a", "2.5", at(1)), obs("b", "10", at(1))]
    run(con, 1, [outcome(night, at(1))])
    before = counts(con)
    report = run(con, 2, [outcome(night, at(1))])
    after = counts(con)
    assert report.observations_new == 0
    assert report.history_changes == 0
    assert after["observations"] == before["observations"] == 2
    assert after["price_history"] == before["price_history"] == 2


def test_unchanged_price_only_moves_last_observed(con):
    run(con, 1, [outcome([obs("a", "2.5", at(1))], at(1))])
    report = run(con, 2, [outcome([obs("a", "2.5", at(2))], at(2))])
    assert report.observations_new == 1
    assert report.history_changes == 0
    row = con.execute("SELECT valid_from, last_observed_at FROM price_history").fetchone()
    assert row == (naive(at(1)), naive(at(2)))


def test_price_cut_closes_old_row_at_new_start(con):
    run(con, 1, [outcome([obs("a", "2.5", at(1)), obs("b", "10", at(1))], at(1))])
    report = run(con, 2, [outcome([obs("a", "2", at(2)), obs("b", "10", at(2))], at(2))])
    assert report.sources[0].history_changed == 1
    assert report.sources[0].history_new == 0
    assert history(con, "a") == [
        (Decimal("2.5"), naive(at(1)), naive(at(2)), "changed"),
        (Decimal("2"), naive(at(2)), None, None),
    ]
    assert len(history(con, "b")) == 1


def test_missing_series_is_withdrawn_on_the_second_miss_and_can_come_back(con):
    run(con, 1, [outcome([obs("a", "2.5", at(1)), obs("b", "10", at(1))], at(1))])
    first_miss = run(con, 2, [outcome([obs("a", "2.5", at(2))], at(2))])
    assert (first_miss.sources[0].history_withdrawn, first_miss.sources[0].history_pending) == (
        0,
        1,
    )
    assert first_miss.pending == [("testsrc", "acme / b / input / standard / global / USD")]
    from flows.summary import format_summary

    assert (
        "missing, pending withdrawal (withdrawn if missing again): 1\n"
        "  testsrc: acme / b / input / standard / global / USD"
    ) in format_summary(first_miss, "w.duckdb")
    assert history(con, "b") == [(Decimal("10"), naive(at(1)), None, None)]  # still in force
    # a failed run of the source in between neither withdraws nor forgets the miss
    run(con, 3, [outcome([], at(3), status="failed", error="fetch: HTTP 503")])
    second_miss = run(con, 4, [outcome([obs("a", "2.5", at(4))], at(4))])
    assert second_miss.sources[0].history_withdrawn == 1
    assert second_miss.withdrawn == [("testsrc", "acme / b / input / standard / global / USD")]
    assert (
        "withdrawn (missing on two successful runs in a row): 1\n"
        "  testsrc: acme / b / input / standard / global / USD"
    ) in format_summary(second_miss, "w.duckdb")
    # closed as of the first run that missed it
    assert history(con, "b") == [(Decimal("10"), naive(at(1)), naive(at(2)), "withdrawn")]
    assert con.execute("SELECT count(*) FROM withdrawal_pending").fetchone() == (0,)
    run(con, 5, [outcome([obs("a", "2.5", at(5)), obs("b", "9", at(5))], at(5))])
    assert history(con, "b")[-1] == (Decimal("9"), naive(at(5)), None, None)


def test_a_series_missing_once_then_listed_again_is_never_withdrawn(con):
    run(con, 1, [outcome([obs("a", "2.5", at(1)), obs("b", "10", at(1))], at(1))])
    run(con, 2, [outcome([obs("a", "2.5", at(2))], at(2))])
    back = run(con, 3, [outcome([obs("a", "2.5", at(3)), obs("b", "10", at(3))], at(3))])
    assert back.withdrawn == [] and back.pending == []
    run(con, 4, [outcome([obs("a", "2.5", at(4))], at(4))])  # missing again: a first miss
    assert history(con, "b") == [(Decimal("10"), naive(at(1)), None, None)]
    assert con.execute("SELECT first_missing_run FROM withdrawal_pending").fetchall() == [("run4",)]


def test_failed_source_keeps_its_prices_in_force(con):
    run(con, 1, [outcome([obs("a", "2.5", at(1))], at(1))])
    report = run(con, 2, [outcome([], at(2), status="failed", error="fetch: HTTP 503")])
    assert report.status == "failed"
    assert history(con, "a") == [(Decimal("2.5"), naive(at(1)), None, None)]
    ledger = con.execute("SELECT status, error FROM run_sources WHERE run_id = 'run2'").fetchone()
    assert ledger == ("failed", "fetch: HTTP 503")


def test_collapsed_row_count_fails_the_source_as_drift(con):
    first = [obs(f"m{i}", "1", at(1)) for i in range(10)]
    run(con, 1, [outcome(first, at(1))])
    report = run(con, 2, [outcome(first[:4], at(2))])
    source = report.sources[0]
    assert source.status == "failed"
    assert "fewer than half of the last good run's 10" in source.error
    assert (
        con.execute("SELECT count(*) FROM price_history WHERE valid_to IS NULL").fetchone()[0] == 10
    )


def test_older_page_replayed_later_does_not_rewrite_history(con):
    run(con, 1, [outcome([obs("a", "2.5", at(1))], at(1))])
    run(con, 2, [outcome([obs("a", "2", at(5))], at(5))])
    report = run(con, 3, [outcome([obs("a", "3", at(3))], at(3))])
    assert report.history_changes == 0
    assert [r[0] for r in history(con, "a")] == [Decimal("2.5"), Decimal("2")]


def test_quarantine_holds_implausible_prices_with_reasons(con):
    run(con, 1, [outcome([obs("a", "2.5", at(1)), obs("b", "1", at(1))], at(1))])
    batch = [
        obs("a", "2500000", at(2)),  # a per-1M value read as per-token: $2.5M per 1M
        obs("b", "0.05", at(2)),  # a 20x cut in one night
        obs("c", "0", at(2)),  # zero is not a list price
    ]
    report = run(con, 2, [outcome(batch, at(2))])
    assert report.quarantined == 3
    reasons = dict(con.execute("SELECT sku, reason FROM quarantine").fetchall())
    assert reasons["a"].startswith("implausible: above $1,000 per 1M tokens")
    assert reasons["b"] == "moved more than 10× in one step (from 1.0 to 0.05)"
    assert reasons["c"] == "zero or negative price: not a list price"
    # the quarantined series keep their prices and are not withdrawn
    assert history(con, "a") == [(Decimal("2.5"), naive(at(1)), None, None)]
    assert history(con, "b") == [(Decimal("1"), naive(at(1)), None, None)]
    assert history(con, "c") == []
    again = run(con, 3, [outcome(batch, at(2))])
    assert again.quarantined == 0
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 3


def test_error_inside_the_load_leaves_the_warehouse_unchanged(con, monkeypatch):
    run(con, 1, [outcome([obs("a", "2.5", at(1))], at(1))])
    before = counts(con)
    import warehouse.load as load_module

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(load_module, "_insert_ledger", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        run(con, 2, [outcome([obs("a", "2", at(2)), obs("z", "1", at(2))], at(2))])
    assert counts(con) == before
    assert history(con, "a") == [(Decimal("2.5"), naive(at(1)), None, None)]


def test_a_batch_of_dated_prices_becomes_one_row_per_price_change(con):
    """A backfill brings a series' whole past at once: each change is a row, equal runs merge."""
    from datetime import date

    def dated(price: str, day: int):
        return obs("a", price, at(20)).model_copy(update={"effective_date": date(2026, 11, day)})

    points = [dated("2.5", 1), dated("2.5", 2), dated("2", 3), dated("2", 4), dated("3", 5)]
    report = run(con, 1, [outcome(points, at(20))])
    assert (report.sources[0].history_new, report.sources[0].history_changed) == (1, 2)
    day = lambda d: datetime(2026, 11, d)  # noqa: E731
    assert history(con, "a") == [
        (Decimal("2.5"), day(1), day(3), "changed"),
        (Decimal("2"), day(3), day(5), "changed"),
        (Decimal("3"), day(5), None, None),
    ]
    again = run(con, 2, [outcome(points, at(20))])
    assert again.history_changes == 0 and again.quarantined == 0 and again.observations_new == 0
    assert len(history(con, "a")) == 3


def test_a_long_decline_in_one_batch_is_not_a_step_move(con):
    """Step moves are judged against the previous point, not against today's price."""
    from datetime import date

    def dated(price: str, day: int):
        return obs("a", price, at(20)).model_copy(update={"effective_date": date(2026, 11, day)})

    points = [dated("60", 1), dated("20", 2), dated("6", 3), dated("2", 4), dated("0.5", 5)]
    run(con, 1, [outcome(points, at(20))])
    again = run(con, 2, [outcome(points, at(20))])
    assert con.execute("select count(*) from quarantine").fetchone()[0] == 0
    assert again.quarantined == 0
    assert [row[0] for row in history(con, "a")] == [
        Decimal(p) for p in ("60", "20", "6", "2", "0.5")
    ]
